import Foundation
import JupyterProtocol

/// A response body as a value to bind in the kernel (`variable`).
public enum HTTPBodyValue: Sendable, Hashable {
    /// The body parsed as JSON.
    case json(JSONValue)
    /// The body as text (UTF-8, or ISO-8859-1 when the charset says so).
    case text(String)
    /// Anything else, as the raw bytes.
    case bytes([UInt8])

    /// The same as one JSON value: bytes become a base64 string.
    public var jsonValue: JSONValue {
        switch self {
        case .json(let value): value
        case .text(let text): .string(text)
        case .bytes(let bytes): .string(Data(bytes).base64EncodedString())
        }
    }

    /// Reads `body` by its media type (and, without a JSON type, by sniffing: an
    /// object or array that parses is JSON). HTML, XML and SVG are never sniffed.
    static func classify(_ body: [UInt8], mediaType: String?, charset: String?) -> HTTPBodyValue {
        let type = mediaType ?? ""
        if isJSONType(type) || (!neverJSON(type) && startsLikeJSONDocument(body)),
           let value = try? JSONCoding.decode(JSONValue.self, from: body) {
            return .json(value)
        }
        let textual = isTextType(type) || isJSONType(type) || (type.isEmpty && !body.contains(0))
        if textual, let text = decodeText(body, charset: charset) {
            return .text(text)
        }
        return .bytes(body)
    }

    static func isJSONType(_ type: String) -> Bool {
        type == "application/json" || type == "text/json" || type.hasSuffix("+json")
    }

    static func neverJSON(_ type: String) -> Bool {
        type == "text/html" || type.hasSuffix("xml") || type.hasPrefix("image/") || type.hasPrefix("audio/") || type.hasPrefix("video/")
    }

    static func isTextType(_ type: String) -> Bool {
        type.hasPrefix("text/") || type.hasSuffix("+xml") || type.hasSuffix("/xml")
            || ["application/javascript", "application/x-www-form-urlencoded", "application/yaml", "application/x-yaml", "application/sql", "application/csv"].contains(type)
    }

    static func startsLikeJSONDocument(_ body: [UInt8]) -> Bool {
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return false }
        return first == 0x7B || first == 0x5B
    }

    static func decodeText(_ body: [UInt8], charset: String?) -> String? {
        switch charset?.lowercased() {
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
            return String(bytes: body, encoding: .isoLatin1)
        default:
            return String(validating: body, as: UTF8.self)
        }
    }
}
