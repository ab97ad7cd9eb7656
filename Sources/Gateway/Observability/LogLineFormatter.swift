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
        self.format(level: level, label: label, message: message, sortedFields: fields.sorted { $0.key < $1.key }, date: date)
    }

    /// The keys a JSON line sets itself; fields of the same names give way.
    private static let ownKeys: Set<String> = ["level", "logger", "msg", "ts"]

    /// `sortedFields` in key order, each key once (the access line's fields are made so).
    func format(level: Logger.Level, label: String, message: String, sortedFields: [(key: String, value: String)], date: Date = Date()) -> String {
        String(decoding: self.line(level: level, label: label, message: message, sortedFields: sortedFields, date: date), as: UTF8.self)
    }

    /// The line's bytes, without its newline.
    func line(level: Logger.Level, label: String, message: String, sortedFields: [(key: String, value: String)], date: Date = Date()) -> [UInt8] {
        let seconds = date.timeIntervalSince1970
        switch self.format {
        case .json:
            let timestamp = ISOTimestamp.string(secondsSince1970: seconds, fractionDigits: 3)
            let own: [(key: String, value: String)] = [("level", level.rawValue), ("logger", label), ("msg", message), ("ts", timestamp)]
            let merged = (sortedFields.filter { !Self.ownKeys.contains($0.key) } + own).sorted { $0.key < $1.key }
            return Self.jsonBytes(merged)
        case .text:
            var line = [UInt8]()
            line.reserveCapacity(256)
            ISOTimestamp.append(secondsSince1970: seconds, fractionDigits: 3, to: &line)
            line.append(UInt8(ascii: " "))
            Self.appendBytes(of: Self.upper(level), to: &line)
            line.append(UInt8(ascii: " "))
            Self.appendBytes(of: label, to: &line)
            line.append(UInt8(ascii: ":"))
            line.append(UInt8(ascii: " "))
            Self.appendBytes(of: message, to: &line)
            for (key, value) in sortedFields {
                line.append(UInt8(ascii: " "))
                Self.appendBytes(of: key, to: &line)
                line.append(UInt8(ascii: "="))
                Self.appendQuoted(value, to: &line)
            }
            return line
        }
    }

    /// Appends a string's UTF-8 in one copy (native strings are contiguous).
    static func appendBytes(of value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { out.append(contentsOf: $0) }
    }

    private static func upper(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    /// A JSON object of `members` in their order, as `JSONEncoder` with `.sortedKeys,
    /// .withoutEscapingSlashes` writes sorted ones.
    private static func jsonBytes(_ members: [(key: String, value: String)]) -> [UInt8] {
        var out = [UInt8]()
        out.append(UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONCoding.appendQuoted(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONCoding.appendQuoted(member.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Appends `value` as `quoted` writes it.
    static func appendQuoted(_ value: String, to out: inout [UInt8]) {
        var value = value
        let plain = value.withUTF8 { bytes in
            guard Self.isPlain(bytes) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if !plain { Self.appendBytes(of: Self.quoted(value), to: &out) }
    }

    /// Printable ASCII without space, quote or `=` (most values): written as it is.
    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x3D }
    }

    private static func isPlain(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { Self.isPlain($0) }
    }

    static func quoted(_ value: String) -> String {
        if Self.isPlain(value) { return value }
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }
        guard needsQuotes else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
