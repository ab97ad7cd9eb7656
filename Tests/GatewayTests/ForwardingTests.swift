import Foundation
import NIOHTTP1
import Testing

@testable import Gateway

@Suite struct ForwardedHeadersTests {
    func build(_ fields: HTTPHeaders) -> [(String, String)] {
        ForwardedHeaders.headers(from: fields, authority: "example.test:8888", clientAddress: "198.51.100.7", scheme: "https", requestID: "rid-12345678")
            .map { ($0.name, $0.value) }
    }

    func value(_ name: String, in headers: [(String, String)]) -> [String] {
        headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }

    @Test func stripsTokenAndHopByHopHeaders() {
        var fields = HTTPHeaders()
        fields.add(name: "AUTHORIZATION", value: "Bearer secret")
        fields.add(name: "Connection", value: "keep-alive")
        fields.add(name: "Sec-WebSocket-Protocol", value: "spin.token.abc")
        fields.add(name: "Content-Type", value: "application/json")
        let headers = build(fields)
        #expect(value("Authorization", in: headers).isEmpty)
        #expect(value("Connection", in: headers).isEmpty)
        #expect(value("Sec-WebSocket-Protocol", in: headers).isEmpty)
        #expect(value("Content-Type", in: headers) == ["application/json"])
    }

    @Test func keepsOtherAuthorizationSchemes() {
        var fields = HTTPHeaders()
        fields.add(name: "Authorization", value: "Basic dXNlcjpwdw==")
        #expect(value("Authorization", in: build(fields)) == ["Basic dXNlcjpwdw=="])
    }

    @Test func addsForwardingHeadersAndOverridesSpoofedOnes() {
        var fields = HTTPHeaders()
        fields.add(name: "x-forwarded-for", value: "203.0.113.9")
        fields.add(name: "X-Forwarded-Proto", value: "http")
        fields.add(name: "X-REQUEST-ID", value: "spoofed")
        let headers = build(fields)
        #expect(value("X-Forwarded-For", in: headers) == ["203.0.113.9, 198.51.100.7"])
        #expect(value("X-Forwarded-Proto", in: headers) == ["https"])
        #expect(value("X-Request-Id", in: headers) == ["rid-12345678"])
        #expect(value("Host", in: headers) == ["example.test:8888"])
    }
}

extension ForwardedHeadersTests {
    @Test func aRequestWithoutHostGetsLocalhostAndOneForwardedFor() {
        var incoming = HTTPHeaders()
        incoming.add(name: "Authorization", value: "token secret")
        incoming.add(name: "Content-Type", value: "text/plain")
        let headers = ForwardedHeaders.headers(from: incoming, authority: nil, clientAddress: "192.0.2.9", scheme: "http", requestID: "rid-12345678")
        #expect(headers["Authorization"].isEmpty)
        #expect(headers["Host"] == ["localhost"])
        #expect(headers["Content-Type"] == ["text/plain"])
        #expect(headers["X-Forwarded-For"] == ["192.0.2.9"])
        #expect(headers["X-Request-Id"] == ["rid-12345678"])
    }
}

@Suite struct GatewayErrorTests {
    @Test func bodyHasTheSpecShapeAndJupyterFields() throws {
        let error = GatewayError.unauthorized()
        let object = try JSONSerialization.jsonObject(with: Data(error.body)) as? [String: Any]
        let detail = object?["error"] as? [String: String]
        #expect(detail?["code"] == "unauthorized")
        #expect(detail?["message"]?.isEmpty == false)
        #expect(object?["message"] as? String == detail?["message"])
        #expect(object?["reason"] as? String == "unauthorized")
        #expect(error.status == .unauthorized)
        #expect(error.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
    }

    @Test func rateLimitCarriesRetryAfter() {
        let error = GatewayError.tooManyFailures(retryAfter: 42)
        #expect(error.status == .tooManyRequests)
        #expect(error.headers[.retryAfter] == "42")
    }

    @Test func routeClasses() {
        #expect(RouteClass(path: "/api/kernels", isUpgrade: false) == .api)
        #expect(RouteClass(path: "/api/kernels/1/channels", isUpgrade: true) == .websocket)
        #expect(RouteClass(path: "/console/", isUpgrade: false) == .console)
        #expect(RouteClass(path: "/nope", isUpgrade: false) == .other)
    }

    @Test func backoffGrowsAndCaps() {
        var backoff = Backoff()
        #expect(backoff.next() == .milliseconds(250))
        #expect(backoff.next() == .milliseconds(500))
        for _ in 0..<10 { _ = backoff.next() }
        #expect(backoff.next() == .seconds(30))
        backoff.reset()
        #expect(backoff.next() == .milliseconds(250))
    }

    @Test func executorEnvironmentWithholdsSecrets() {
        var config = GatewayConfiguration(token: "t")
        config.executorSocket = "/tmp/x/run/executor.sock"
        let launch = ExecutorLaunch(
            configuration: config,
            environment: ["SPIN_TOKEN": "t", "SSL_KEY_FILE": "/k", "SSL_CERT_FILE": "/c", "PATH": "/bin", "REQUESTS_CA_BUNDLE": "/ca"],
            gatewayExecutable: "/opt/spin/bin/spin-gateway"
        )
        #expect(launch.environment["SPIN_TOKEN"] == nil)
        #expect(launch.environment["SSL_KEY_FILE"] == nil)
        #expect(launch.environment["PATH"] == "/bin")
        #expect(launch.environment["REQUESTS_CA_BUNDLE"] == "/ca")
        #expect(launch.environment["SPIN_EXECUTOR_SOCKET"] == "/tmp/x/run/executor.sock")
        #expect(launch.binary == "/opt/spin/bin/spin-executor")
    }
}
