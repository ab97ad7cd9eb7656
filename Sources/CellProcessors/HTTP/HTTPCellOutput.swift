import Foundation
import JupyterProtocol

/// What an http cell shows and binds (SPEC §5), from a response; pure.
///
/// - ``statusDisplay``: a `display_data` bundle, `text/plain` with the status line,
///   the headers and, after redirects, the final URL (without user info or query).
/// - ``result``: the `execute_result` bundle for the body: JSON →
///   `application/json` + pretty `text/plain`; text → `text/plain`; PNG, JPEG and
///   GIF → the image base64-encoded + a `text/plain` summary; other bytes →
///   `text/plain` "<N bytes of TYPE>". HTML is shown as text, never rendered.
///   Past ``Limits/maxDisplayBytes`` the text is cut (with a note) and
///   `application/json` is left out; past ``Limits/maxImageBytes`` only the summary.
/// - ``value``: the whole body for `variable`, never cut.
public struct HTTPCellOutput: Sendable, Hashable {
    public struct Limits: Sendable, Hashable {
        /// Bytes of body text (or pretty JSON) shown at most.
        public var maxDisplayBytes: Int
        /// Images larger than this are summarised, not shown.
        public var maxImageBytes: Int

        public init(maxDisplayBytes: Int = 1 << 20, maxImageBytes: Int = 8 << 20) {
            self.maxDisplayBytes = maxDisplayBytes
            self.maxImageBytes = maxImageBytes
        }
    }

    public var statusDisplay: [String: JSONValue]
    public var result: [String: JSONValue]
    public var value: HTTPBodyValue

    static let imageTypes: Set<String> = ["image/png", "image/jpeg", "image/gif"]

    public init(response: HTTPCellResponse, limits: Limits = Limits()) {
        statusDisplay = ["text/plain": .string(Self.statusText(response))]
        let mediaType = response.mediaType
        value = HTTPBodyValue.classify(response.body, mediaType: mediaType, charset: Self.charset(response))
        result = Self.bundle(value, mediaType: mediaType, limits: limits)
    }

    static func statusText(_ response: HTTPCellResponse) -> String {
        var lines = ["HTTP/\(response.httpVersion) \(response.status)" + (response.reason.isEmpty ? "" : " \(response.reason)")]
        lines += response.headers.map { "\($0.name): \($0.value)" }
        if response.redirectCount > 0 {
            let plural = response.redirectCount == 1 ? "redirect" : "redirects"
            lines.append("(after \(response.redirectCount) \(plural): \(HTTPURLText.redacted(response.effectiveURL)))")
        }
        return lines.joined(separator: "\n")
    }

    static func bundle(_ value: HTTPBodyValue, mediaType: String?, limits: Limits) -> [String: JSONValue] {
        switch value {
        case .json(let json):
            let pretty = prettyJSON(json)
            guard pretty.utf8.count <= limits.maxDisplayBytes else {
                return ["text/plain": .string(truncated(pretty, limits.maxDisplayBytes))]
            }
            return ["application/json": json, "text/plain": .string(pretty)]
        case .text(let text):
            return ["text/plain": .string(truncated(text, limits.maxDisplayBytes))]
        case .bytes(let bytes):
            let type = mediaType ?? "application/octet-stream"
            let summary = "<\(bytes.count) bytes of \(type)>"
            guard imageTypes.contains(type), bytes.count <= limits.maxImageBytes, !bytes.isEmpty else {
                return ["text/plain": .string(summary)]
            }
            return [type: .string(Data(bytes).base64EncodedString()), "text/plain": .string(summary)]
        }
    }

    static func prettyJSON(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// At most `limit` UTF-8 bytes of `text` (cut on a character boundary), with a note.
    static func truncated(_ text: String, _ limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) {
            end = utf8.index(before: end)
        }
        let shown = String(Substring(utf8[..<end]))
        let hidden = utf8.count - utf8.distance(from: utf8.startIndex, to: end)
        return shown + "\n… (\(hidden) more bytes not shown; bind the cell to a variable to get all of it)"
    }

    /// The `charset` parameter of `Content-Type`, if any.
    static func charset(_ response: HTTPCellResponse) -> String? {
        guard let value = response.headers.first(named: "Content-Type") else { return nil }
        for parameter in value.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
            }
        }
        return nil
    }
}
