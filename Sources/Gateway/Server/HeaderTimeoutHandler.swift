import NIOCore

/// Closes a connection whose first request head (and TLS handshake) is not complete
/// within `timeout`: bounds slow-loris style partial requests.
final class HeaderTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var matched = 0
    private static let terminator: [UInt8] = Array("\r\n\r\n".utf8)

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(in: self.timeout) {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = self.unwrapInboundIn(data)
        let done = self.scan(buffer)
        context.fireChannelRead(data)
        if done {
            self.timer?.cancel()
            self.timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    /// Looks for the blank line that ends a request head, across reads.
    private func scan(_ buffer: ByteBuffer) -> Bool {
        for byte in buffer.readableBytesView {
            if byte == Self.terminator[self.matched] {
                self.matched += 1
                if self.matched == Self.terminator.count { return true }
            } else {
                self.matched = byte == Self.terminator[0] ? 1 : 0
            }
        }
        return false
    }
}
