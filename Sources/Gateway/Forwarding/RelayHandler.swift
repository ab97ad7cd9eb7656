import NIOCore

/// One side of a relayed WebSocket, living in that side's pipeline on its event loop, in
/// place of a WebSocket codec: it reads and writes the connection's bytes.
///
/// Bytes read here go to the `RelaySession`, which writes them to the other side; writes
/// are flushed once per read burst. Reading stops while the other side cannot take more
/// (`read` is held until the partner's channel is writable again, or closed: then what is
/// read is dropped), so a slow peer cannot make the gateway buffer without bound.
final class RelayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Side: Sendable { case browser, executor }

    let side: Side
    /// Where the frames read from this side begin and end.
    var inbound: WebSocketFrameCursor
    /// Set when both sides are known; until then bytes and the end of input are kept.
    private var session: RelaySession?
    private var context: ChannelHandlerContext?
    private var early: [ByteBuffer] = []
    private var endedEarly = false
    private var readHeld = false
    private var needsFlush = false
    /// The close frame written to this side, so the channel is closed after it went out.
    /// A side gets one close frame and nothing after it (RFC 6455 §5.5.1): when both sides
    /// were sent `goingAway` at shutdown, their answers are not relayed as second closes.
    private var closingWrite: EventLoopFuture<Void>?

    /// `maxFrameBytes` bounds the payload of one frame read from this side.
    init(side: Side, maxFrameBytes: Int) {
        self.side = side
        self.inbound = WebSocketFrameCursor(expectsMask: side == .browser, maxPayload: maxFrameBytes)
    }

    var isJoined: Bool { self.session != nil }

    var isWritable: Bool { self.context?.channel.isWritable ?? false }

    /// This side's connection is closed: nothing written to it is kept.
    var isGone: Bool { !(self.context?.channel.isActive ?? false) }

    /// Joins the session, replaying what arrived before it existed.
    func join(_ session: RelaySession) {
        self.session = session
        let early = self.early
        self.early = []
        for bytes in early { session.received(bytes, from: self) }
        if self.endedEarly { session.ended(self.side, sawClose: false) }
        session.readComplete()
        self.resumeReading()
    }

    // MARK: Inbound

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.session = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data)
        guard let session = self.session else {
            self.early.append(bytes)
            return
        }
        session.received(bytes, from: self)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.session?.readComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session = self.session {
            session.ended(self.side, sawClose: false)
            // The other side's close answer is still read (and dropped) now.
            session.partner(of: self.side).resumeReading()
        } else {
            self.endedEarly = true
        }
        context.fireChannelInactive()
    }

    /// An error ends this side (protocol errors are found by the session, not raised).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { self.session?.partner(of: self.side).resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if let session = self.session, session.partner(of: self.side).isWritable || session.partner(of: self.side).isGone {
            context.read()
        } else {
            self.readHeld = true
        }
    }

    func resumeReading() {
        guard self.readHeld, let context = self.context, self.session != nil else { return }
        self.readHeld = false
        context.read()
    }

    /// Writes bytes to this side; they go out with the next `flushIfNeeded`.
    /// Nothing is written after this side's close frame.
    func send(_ bytes: ByteBuffer) {
        guard let context = self.context, self.closingWrite == nil else { return }
        context.write(self.wrapOutboundOut(bytes), promise: nil)
        self.needsFlush = true
    }

    /// Writes the bytes that end with this side's close frame (none when the close was the
    /// end of what `send` wrote last) and remembers the write, so `close()` waits for it to
    /// go out. Only the first close frame is written.
    func sendClosing(_ bytes: ByteBuffer) {
        guard let context = self.context, self.closingWrite == nil else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.write(self.wrapOutboundOut(bytes), promise: promise)
        self.closingWrite = promise.futureResult
        self.needsFlush = true
    }

    func flushIfNeeded() {
        guard self.needsFlush, let context = self.context else { return }
        self.needsFlush = false
        context.flush()
    }

    /// Closes this side once its last close frame is written (or after `grace` at most).
    func close(grace: TimeAmount) {
        guard let context = self.context else { return }
        self.flushIfNeeded()
        let channel = context.channel
        guard let closingWrite = self.closingWrite else {
            channel.close(promise: nil)
            return
        }
        closingWrite.whenComplete { _ in channel.close(promise: nil) }
        let hardClose = context.eventLoop.scheduleTask(in: grace) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in hardClose.cancel() }
    }
}
