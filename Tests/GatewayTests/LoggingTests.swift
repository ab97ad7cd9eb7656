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

    func capture(format: GatewayConfiguration.LogFormat, _ body: (Logger) -> Void) -> [String] {
        let lines = NIOLockedValueBox<[String]>([])
        let sink = LogSink { line in lines.withLockedValue { $0.append(line) } }
        let handler = GatewayLogHandler(label: "test", level: .info, format: format, redactor: Redactor(secret: secret), sink: sink)
        body(Logger(label: "test", factory: { _ in handler }))
        return lines.withLockedValue { $0 }
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
        let line = LogLineFormatter.json(object)
        #expect(line.hasPrefix(#"{"a":"1","msg":"#))
        #expect(line.contains("\\u0007"))
        let decoded = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(decoded == object)
    }
}
