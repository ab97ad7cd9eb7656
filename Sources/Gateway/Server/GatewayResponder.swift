import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Answers every HTTP request that is not a WebSocket upgrade.
struct GatewayResponder: Sendable {
    let core: GatewayCore
    let readiness: ReadinessProbe

    func respond(_ request: Request, writer: consuming ResponseWriter, channel: any Channel) async throws {
        let started = ContinuousClock.now
        let requestID = RequestID.make(incoming: request.headers[ForwardedHeaders.xRequestID])
        var logger = self.core.logger
        logger[metadataKey: "request.id"] = "\(requestID)"
        let target = RequestTarget(request.head.path ?? "")
        let exchange = Exchange(request: request, target: target, requestID: requestID, clientAddress: channel.clientAddress, logger: logger)
        let status = try await self.route(exchange, writer: writer)
        let isUpgrade = request.headers[.upgrade] != nil
        self.core.metrics.request(route: RouteClass(path: target.path, isUpgrade: isUpgrade), status: status)
        let millis = (ContinuousClock.now - started) / .milliseconds(1)
        self.core.accessLog.record(
            requestID: requestID, method: request.method.rawValue, target: target.forwardedTarget, status: status,
            milliseconds: Int(millis), clientAddress: exchange.clientAddress
        )
    }

    private func route(_ exchange: Exchange, writer: consuming ResponseWriter) async throws -> Int {
        let request = exchange.request
        guard exchange.target.isValid else {
            return try await exchange.write(.badRequest("The request target must be an absolute path."), cors: self.core.cors, to: writer)
        }
        let decision = self.core.access.decide(exchange.subject)
        self.core.noteDecision(decision)
        switch decision {
        case .preflight:
            return try await self.preflight(exchange, writer: writer)
        case .open:
            return try await self.open(exchange, writer: writer)
        case .unauthorized:
            return try await exchange.write(.unauthorized(), cors: self.core.cors, to: writer)
        case .rateLimited(let seconds):
            return try await exchange.write(.tooManyFailures(retryAfter: seconds), cors: self.core.cors, to: writer)
        case .forbiddenOrigin:
            return try await exchange.write(.originNotAllowed(), cors: self.core.cors, to: writer)
        case .authenticated:
            if request.headers[.upgrade] != nil {
                return try await exchange.write(.badRequest(GatewayChannel.malformedUpgrade), cors: self.core.cors, to: writer)
            }
            if exchange.target.path == "/metrics", request.method == .get {
                let body = self.core.metrics.render() + (await self.executorMetrics())
                return try await exchange.writeBytes(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: body, cors: self.core.cors, to: writer)
            }
            // Every other authenticated request is forwarded by `HTTPProxyHandler` before it gets here.
            return try await exchange.write(.notFound(), cors: self.core.cors, to: writer)
        }
    }

    /// The executor's own Prometheus text (kernels, executions), when it serves `/metrics`.
    private func executorMetrics() async -> [UInt8] {
        guard let (status, body) = try? await self.core.forwarder.get("/metrics", timeout: .seconds(2)), status == 200 else { return [] }
        return Array(body.readableBytesView)
    }

    private func preflight(_ exchange: Exchange, writer: consuming ResponseWriter) async throws -> Int {
        let headers = exchange.request.headers
        let (status, fields) = self.core.cors.preflight(
            origin: headers[.origin],
            requestedHeaders: headers[.accessControlRequestHeaders],
            privateNetwork: headers[CORSPolicy.requestPrivateNetwork]?.lowercased() == "true"
        )
        var response = HTTPResponse(status: status, headerFields: fields)
        response.headerFields[ForwardedHeaders.xRequestID] = exchange.requestID
        response.headerFields[.contentLength] = "0"
        try await writer.writeResponse(response)
        return status.code
    }

    private func open(_ exchange: Exchange, writer: consuming ResponseWriter) async throws -> Int {
        switch exchange.target.path {
        case "/healthz":
            return try await exchange.writeBytes(.ok, contentType: "application/json", body: Array(#"{"status":"ok"}"#.utf8), cors: self.core.cors, to: writer)
        case "/readyz":
            let result = await self.readiness.check()
            return try await exchange.writeBytes(result.status, contentType: "application/json", body: result.body, cors: self.core.cors, to: writer)
        case "/console":
            let response = HTTPResponse(status: .movedPermanently, headerFields: [.location: "/console/", .contentLength: "0"])
            try await writer.writeResponse(response)
            return 301
        case let path where path.hasPrefix(ConsoleRoute.prefix):
            return try await self.console(exchange, writer: writer)
        default:
            return try await exchange.write(.notFound(), cors: self.core.cors, to: writer)
        }
    }
}

extension Channel {
    /// The peer's IP address (or a placeholder), used for rate limiting and `X-Forwarded-For`.
    var clientAddress: String {
        self.remoteAddress?.ipAddress ?? "unknown"
    }
}
