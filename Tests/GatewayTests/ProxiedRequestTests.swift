import HTTPTypes
import NIOHTTP1
import Testing

@testable import Gateway

/// What the browser gets back for a forwarded or refused request.
@Suite struct ProxiedRequestTests {
    let cors = CORSPolicy(origins: OriginList(parsing: "https://app.example"))

    func request(_ fields: HTTPFields = [:]) -> ProxiedRequest {
        var head = HTTPRequest(method: .get, scheme: nil, authority: "gw.test", path: "/api/status?token=x")
        head.headerFields = fields
        return ProxiedRequest(head: head, target: RequestTarget("/api/status?token=x"), clientAddress: "192.0.2.1")
    }

    @Test func theExecutorsHopByHopAndGatewayOwnedHeadersAreReplaced() {
        var fields: HTTPFields = [.origin: "https://app.example"]
        fields[ForwardedHeaders.xRequestID] = "client-req-0001"
        let proxied = request(fields)
        let executor = HTTPHeaders([
            ("Content-Type", "application/json"), ("Content-Length", "2"), ("Connection", "keep-alive"),
            ("Transfer-Encoding", "chunked"), ("Access-Control-Allow-Origin", "*"), ("X-Request-Id", "executor-made"),
            ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Bad Name", "dropped"),
        ])
        let head = proxied.browserHead(for: HTTPResponseHead(version: .http1_1, status: .created, headers: executor), cors: cors)
        #expect(head.status.code == 201)
        #expect(head.headerFields[values: .setCookie] == ["a=1", "b=2"])
        #expect(!head.headerFields.contains { $0.name.rawName.contains(" ") })
        #expect(head.headerFields[.contentType] == "application/json")
        #expect(head.headerFields[.contentLength] == "2")
        #expect(head.headerFields[.connection] == nil)
        #expect(head.headerFields[.transferEncoding] == nil)
        #expect(head.headerFields[values: .accessControlAllowOrigin] == ["https://app.example"])
        #expect(head.headerFields[values: ForwardedHeaders.xRequestID] == ["client-req-0001"])
    }

    @Test func connectionCloseAskedByTheBrowserIsAnswered() {
        let proxied = request([.connection: "close"])
        #expect(proxied.closeWhenDone)
        #expect(proxied.browserHead(for: HTTPResponseHead(version: .http1_1, status: .ok), cors: cors).headerFields[.connection] == "close")
    }

    @Test func errorsAreJSONWithTheirOwnHeadersAndLength() {
        let (head, body) = request().errorParts(.tooManyFailures(retryAfter: 7), cors: cors, close: true)
        #expect(head.status == .tooManyRequests)
        #expect(head.headerFields[.retryAfter] == "7")
        #expect(head.headerFields[.contentType] == "application/json")
        #expect(head.headerFields[.contentLength] == String(body.readableBytes))
        #expect(head.headerFields[.connection] == "close")
        #expect(String(buffer: body).contains("too_many_auth_failures"))
    }

    @Test func theTokenIsNotInTheLoggedTarget() {
        #expect(request().target.forwardedTarget == "/api/status")
    }
}
