import Foundation

/// Compact JSON encoding and decoding of message parts.
public enum JSONCoding {
    public static func encode(_ value: some Encodable) -> [UInt8] {
        if let json = value as? JSONValue { return json.jsonBytes }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        // Encoding our own value types cannot fail (no non-finite doubles reach here
        // from parsed JSON); fall back to an empty object rather than crash.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(ProtocolError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ProtocolError(.invalidJSON, "part is not valid JSON for \(T.self)")
        }
    }

    public static func object(from bytes: [UInt8]) throws(ProtocolError) -> [String: JSONValue] {
        let value = try decode(JSONValue.self, from: bytes)
        guard case .object(let dict) = value else {
            throw ProtocolError(.invalidJSON, "part is not a JSON object")
        }
        return dict
    }

    /// A JSON string literal for `text`, quotes included.
    public static func quoted(_ text: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text, to: &out)
        return out
    }

    /// Appends the JSON string literal for `text`, quotes included, to `out`.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
