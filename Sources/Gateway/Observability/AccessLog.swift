import Logging

/// The line each answered request leaves (`request` at info level, with its id, method,
/// target, status, duration and client address), in the configured format.
///
/// The proxy writes one per request, so it goes to the log sink directly instead of
/// through swift-log's metadata dictionaries; the line is the one `GatewayLogHandler`
/// writes for the same event, redacted the same way.
struct AccessLog: Sendable {
    static let label = "spin.gateway"

    let level: Logger.Level
    let format: GatewayConfiguration.LogFormat
    let redactor: Redactor
    let sink: LogSink

    init(level: Logger.Level, format: GatewayConfiguration.LogFormat, redactor: Redactor, sink: LogSink = .standardOutput) {
        self.level = level
        self.format = format
        self.redactor = redactor
        self.sink = sink
    }

    func record(requestID: String, method: String, target: String, status: Int, milliseconds: Int, clientAddress: String) {
        guard self.level <= .info else { return }
        let fields: [(key: String, value: String)] = [
            ("client.address", self.redactor.redact(clientAddress)), ("duration_ms", String(milliseconds)),
            ("http.method", self.redactor.redact(method)), ("http.status", String(status)),
            ("http.target", self.redactor.redact(target)), ("request.id", self.redactor.redact(requestID)),
        ]
        var line = LogLineFormatter(format: self.format).line(level: .info, label: Self.label, message: "request", sortedFields: fields)
        line.append(UInt8(ascii: "\n"))
        self.sink.writeBytes(line)
    }
}
