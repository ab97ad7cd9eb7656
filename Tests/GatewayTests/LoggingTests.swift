import Foundation
import JupyterProtocol
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import Gateway

@Suite struct LoggingTests {
    let secret = "tok/en+with=odd chars"

    @Test func redactsPlainPercentEncodedAndBase64URLForms() {
        let redactor = Redactor(secret: secret)
        let encoded = secret.addingPercentEncodingForQuery()
        let b64 = Base64URL.encode(Array(secret.utf8))
        let text = "a \(secret) b \(encoded) c spin.token.\(b64)"
        let redacted = redactor.redact(text)
        #expect(!redacted.contains(secret))
        #expect(!redacted.contains(encoded))
        #expect(!redacted.contains(b64))
        #expect(redacted.contains(Redactor.mask))
    }

    func capture(format: GatewayConfiguration.LogFormat, label: String = "test", _ body: (Logger) -> Void) -> [String] {
        let lines = NIOLockedValueBox<[String]>([])
        let sink = LogSink { line in lines.withLockedValue { $0.append(line) } }
        let handler = GatewayLogHandler(label: label, level: .info, format: format, redactor: Redactor(secret: secret), sink: sink)
        body(Logger(label: label, factory: { _ in handler }))
        return lines.withLockedValue { $0 }
    }

    /// The proxy's access line is the line the log handler writes for the same event (but
    /// for the timestamp), token redacted, in both formats.
    @Test(arguments: [GatewayConfiguration.LogFormat.json, .text])
    func accessLineIsTheHandlersLineForTheSameEvent(format: GatewayConfiguration.LogFormat) {
        let lines = NIOLockedValueBox<[String]>([])
        let sink = LogSink { line in lines.withLockedValue { $0.append(line) } }
        let target = "/api/kernels?token=\(secret)&x=a b"
        AccessLog(level: .info, format: format, redactor: Redactor(secret: secret), sink: sink)
            .record(requestID: "r-9", method: "GET", target: target, status: 200, milliseconds: 7, clientAddress: "127.0.0.1")
        AccessLog(level: .warning, format: format, redactor: Redactor(secret: secret), sink: sink)
            .record(requestID: "r-10", method: "GET", target: "/", status: 200, milliseconds: 1, clientAddress: "127.0.0.1")
        let expected = capture(format: format, label: AccessLog.label) { logger in
            logger.info("request", metadata: [
                "request.id": "r-9", "http.method": "GET", "http.target": "\(target)", "http.status": "200",
                "duration_ms": "7", "client.address": "127.0.0.1",
            ])
        }
        let written = lines.withLockedValue { $0 }
        #expect(written.count == 1, "nothing below the configured level")
        #expect(!written[0].contains(secret))
        #expect(Self.withoutTimestamp(written[0]) == Self.withoutTimestamp(expected[0]))
    }

    static func withoutTimestamp(_ line: String) -> String {
        line.replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/, with: "TS")
    }

    @Test func jsonLinesCarryRequestIDAndNoToken() throws {
        let lines = capture(format: .json) { logger in
            var logger = logger
            logger[metadataKey: "request.id"] = "r-1"
            logger.info("saw \(secret)", metadata: ["http.target": "/api?token=\(secret)"])
        }
        #expect(lines.count == 1)
        #expect(!lines[0].contains(secret))
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String]
        #expect(object?["request.id"] == "r-1")
        #expect(object?["level"] == "info")
        #expect(object?["msg"] == "saw \(Redactor.mask)")
    }

    @Test func textLinesAreOneLineEach() {
        let lines = capture(format: .text) { logger in
            logger.warning("two\nlines", metadata: ["k": "v w"])
            logger.debug("below the level")
        }
        #expect(lines.count == 1)
        #expect(lines[0].hasSuffix("\n"))
        #expect(lines[0].dropLast().contains("\n") == true)  // the message itself is kept verbatim
        #expect(lines[0].contains(#"k="v w""#))
    }
}

@Suite struct LogLineFormatterTests {
    @Test func textValuesAreQuotedOnlyWhenTheyNeedIt() {
        #expect(LogLineFormatter.quoted("/api/status?x=1") == #""/api/status?x=1""#)
        #expect(LogLineFormatter.quoted("/api/kernels") == "/api/kernels")
        #expect(LogLineFormatter.quoted("200") == "200")
        #expect(LogLineFormatter.quoted("") == #""""#)
        #expect(LogLineFormatter.quoted("a b") == #""a b""#)
        #expect(LogLineFormatter.quoted(#"say "hi""#) == #""say \"hi\"""#)
        #expect(LogLineFormatter.quoted("naïve") == "naïve")
        #expect(LogLineFormatter.quoted("one\u{2028}two") == "\"one\u{2028}two\"")
        #expect(LogLineFormatter.quoted("tab\there") == "tab\there")
    }

    @Test func timestampsMatchFoundationsISO8601Style() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for seconds in [0.0, 1_795_000_000.123, 1_795_000_000.9995, 951_782_400.5, 4_102_444_799.999] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ISOTimestamp.string(secondsSince1970: date.timeIntervalSince1970, fractionDigits: 3) == style.format(date))
        }
    }

    @Test func jsonIsEscapedAndKeysAreSorted() throws {
        let object = ["msg": "quote \" back \\ slash / nl \n tab \t bell \u{07} é", "a": "1", "z": ""]
        let line = LogLineFormatter(format: .json).format(level: .info, label: "t", message: object["msg"]!, fields: object)
        #expect(line.hasPrefix(#"{"a":"1","level":"info","logger":"t","msg":"#))
        #expect(line.contains("\\u0007"))
        var decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(decoded?.removeValue(forKey: "ts") != nil)
        #expect(decoded == object.merging(["level": "info", "logger": "t"]) { $1 })
    }
}
