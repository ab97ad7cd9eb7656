import NIOCore
import NIOHTTP1
import NIOPosix

/// What the executor end of a forwarded HTTP exchange reports to the browser end.
protocol ExecutorLinkDelegate: AnyObject {
    func executorSent(_ part: HTTPClientResponsePart)
    func executorReadComplete()
    func executorClosed()
    /// The executor's connection can take writes again (resume reading the browser).
    func executorWritable()
    var browserIsWritable: Bool { get }
}

/// The executor end of one browser connection's HTTP requests: one Unix-socket
/// connection, dialed on the browser connection's event loop and reused for its
/// requests while both stay open (so no request waits for a pool or hops threads).
///
/// Reading stops while the browser cannot take more, so a slow browser holds a large
/// response in the executor's socket, not in the gateway.
final class ExecutorLinkHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    weak var delegate: (any ExecutorLinkDelegate)?
    private var context: ChannelHandlerContext?
    private var readHeld = false

    init(delegate: any ExecutorLinkDelegate) {
        self.delegate = delegate
    }

    var isActive: Bool { self.context?.channel.isActive ?? false }
    var isWritable: Bool { self.context?.channel.isWritable ?? false }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.delegate?.executorSent(self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.delegate?.executorReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.delegate?.executorClosed()
        self.delegate = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { self.delegate?.executorWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if self.delegate?.browserIsWritable ?? true {
            context.read()
        } else {
            self.readHeld = true
        }
    }

    /// The browser took what was written: read the executor again if that was held.
    func resumeReading() {
        guard self.readHeld, let context = self.context else { return }
        self.readHeld = false
        context.read()
    }

    func send(_ part: HTTPClientRequestPart, flush: Bool, promise: EventLoopPromise<Void>? = nil) {
        guard let context = self.context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(self.wrapOutboundOut(part), promise: promise)
        if flush { context.flush() }
    }

    func flush() {
        self.context?.flush()
    }

    func close() {
        self.context?.close(promise: nil)
    }

    /// Connects to the executor's socket on `eventLoop` (the caller's), with NIO's HTTP/1.1
    /// codec and this handler last in the pipeline. (Its parts stay in NIO's types: the
    /// proxy builds the executor's request head and the browser's answer head from them
    /// directly, instead of converting each head twice.)
    func dial(socketPath: String, on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(2))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    // No second header check: the browser's headers were parsed by NIO's
                    // decoder and the gateway's own values are plain tokens and addresses.
                    try sync.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try sync.addHandler(handler.value)
                }
            }
            .connect(unixDomainSocketPath: socketPath)
    }
}
