import Foundation
import JupyterProtocol
import Logging

/// Renders one log event as a JSON object or a `key=value` text line.
///
/// Runs once per request, so it avoids Foundation's formatters and `JSONEncoder`:
/// the timestamp comes from `ISOTimestamp`, JSON is escaped by hand.
struct LogLineFormatter {
    let format: GatewayConfiguration.LogFormat

    func format(level: Logger.Level, label: String, message: String, fields: [String: String], date: Date = Date()) -> String {
        let timestamp = ISOTimestamp.string(secondsSince1970: date.timeIntervalSince1970, fractionDigits: 3)
        switch self.format {
        case .json:
            var object: [String: String] = fields
            object["ts"] = timestamp
            object["level"] = level.rawValue
            object["logger"] = label
            object["msg"] = message
            return Self.json(object)
        case .text:
            let rest = fields.keys.sorted().map { "\($0)=\(Self.quoted(fields[$0]!))" }.joined(separator: " ")
            return "\(timestamp) \(level.rawValue.uppercased()) \(label): \(message)" + (rest.isEmpty ? "" : " " + rest)
        }
    }

    /// A JSON object with sorted keys, as `JSONEncoder` with `.sortedKeys, .withoutEscapingSlashes` writes it.
    static func json(_ object: [String: String]) -> String {
        var out = [UInt8]()
        out.append(UInt8(ascii: "{"))
        for (index, key) in object.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONCoding.appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONCoding.appendQuoted(object[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func quoted(_ value: String) -> String {
        // Printable ASCII without space, quote or `=` (most values): as it is, without walking characters.
        if !value.isEmpty, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x3D }) { return value }
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
