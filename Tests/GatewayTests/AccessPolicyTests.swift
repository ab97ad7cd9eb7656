import Testing

@testable import Gateway

@Suite struct AccessPolicyTests {
    let clock = ManualClock()

    func policy(origins: String = "*") -> AccessPolicy {
        let clock = self.clock
        return AccessPolicy(
            matcher: TokenMatcher(token: "T0ken"),
            limiter: FailureLimiter(now: { clock.now }),
            cors: CORSPolicy(origins: OriginList(parsing: origins))
        )
    }

    func subject(_ path: String, method: String = "GET", query: String? = nil, origin: String? = nil, upgrade: Bool = false, auth: [String] = []) -> AccessPolicy.Subject {
        AccessPolicy.Subject(
            method: method, path: path, origin: origin, isUpgrade: upgrade, clientAddress: "192.0.2.1",
            credentials: Credentials(authorization: auth, query: query, subprotocols: .init(headerValues: []))
        )
    }

    @Test(arguments: ["/healthz", "/readyz", "/console/", "/console/app.js"])
    func openRoutes(_ path: String) {
        #expect(policy().decide(subject(path)) == .open)
    }

    @Test func openRoutesAreGetOnly() {
        #expect(policy().decide(subject("/healthz", method: "POST")) == .unauthorized)
    }

    @Test func preflightsAreOpen() {
        #expect(policy().decide(subject("/api/kernels", method: "OPTIONS")) == .preflight)
    }

    @Test func metricsAndAPINeedTheToken() {
        #expect(policy().decide(subject("/metrics")) == .unauthorized)
        #expect(policy().decide(subject("/api/kernels", auth: ["Bearer T0ken"])) == .authenticated(.authorizationHeader))
    }

    @Test func websocketOriginIsCheckedBeforeTheToken() {
        let policy = self.policy(origins: "https://app.example")
        #expect(policy.decide(subject("/api/kernels/1/channels", query: "token=T0ken", origin: "https://evil.example", upgrade: true)) == .forbiddenOrigin)
        #expect(policy.decide(subject("/api/kernels/1/channels", query: "token=T0ken", origin: "https://app.example", upgrade: true)) == .authenticated(.queryParameter))
    }

    @Test func repeatedFailuresAreRateLimitedEvenWithTheRightToken() {
        let policy = self.policy()
        for _ in 0..<20 { #expect(policy.decide(subject("/api", auth: ["Bearer nope"])) == .unauthorized) }
        #expect(policy.decide(subject("/api", auth: ["Bearer T0ken"])) == .rateLimited(retryAfterSeconds: 60))
        clock.advance(.seconds(61))
        #expect(policy.decide(subject("/api", auth: ["Bearer T0ken"])) == .authenticated(.authorizationHeader))
    }
}
