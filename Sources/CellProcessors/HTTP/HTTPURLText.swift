import Foundation

/// Checks and joins the URLs of http cells.
enum HTTPURLText {
    static let allowedSchemes: Set<String> = ["http", "https"]

    /// The scheme of `text` when it starts with one (RFC 3986: a letter, then
    /// letters, digits, `+`, `-`, `.`, then `:`), lower-cased.
    static func scheme(of text: String) -> String? {
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let candidate = text.utf8[..<colon]
        guard let first = candidate.first, isLetter(first),
              candidate.allSatisfy({ isLetter($0) || (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        return String(Substring(candidate)).lowercased()
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Parses an absolute http(s) URL with a host; `role` names it in messages.
    static func absolute(_ text: String, role: String, code: String = HTTPCellError.Code.badURL) throws(HTTPCellError) -> URLComponents {
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            throw HTTPCellError(code: code, message: "The \(role) contains spaces or control characters; percent-encode them (a space is %20).")
        }
        guard let scheme = scheme(of: text) else {
            throw HTTPCellError(code: code, message: "The \(role) has no scheme; write it as http://… or https://….")
        }
        guard allowedSchemes.contains(scheme) else {
            throw HTTPCellError(code: HTTPCellError.Code.unsupportedScheme, message: "The \(role) uses the scheme '\(scheme.prefix(16))': only http and https are allowed in http cells.")
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw HTTPCellError(code: code, message: "The \(role) is not a valid URL with a host name (e.g. https://api.example.com/path).")
        }
        return components
    }

    /// `relative` appended to `base`: `https://h/v1` + `/users` → `https://h/v1/users`
    /// (appended, not RFC 3986 resolution, which would drop `/v1`).
    static func join(base: String, relative: String) -> String {
        var base = base
        if let cut = base.firstIndex(where: { $0 == "?" || $0 == "#" }) { base = String(base[..<cut]) }
        while base.hasSuffix("/") { base.removeLast() }
        if relative.hasPrefix("?") || relative.hasPrefix("#") { return base + relative }
        var path = Substring(relative)
        while path.hasPrefix("/") { path = path.dropFirst() }
        return base + "/" + path
    }

    /// The scheme, host and port, for comparing origins.
    static func origin(_ components: URLComponents) -> String {
        let scheme = components.scheme?.lowercased() ?? ""
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(components.host?.lowercased() ?? ""):\(port)"
    }

    /// `scheme://host[:port]/path` without user info, query or fragment: safe for messages.
    static func redacted(_ text: String) -> String {
        guard let components = URLComponents(string: text), let host = components.host else { return "the URL" }
        let port = components.port.map { ":\($0)" } ?? ""
        let path = components.percentEncodedPath.prefix(200)
        return "\(components.scheme ?? "http")://\(host)\(port)\(path)"
    }
}
