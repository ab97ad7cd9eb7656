import NIOCore

/// Joins the small writes of one flush into one buffer before TLS, so they go out as one
/// TLS record instead of one record each.
///
/// NIOSSL seals every write as its own record. An answer is at least two writes (NIO's HTTP
/// encoder writes the head, then the body as it came from the executor), and a relayed
/// WebSocket frame may be two (header and payload). Each record costs the gateway a seal
/// and the browser a separate decrypt and read. Writes are joined while the joined buffer
/// stays within one record's plaintext (16 KiB). A larger write goes on as it is, after what
/// was held; nothing is copied for it.
///
/// Sits next to the TLS handler, on the socket side of everything else, so it sees the
/// bytes of every answer and frame. Order is kept: anything else that goes out (a close, an
/// outbound event) first passes on what is held, and so does the connection's end.
final class TLSRecordCoalescer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// TLS's largest record plaintext: a joined buffer never spans two records.
    static let recordBytes = 16 * 1024

    private let limit: Int
    private var held: ByteBuffer?
    private var heldPromise: EventLoopPromise<Void>?

    init(limit: Int = TLSRecordCoalescer.recordBytes) {
        self.limit = limit
    }

    /// Bytes written and not yet passed on.
    var heldBytes: Int { self.held?.readableBytes ?? 0 }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = self.unwrapOutboundIn(data)
        guard context.channel.isActive else {
            // Nothing will flush it: on at once, to fail where the others fail.
            self.passHeld(context: context)
            context.write(data, promise: promise)
            return
        }
        // (No binding of `held` here: a second reference would make the append copy it.)
        if self.held != nil, self.heldBytes + buffer.readableBytes <= self.limit {
            self.held!.writeImmutableBuffer(buffer)
            self.join(promise)
            return
        }
        self.passHeld(context: context)
        if buffer.readableBytes >= self.limit {
            context.write(data, promise: promise)
        } else {
            self.held = buffer
            self.heldPromise = promise
        }
    }

    func flush(context: ChannelHandlerContext) {
        self.passHeld(context: context)
        context.flush()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        self.passHeld(context: context)
        context.close(mode: mode, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        self.passHeld(context: context)
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.passHeld(context: context)
    }

    /// A write held when the connection ends goes on, to fail where the others fail.
    func channelInactive(context: ChannelHandlerContext) {
        self.passHeld(context: context)
        context.fireChannelInactive()
    }

    /// The joined write completes when the buffer it joined does.
    private func join(_ promise: EventLoopPromise<Void>?) {
        guard let promise else { return }
        if let heldPromise = self.heldPromise {
            heldPromise.futureResult.cascade(to: promise)
        } else {
            self.heldPromise = promise
        }
    }

    private func passHeld(context: ChannelHandlerContext) {
        guard let held = self.held else { return }
        let promise = self.heldPromise
        self.held = nil
        self.heldPromise = nil
        context.write(self.wrapOutboundOut(held), promise: promise)
    }
}
