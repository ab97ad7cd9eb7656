import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Decides a WebSocket handshake: origin, token, then the executor's own handshake, so the
/// subprotocol is negotiated end to end. The outcome is kept for the connection.
struct WebSocketGate: Sendable {
    enum Outcome: Sendable {
        case accept(responseHeaders: HTTPHeaders, executor: ExecutorWebSocketDialer.Upgraded, logger: Logger, selected: String?)
        case refuse(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer, logger: Logger)
    }

    let core: GatewayCore

    /// Decides `head`; an accepted executor connection is dialed on `eventLoop`.
    func evaluate(_ head: HTTPRequestHead, clientAddress: String, eventLoop: any EventLoop) async -> Outcome {
        let requestID = RequestID.make(incoming: head.headers.first(name: "X-Request-Id"))
        var logger = self.core.logger
        logger[metadataKey: "request.id"] = "\(requestID)"
        let target = RequestTarget(head.uri)
        let offered = WebSocketSubprotocols(headerValues: head.headers["Sec-WebSocket-Protocol"])
        let subject = AccessPolicy.Subject(method: head.method.rawValue, target: target, headers: head.headers, clientAddress: clientAddress)
        let decision = self.core.access.decide(subject)
        self.core.noteDecision(decision)
        let outcome: Outcome
        switch decision {
        case .authenticated:
            outcome = await self.dial(head, target: target, offered: offered, requestID: requestID, clientAddress: clientAddress, eventLoop: eventLoop, logger: logger)
        case .rateLimited(let seconds):
            outcome = Self.refusal(.tooManyFailures(retryAfter: seconds), requestID: requestID, logger: logger)
        case .forbiddenOrigin:
            outcome = Self.refusal(.originNotAllowed(), requestID: requestID, logger: logger)
        default:
            outcome = Self.refusal(.unauthorized(), requestID: requestID, logger: logger)
        }
        self.record(outcome, target: target, clientAddress: clientAddress)
        return outcome
    }

    private func dial(_ head: HTTPRequestHead, target: RequestTarget, offered: WebSocketSubprotocols, requestID: String, clientAddress: String, eventLoop: any EventLoop, logger: Logger) async -> Outcome {
        var headers = ForwardedHeaders.headers(
            from: head.headers, authority: head.headers.first(name: "Host"), clientAddress: clientAddress, scheme: self.core.scheme, requestID: requestID
        )
        if let protocols = offered.forwardedHeaderValue { headers.add(name: "Sec-WebSocket-Protocol", value: protocols) }
        do {
            switch try await self.core.dialer.dial(uri: target.forwardedTarget, headers: headers, on: eventLoop) {
            case .upgraded(let channel, let selected):
                var response = HTTPHeaders([("X-Request-Id", requestID)])
                if let selected, offered.forwarded.contains(selected) { response.add(name: "Sec-WebSocket-Protocol", value: selected) }
                return .accept(responseHeaders: response, executor: channel, logger: logger, selected: selected)
            case .refused(let status, _, let body) where body.readableBytes == 0:
                return await self.explainRefusal(status, path: target.path, requestID: requestID, logger: logger)
            case .refused(let status, let executorHeaders, let body):
                var refusedHeaders = HTTPHeaders([("X-Request-Id", requestID)])
                if let type = executorHeaders.first(name: "Content-Type") { refusedHeaders.add(name: "Content-Type", value: type) }
                return .refuse(status: status, headers: refusedHeaders, body: body, logger: logger)
            }
        } catch {
            logger.warning("Executor WebSocket handshake failed", metadata: ["error": "\(error)"])
            return Self.refusal(.executorUnavailable(), requestID: requestID, logger: logger)
        }
    }

    /// The executor's WebSocket server refuses a handshake with a bare 400
    /// (Hummingbird writes that answer itself). Give the client the JSON body
    /// the contract promises: for a kernel's channels, ask the executor about
    /// the kernel, so an unknown kernel is a 404 with its reason.
    private func explainRefusal(_ status: HTTPResponseStatus, path: String, requestID: String, logger: Logger) async -> Outcome {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count == 4, parts[0] == "api", parts[1] == "kernels", parts[3] == "channels",
           let (kernelStatus, body) = try? await self.core.forwarder.get("/api/kernels/\(parts[2])", timeout: .seconds(3)),
           kernelStatus == 404 {
            let headers = HTTPHeaders([("X-Request-Id", requestID), ("Content-Type", "application/json")])
            return .refuse(status: .notFound, headers: headers, body: body, logger: logger)
        }
        let error = GatewayError(
            HTTPResponse.Status(code: Int(status.code)), code: "websocket_refused",
            message: "The executor refused this WebSocket handshake; check the path and the offered subprotocols."
        )
        return Self.refusal(error, requestID: requestID, logger: logger)
    }

    static func refusal(_ error: GatewayError, requestID: String, logger: Logger) -> Outcome {
        var headers = HTTPHeaders([("X-Request-Id", requestID), ("Content-Type", "application/json")])
        for field in error.headers { headers.add(name: field.name.rawName, value: field.value) }
        return .refuse(status: HTTPResponseStatus(statusCode: error.status.code), headers: headers, body: ByteBuffer(bytes: error.body), logger: logger)
    }

    private func record(_ outcome: Outcome, target: RequestTarget, clientAddress: String) {
        switch outcome {
        case .accept(_, _, let logger, let selected):
            self.core.metrics.request(route: .websocket, status: 101)
            logger.info("websocket opened", metadata: ["http.target": "\(target.forwardedTarget)", "ws.protocol": "\(selected ?? "")", "client.address": "\(clientAddress)"])
        case .refuse(let status, _, _, let logger):
            self.core.metrics.request(route: .websocket, status: Int(status.code))
            logger.info("websocket refused", metadata: ["http.target": "\(target.forwardedTarget)", "http.status": "\(status.code)", "client.address": "\(clientAddress)"])
        }
    }
}
