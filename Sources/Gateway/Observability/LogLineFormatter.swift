import Foundation
import Logging

/// Renders one log event as a JSON object or a `key=value` text line.
struct LogLineFormatter {
    let format: GatewayConfiguration.LogFormat

    func format(level: Logger.Level, label: String, message: String, fields: [String: String], date: Date = Date()) -> String {
        let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
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

    static func json(_ object: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object) else { return #"{"msg":"unencodable log line"}"# }
        return String(decoding: data, as: UTF8.self)
    }

    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
