import NIOCore
import NIOHTTP1
import NIOPosix

/// Small requests of the gateway's own to the executor's Unix socket (the readiness
/// check, `/metrics`, a kernel's existence before a WebSocket); browsers' requests go
/// through `HTTPProxyHandler`. One short connection per request, on NIO's HTTP/1.1
/// codec: these are few enough to need no pool.
struct ExecutorHTTPForwarder: Sendable {
    let socketPath: String
    let group: any EventLoopGroup
    static let maxBodyBytes = 4 * 1024 * 1024

    /// `GET` a path on the executor and collect a small body; throws when the socket
    /// refuses, the connection ends early, the body is over `maxBodyBytes` or
    /// `timeout` passes.
    func get(_ uri: String, timeout: TimeAmount) async throws -> (status: Int, body: ByteBuffer) {
        let eventLoop = self.group.next()
        let response = eventLoop.makePromise(of: CollectedResponse.self)
        let connected = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        ResponseCollector(response: response, limit: Self.maxBodyBytes, timeout: timeout)
                    )
                }
            }
            .connect(unixDomainSocketPath: self.socketPath)
        connected.whenFailure { response.fail($0) }
        connected.whenSuccess { channel in
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri.hasPrefix("/") ? uri : "/" + uri)
            head.headers.add(name: "Host", value: "localhost")
            head.headers.add(name: "Accept", value: "application/json")
            head.headers.add(name: "Connection", value: "close")
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        let collected = try await response.futureResult.get()
        return (collected.status, collected.body)
    }
}

struct CollectedResponse: Sendable {
    var status: Int
    var body: ByteBuffer
}

/// Collects one response, then closes the connection; fails the promise on anything else.
final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    struct TooLarge: Error {}
    struct TimedOut: Error {}

    private let response: EventLoopPromise<CollectedResponse>
    private let limit: Int
    private let timeout: TimeAmount
    private var collected = CollectedResponse(status: 0, body: ByteBuffer())
    private var done = false
    private var deadline: Scheduled<Void>?

    init(response: EventLoopPromise<CollectedResponse>, limit: Int, timeout: TimeAmount) {
        self.response = response
        self.limit = limit
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.deadline = context.eventLoop.scheduleTask(in: self.timeout) {
            bound.value.0.finish(.failure(TimedOut()), context: bound.value.1)
        }
    }

    /// Also when the connection never came up (the executor is not listening yet):
    /// the deadline must not keep the channel alive until it fires.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.collected.status = Int(head.status.code)
        case .body(var part):
            guard self.collected.body.readableBytes + part.readableBytes <= self.limit else {
                return self.finish(.failure(TooLarge()), context: context)
            }
            self.collected.body.writeBuffer(&part)
        case .end:
            self.finish(.success(self.collected), context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(.failure(ChannelError.eof), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(.failure(error), context: context)
    }

    private func finish(_ result: Result<CollectedResponse, any Error>, context: ChannelHandlerContext) {
        guard !self.done else { return }
        self.done = true
        self.deadline?.cancel()
        self.response.completeWith(result)
        context.close(promise: nil)
    }
}
