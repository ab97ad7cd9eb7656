import Foundation
import JupyterProtocol
import Logging
import Synchronization

/// One line per event on stdout, as text or JSON (`SPIN_LOG_FORMAT`).
public struct RuntimeLogHandler: LogHandler {
    public enum Format: String, Sendable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let format: Format
    private static let output = Mutex(())

    public init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = MessageFactory.timestamp(Date())
        let line: String = switch format {
        case .json: jsonLine(time: time, level: event.level, message: "\(event.message)", metadata: merged)
        case .text: textLine(time: time, level: event.level, message: "\(event.message)", metadata: merged)
        }
        Self.output.withLock { _ in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    private func jsonLine(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var object: [String: JSONValue] = [
            "time": .string(time), "level": .string(level.rawValue), "logger": .string(label), "message": .string(message),
        ]
        for (key, value) in metadata { object[key] = .string("\(value)") }
        return String(decoding: JSONCoding.encode(JSONValue.object(object)), as: UTF8.self)
    }

    private func textLine(time: String, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(time) \(level.rawValue.uppercased()) \(label): \(message)" + (fields.isEmpty ? "" : " " + fields)
    }

    /// Reads `SPIN_LOG_FORMAT` and `SPIN_LOG_LEVEL` and installs the handler.
    public static func bootstrap(environment: [String: String]) {
        let format = Format(rawValue: environment["SPIN_LOG_FORMAT"]?.lowercased() ?? "") ?? .text
        let level = Logger.Level(rawValue: environment["SPIN_LOG_LEVEL"]?.lowercased() ?? "") ?? .info
        LoggingSystem.bootstrap { label in RuntimeLogHandler(label: label, format: format, level: level) }
    }
}
