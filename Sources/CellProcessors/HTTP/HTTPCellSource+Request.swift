import Foundation
import JupyterProtocol

extension HTTPCellSource {
    /// The request to send: the URL resolved against `defaults.baseURL` when relative,
    /// the connection's headers merged in (see ``HTTPRequestDefaults``), and
    /// `Content-Type: application/json` added when the body is a JSON object or array
    /// and no `Content-Type` was given (libcurl would otherwise send
    /// `application/x-www-form-urlencoded`).
    public func request(defaults: HTTPRequestDefaults? = nil) throws(HTTPCellError) -> HTTPCellRequest {
        let (url, sameOrigin) = try resolvedURL(defaults: defaults)
        var merged = headers
        if let defaults, sameOrigin {
            merged = try Self.merge(defaults.headers, under: headers)
        }
        if !body.isEmpty, !merged.contains(named: "Content-Type"), Self.looksLikeJSONDocument(body) {
            merged.append(HTTPCellHeader(name: "Content-Type", value: "application/json"))
        }
        return HTTPCellRequest(method: method, url: url, headers: merged, body: body)
    }

    /// The absolute URL, and whether it is on the base URL's origin (or there is none).
    func resolvedURL(defaults: HTTPRequestDefaults?) throws(HTTPCellError) -> (String, Bool) {
        let base = try defaults?.baseURL.flatMap { text throws(HTTPCellError) -> URLComponents? in
            text.isEmpty ? nil : try HTTPURLText.absolute(text, role: "connection's base_url", code: HTTPCellError.Code.badBaseURL)
        }
        if HTTPURLText.scheme(of: url) != nil {
            let target = try HTTPURLText.absolute(url, role: "URL")
            return (url, base.map { HTTPURLText.origin($0) == HTTPURLText.origin(target) } ?? true)
        }
        if url.hasPrefix("//") {
            throw HTTPCellError(code: HTTPCellError.Code.badURL, message: "The URL starts with // and has no scheme; write it as https://… .")
        }
        guard base != nil, let baseText = defaults?.baseURL else {
            throw HTTPCellError(code: HTTPCellError.Code.relativeURL, message: "The URL '\(String(url.prefix(80)).httpEscapedControls)' is relative: write an absolute http:// or https:// URL, or choose an http connection with a base_url.")
        }
        let joined = HTTPURLText.join(base: baseText, relative: url)
        _ = try HTTPURLText.absolute(joined, role: "URL (base_url + the cell's path)")
        return (joined, true)
    }

    /// Defaults first (sorted by name, for a stable order), minus those the cell overrides.
    static func merge(_ defaults: [String: String], under cell: [HTTPCellHeader]) throws(HTTPCellError) -> [HTTPCellHeader] {
        let overridden = Set(cell.map { $0.name.lowercased() })
        var merged: [HTTPCellHeader] = []
        for (name, value) in defaults.sorted(by: { $0.key < $1.key }) where !overridden.contains(name.lowercased()) {
            guard isToken(name) else {
                throw HTTPCellError(code: HTTPCellError.Code.badHeader, message: "The connection's header name '\(String(name.prefix(64)).httpEscapedControls)' is not a valid token; fix the connection.")
            }
            merged.append(HTTPCellHeader(name: name, value: try checkedValue(value, name: name, origin: "from the connection")))
        }
        return merged + cell
    }

    static func looksLikeJSONDocument(_ body: [UInt8]) -> Bool {
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == 0x7B || first == 0x5B else { return false }
        return (try? JSONCoding.decode(JSONValue.self, from: body)) != nil
    }
}
