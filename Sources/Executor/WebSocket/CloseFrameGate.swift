import NIOCore
import NIOWebSocket

/// Lets nothing follow a close frame out of a kernel WebSocket (RFC 6455 §5.5.1).
/// Kernel messages are written to the channel directly (`WebSocketClientSink`), so
/// when the WebSocket library answers a client's close (or closes after a missed
/// ping), a message delivered just before the socket's reader ends would otherwise
/// go out after the close frame.
final class CloseFrameGate: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var closeSent = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !self.closeSent else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        if self.unwrapOutboundIn(data).opcode == .connectionClose { self.closeSent = true }
        context.write(data, promise: promise)
    }

    /// Puts a gate right after the frame encoder, where it sees the library's frames
    /// and the sink's alike.
    static func install(on channel: any Channel) async throws {
        try await channel.eventLoop.submit {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(CloseFrameGate(), position: .after(sync.handler(type: WebSocketFrameEncoder.self)))
        }.get()
    }
}
