import Foundation
import Logging

/// One line per event on stdout, JSON or text, with the token redacted from message and metadata.
public struct GatewayLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: GatewayConfiguration.LogFormat
    private let redactor: Redactor
    private let sink: LogSink

    public init(label: String, level: Logger.Level, format: GatewayConfiguration.LogFormat, redactor: Redactor, sink: LogSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.redactor = redactor
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        for (key, value) in event.metadata ?? [:] { merged[key] = value }
        let fields = merged.mapValues { self.redactor.redact("\($0)") }
        let message = self.redactor.redact(event.message.description)
        let line = LogLineFormatter(format: self.format)
            .format(level: event.level, label: self.label, message: message, fields: fields)
        self.sink.write(line + "\n")
    }
}

/// Where log lines go; a test can collect them.
public struct LogSink: Sendable {
    public let write: @Sendable (String) -> Void
    /// A line already in bytes (the access log's); by default passed to `write`.
    let writeBytes: @Sendable ([UInt8]) -> Void

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
        self.writeBytes = { write(String(decoding: $0, as: UTF8.self)) }
    }

    private init(bytes: @escaping @Sendable ([UInt8]) -> Void) {
        self.write = { bytes(Array($0.utf8)) }
        self.writeBytes = bytes
    }

    public static let standardOutput = LogSink(bytes: { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    })
}
