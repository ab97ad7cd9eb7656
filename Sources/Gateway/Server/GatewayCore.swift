import Logging
import NIOCore

/// What every connection of the gateway shares: configuration, policy, clients and metrics.
struct GatewayCore: Sendable {
    let configuration: GatewayConfiguration
    let access: AccessPolicy
    let metrics: GatewayMetrics
    let forwarder: ExecutorHTTPForwarder
    let dialer: ExecutorWebSocketDialer
    let logger: Logger
    let accessLog: AccessLog

    var cors: CORSPolicy { self.access.cors }
    var scheme: String { self.configuration.isTLS ? "https" : "http" }

    init(configuration: GatewayConfiguration, group: any EventLoopGroup, metrics: GatewayMetrics, logger: Logger, accessLog: AccessLog) {
        self.configuration = configuration
        self.access = AccessPolicy(
            matcher: TokenMatcher(token: configuration.token),
            limiter: FailureLimiter(),
            cors: CORSPolicy(origins: configuration.allowedOrigins)
        )
        self.metrics = metrics
        self.forwarder = ExecutorHTTPForwarder(socketPath: configuration.executorSocket, group: group)
        self.dialer = ExecutorWebSocketDialer(socketPath: configuration.executorSocket, group: group)
        self.logger = logger
        self.accessLog = accessLog
    }

    /// Records metrics for a refused request.
    func noteDecision(_ decision: AccessPolicy.Decision) {
        switch decision {
        case .unauthorized: self.metrics.authFailure(reason: "invalid_token")
        case .rateLimited: self.metrics.authFailure(reason: "rate_limited")
        case .forbiddenOrigin: self.metrics.authFailure(reason: "origin")
        default: break
        }
    }
}
