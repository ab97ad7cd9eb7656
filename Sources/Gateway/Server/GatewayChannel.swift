import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import ServiceLifecycle

/// The gateway's child channel: HTTP/1.1 with a WebSocket upgrade whose acceptance is
/// decided by `WebSocketGate` (auth, origin, executor handshake). Refused upgrades get a
/// JSON answer instead of the framework's empty 400.
struct GatewayChannel: ServerChildChannel, HTTPChannelHandler {
    typealias HTTPChannel = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    enum Negotiated: Sendable {
        case http(HTTPChannel)
        case refused(HTTPChannel, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer)
        case websocket(WebSocketRelay, logger: Logger)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let gate: WebSocketGate
    let core: GatewayCore

    init(core: GatewayCore, readiness: ReadinessProbe) {
        let httpResponder = GatewayResponder(core: core, readiness: readiness)
        self.responder = { request, writer, channel in
            try await httpResponder.respond(request, writer: writer, channel: channel)
        }
        self.gate = WebSocketGate(core: core)
        self.core = core
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            // Right after the TLS handler: every answer and frame in as few records as fit.
            if self.core.configuration.isTLS { try sync.addHandler(TLSRecordCoalescer()) }
            try sync.addHandler(HeaderTimeoutHandler(timeout: .seconds(Int64(self.core.configuration.headerTimeoutSeconds))))
            let outcome = NIOLoopBoundBox<WebSocketGate.Outcome?>(nil, eventLoop: channel.eventLoop)
            let requestedUpgrade = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration(
                upgradeConfiguration: NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
                    upgraders: [self.upgrader(outcome: outcome)],
                    notUpgradingCompletionHandler: { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try self.notUpgraded(channel, outcome: outcome.value, requestedUpgrade: requestedUpgrade.value)
                        }
                    }
                )
            )
            configuration.enablePipelining = false
            configuration.enableErrorHandling = true
            configuration.enableResponseHeaderValidation = false
            configuration.decoderConfiguration.maxHeaderListSize = self.core.configuration.maxHeaderBytes
            configuration.decoderConfiguration.maxHeaderFieldSize = self.core.configuration.maxHeaderBytes
            configuration.decoderConfiguration.maxHeaderFieldCount = 200
            let negotiated = try sync.configureUpgradableHTTPServerPipeline(configuration: configuration)
            let upgradeHandler = try sync.handler(type: NIOTypedHTTPServerUpgradeHandler<Negotiated>.self)
            try sync.addHandler(UpgradeHeadObserver(requestedUpgrade: requestedUpgrade), position: .before(upgradeHandler))
            try sync.addHandler(ParseErrorCloser())
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    private func upgrader(outcome: NIOLoopBoundBox<WebSocketGate.Outcome?>) -> RelayServerUpgrader<Negotiated> {
        let gate = self.gate
        return RelayServerUpgrader<Negotiated>(
            shouldUpgrade: { channel, head in
                let address = channel.clientAddress
                let promise = channel.eventLoop.makePromise(of: WebSocketGate.Outcome.self)
                let eventLoop = channel.eventLoop
                promise.completeWithTask { await gate.evaluate(head, clientAddress: address, eventLoop: eventLoop) }
                return promise.futureResult.map { result in
                    outcome.value = result
                    guard case .accept(let headers, let executor, _, _) = result else { return nil }
                    // If the browser leaves before the relay starts, the executor's connection goes too.
                    channel.closeFuture.whenComplete { _ in executor.closeUnlessRelaying() }
                    return headers
                }
            },
            relay: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    guard case .accept(_, let executor, let logger, _) = outcome.value, executor.channel.eventLoop.inEventLoop else {
                        throw ChannelError.inappropriateOperationForState
                    }
                    return .websocket(try self.startRelay(browser: channel, executor: executor), logger: logger)
                }
            }
        )
    }

    /// Glues the upgraded browser channel to the executor's, both on this event loop.
    private func startRelay(browser channel: any Channel, executor: ExecutorWebSocketDialer.Upgraded) throws -> WebSocketRelay {
        let handler = RelayHandler(side: .browser, maxFrameBytes: Self.maxFrameBytes)
        try channel.pipeline.syncOperations.addHandler(handler)
        let ping = TimeAmount.seconds(Int64(self.core.configuration.webSocketPingSeconds))
        let session = RelaySession(browser: handler, executor: executor.handler.value, eventLoop: channel.eventLoop, pingInterval: ping)
        session.start()
        return WebSocketRelay(session: session, browser: channel, executor: executor.channel)
    }

    private func notUpgraded(_ channel: any Channel, outcome: WebSocketGate.Outcome?, requestedUpgrade: Bool) throws -> Negotiated {
        let sync = channel.pipeline.syncOperations
        // The proxy comes first, in NIO's HTTP/1 types; it keeps the idle timeout for both
        // paths and answers later parse errors itself (one handler fewer on every write).
        try sync.removeHandler(sync.handler(type: HTTPServerProtocolErrorHandler.self), promise: nil)
        try sync.removeHandler(sync.handler(type: ParseErrorCloser.self), promise: nil)
        try sync.addHandler(HTTPProxyHandler(core: self.core, requestTimeout: .seconds(Int64(self.core.configuration.executorTimeoutSeconds))))
        try sync.addHandler(HTTP1ToHTTPServerCodec(secure: self.core.configuration.isTLS))
        try sync.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: self.core.logger))
        let http = try HTTPChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        if case .refuse(let status, let headers, let body, _) = outcome {
            return .refused(http, status: status, headers: headers, body: body)
        }
        if requestedUpgrade {
            let error = GatewayError.badRequest(Self.malformedUpgrade)
            return .refused(http, status: .badRequest, headers: ["Content-Type": "application/json"], body: ByteBuffer(bytes: error.body))
        }
        return .http(http)
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await self.handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let status, let headers, let body):
                await Self.writeRefusal(http, status: status, headers: headers, body: body)
            case .websocket(let relay, let logger):
                self.core.metrics.webSocketOpened()
                await withGracefulShutdownHandler {
                    try? await relay.done.get()
                } onGracefulShutdown: {
                    relay.shutdown()
                }
                self.core.metrics.webSocketClosed()
                logger.info("websocket closed")
            }
        } catch {
            logger.debug("Connection ended before a request was handled", metadata: ["error": "\(error)"])
        }
    }

    /// The largest frame a browser may send through the gateway (the executor has its own,
    /// smaller limit for a message, `SPIN_MAX_MESSAGE_BYTES`).
    static let maxFrameBytes = 64 * 1024 * 1024

    static let malformedUpgrade =
        "Malformed or unsupported upgrade request: a WebSocket handshake needs GET, `Connection: Upgrade`, `Upgrade: websocket`, `Sec-WebSocket-Key` and `Sec-WebSocket-Version: 13`."

    private static func writeRefusal(_ http: HTTPChannel, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) async {
        var fields = HTTPFields()
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        let head = HTTPResponse(status: .init(code: Int(status.code), reasonPhrase: status.reasonPhrase), headerFields: fields)
        try? await http.executeThenClose { _, outbound in
            try await outbound.write(contentsOf: [.head(head), .body(body), .end(nil)])
        }
    }
}
