/// Decides, without I/O, whether a request may pass the gateway (SPEC §3).
public struct AccessPolicy: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Open route: no token needed.
        case open
        /// CORS preflight: answered by the gateway itself.
        case preflight
        case authenticated(CredentialSource)
        case unauthorized
        case rateLimited(retryAfterSeconds: Int)
        case forbiddenOrigin
    }

    public struct Subject: Sendable {
        public var method: String
        public var path: String
        public var origin: String?
        public var isUpgrade: Bool
        public var clientAddress: String
        public var credentials: Credentials

        public init(method: String, path: String, origin: String?, isUpgrade: Bool, clientAddress: String, credentials: Credentials) {
            self.method = method
            self.path = path
            self.origin = origin
            self.isUpgrade = isUpgrade
            self.clientAddress = clientAddress
            self.credentials = credentials
        }
    }

    public let matcher: TokenMatcher
    public let limiter: FailureLimiter
    public let cors: CORSPolicy

    public init(matcher: TokenMatcher, limiter: FailureLimiter, cors: CORSPolicy) {
        self.matcher = matcher
        self.limiter = limiter
        self.cors = cors
    }

    /// Evaluates a request; records a failure for the client address when the token is wrong.
    public func decide(_ subject: Subject) -> Decision {
        if subject.method == "OPTIONS", !subject.isUpgrade { return .preflight }
        if !subject.isUpgrade, Self.isOpen(method: subject.method, path: subject.path) { return .open }
        if subject.isUpgrade, !self.cors.allowsWebSocket(origin: subject.origin) { return .forbiddenOrigin }
        if let wait = self.limiter.retryAfter(address: subject.clientAddress) {
            return .rateLimited(retryAfterSeconds: max(1, Int((wait / .seconds(1)).rounded(.up))))
        }
        if let source = subject.credentials.authenticate(with: self.matcher) {
            return .authenticated(source)
        }
        self.limiter.recordFailure(address: subject.clientAddress)
        return .unauthorized
    }

    /// `/healthz`, `/readyz` and the static console are open without a token.
    public static func isOpen(method: String, path: String) -> Bool {
        guard method == "GET" || method == "HEAD" else { return false }
        return path == "/healthz" || path == "/readyz" || path == "/console" || path.hasPrefix("/console/")
    }
}
