import NIOHTTP1
import Testing

@testable import Gateway

/// What the browser gets back for a forwarded or refused request.
@Suite struct ProxiedRequestTests {
    let cors = CORSPolicy(origins: OriginList(parsing: "https://app.example"))

    func request(_ headers: HTTPHeaders = [:], version: HTTPVersion = .http1_1) -> ProxiedRequest {
        let head = HTTPRequestHead(version: version, method: .GET, uri: "/api/status?token=x", headers: headers)
        var ids = SplitMix64()
        return ProxiedRequest(head: head, target: RequestTarget("/api/status?token=x"), clientAddress: "192.0.2.1", ids: &ids)
    }

    @Test func theExecutorsHopByHopAndGatewayOwnedHeadersAreReplaced() {
        let proxied = request(["Origin": "https://app.example", "x-request-id": "client-req-0001"])
        let executor = HTTPHeaders([
            ("Content-Type", "application/json"), ("Content-Length", "2"), ("Connection", "keep-alive"),
            ("TRANSFER-ENCODING", "chunked"), ("Access-Control-Allow-Origin", "*"), ("X-Request-Id", "executor-made"),
            ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Bad Name", "dropped"), ("Vary", "Accept"), ("", "empty"),
        ])
        let head = proxied.browserHead(for: HTTPResponseHead(version: .http1_1, status: .created, headers: executor), cors: cors)
        #expect(head.status.code == 201)
        #expect(head.headers["Set-Cookie"] == ["a=1", "b=2"])
        #expect(!head.headers.contains { $0.name.contains(" ") || $0.name.isEmpty })
        #expect(head.headers["Content-Type"] == ["application/json"])
        #expect(head.headers["Content-Length"] == ["2"])
        #expect(head.headers["Connection"].isEmpty)
        #expect(head.headers["Transfer-Encoding"].isEmpty)
        #expect(head.headers["Access-Control-Allow-Origin"] == ["https://app.example"])
        #expect(head.headers["Vary"] == ["Origin"])
        #expect(head.headers["X-Request-Id"] == ["client-req-0001"])
    }

    @Test func connectionCloseAskedByTheBrowserIsAnswered() {
        let proxied = request(["Connection": "close"])
        #expect(proxied.closeWhenDone)
        #expect(proxied.browserHead(for: HTTPResponseHead(version: .http1_1, status: .ok), cors: cors).headers["Connection"] == ["close"])
        #expect(!request().closeWhenDone)
    }

    @Test func anHTTP10RequestWithoutKeepAliveIsTheLastOnItsConnection() {
        #expect(request(version: .http1_0).closeWhenDone)
        #expect(!request(["Connection": "keep-alive"], version: .http1_0).closeWhenDone)
    }

    @Test func errorsAreJSONWithTheirOwnHeadersAndLength() {
        let (head, body) = request().errorParts(.tooManyFailures(retryAfter: 7), cors: cors, close: true)
        #expect(head.status == .tooManyRequests)
        #expect(head.headers["Retry-After"] == ["7"])
        #expect(head.headers["Content-Type"] == ["application/json"])
        #expect(head.headers["Content-Length"] == [String(body.readableBytes)])
        #expect(head.headers["Connection"] == ["close"])
        #expect(String(buffer: body).contains("too_many_auth_failures"))
    }

    @Test func theTokenIsNotInTheLoggedTarget() {
        #expect(request().target.forwardedTarget == "/api/status")
    }
}

@Suite struct HeaderNameTests {
    @Test func comparesIgnoringASCIICaseOnly() {
        #expect(HeaderName.equals("Content-LENGTH", "content-length"))
        #expect(!HeaderName.equals("content-lengt", "content-length"))
        #expect(!HeaderName.equals("content\rlength", "content-length"))
        #expect(!HeaderName.equals("CONTENT_LENGTH", "content-length"))
        #expect(HeaderName.hasPrefix("Access-Control-Max-Age", "access-control-"))
        #expect(!HeaderName.hasPrefix("Access", "access-control-"))
    }

    @Test func tokensAreWhatAHeaderNameMayBe() {
        #expect(HeaderName.isToken("X-Custom_1!#$%&'*+.^`|~"))
        for bad in ["", "a b", "a:b", "a\r", "é", "a\"b", "(x)"] {
            #expect(!HeaderName.isToken(bad), "\(bad)")
        }
    }
}
