import Logging
import NIOCore
import NIOWebSocket

/// Relays frames between the browser and the executor, both ways, frame by frame, on the
/// event loop both channels share: text/binary/continuation keep their opcode and `fin`,
/// close codes pass through (then the other side gets 5 s to answer), pings are answered
/// locally, and the browser side is pinged every `pingInterval`.
///
/// Lives on the event loop; `RelayHandler`s in both pipelines feed it.
final class RelaySession {
    let browser: RelayHandler
    let executor: RelayHandler
    private let eventLoop: any EventLoop
    private let pingInterval: TimeAmount
    private var browserEnded = false
    private var executorEnded = false
    private var finished = false
    private var closeTimer: Scheduled<Void>?
    private var keepAlive: Scheduled<Void>?
    private var masks: MaskingKeys
    static let answerGrace = TimeAmount.seconds(5)

    init(browser: RelayHandler, executor: RelayHandler, eventLoop: any EventLoop, pingInterval: TimeAmount) {
        self.browser = browser
        self.executor = executor
        self.eventLoop = eventLoop
        self.pingInterval = pingInterval
        self.masks = MaskingKeys()
    }

    /// Links both handlers (replaying frames the executor sent early) and starts the keep-alive.
    func start() {
        self.browser.join(self)
        self.executor.join(self)
        self.scheduleKeepAlive()
    }

    func partner(of side: RelayHandler.Side) -> RelayHandler {
        side == .browser ? self.executor : self.browser
    }

    func received(_ frame: WebSocketFrame, from source: RelayHandler) {
        guard !self.hasEnded(source.side) else { return }
        let target = self.partner(of: source.side)
        switch frame.opcode {
        case .ping:
            // The answer goes back to the source: masked only towards the executor.
            source.send(WebSocketFrame(fin: true, opcode: .pong, maskKey: self.mask(towards: source.side), data: frame.unmaskedData))
        case .pong:
            return
        case .connectionClose:
            target.sendClosing(self.relayed(frame, towards: target.side))
            self.ended(source.side, sawClose: true)
        default:
            target.send(self.relayed(frame, towards: target.side))
        }
    }

    /// One read burst is over: flush what it produced, once per side.
    func readComplete() {
        self.browser.flushIfNeeded()
        self.executor.flushIfNeeded()
    }

    /// No more frames come from `side`: after a close frame, or when its input ended
    /// (then the other side is told with a close of its own).
    func ended(_ side: RelayHandler.Side, sawClose: Bool) {
        guard !self.hasEnded(side) else { return }
        if side == .browser { self.browserEnded = true } else { self.executorEnded = true }
        let target = self.partner(of: side)
        if !sawClose {
            let code: WebSocketErrorCode = side == .browser ? .goingAway : .unexpectedServerError
            target.sendClosing(self.close(code: code, towards: target.side))
        }
        target.flushIfNeeded()
        if self.browserEnded && self.executorEnded {
            self.finish()
        } else {
            self.armCloseTimer()
        }
    }

    /// Graceful shutdown: both sides get `goingAway`, then the usual wait for the answers.
    func shutdown() {
        guard !self.finished else { return }
        self.browser.sendClosing(self.close(code: .goingAway, towards: .browser))
        self.executor.sendClosing(self.close(code: .goingAway, towards: .executor))
        self.readComplete()
        self.armCloseTimer()
    }

    private func hasEnded(_ side: RelayHandler.Side) -> Bool {
        side == .browser ? self.browserEnded : self.executorEnded
    }

    private func armCloseTimer() {
        guard self.closeTimer == nil, !self.finished else { return }
        self.closeTimer = self.eventLoop.assumeIsolated().scheduleTask(in: Self.answerGrace) { self.finish() }
    }

    private func scheduleKeepAlive() {
        guard !self.finished else { return }
        self.keepAlive = self.eventLoop.assumeIsolated().scheduleTask(in: self.pingInterval) {
            self.browser.send(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "spin")))
            self.browser.flushIfNeeded()
            self.scheduleKeepAlive()
        }
    }

    private func finish() {
        guard !self.finished else { return }
        self.finished = true
        self.closeTimer?.cancel()
        self.keepAlive?.cancel()
        self.browser.close(grace: Self.answerGrace)
        self.executor.close(grace: Self.answerGrace)
    }

    private func mask(towards side: RelayHandler.Side) -> WebSocketMaskingKey? {
        side == .executor ? self.masks.nextKey() : nil
    }

    private func relayed(_ frame: WebSocketFrame, towards side: RelayHandler.Side) -> WebSocketFrame {
        WebSocketFrame(fin: frame.fin, opcode: frame.opcode, maskKey: self.mask(towards: side), data: Self.payload(of: frame))
    }

    /// Room for the largest frame header (2 + 8 length + 4 mask bytes).
    static let headerRoom = 14

    /// The frame's payload, unmasked, in a buffer of its own with room in front for the
    /// next frame header: NIO's encoder then writes header and payload as one buffer (one
    /// TLS record, one iovec) instead of two. The decoder's payload is a slice of the
    /// read buffer with no such room, so this costs one copy of the payload, which
    /// unmasking a browser's frame made anyway.
    static func payload(of frame: WebSocketFrame) -> ByteBuffer {
        var data = ByteBufferAllocator().buffer(capacity: Self.headerRoom + frame.data.readableBytes)
        data.moveWriterIndex(forwardBy: Self.headerRoom)
        data.moveReaderIndex(forwardBy: Self.headerRoom)
        data.writeImmutableBuffer(frame.data)
        if let key = frame.maskKey { data.webSocketUnmask(key) }
        return data
    }

    private func close(code: WebSocketErrorCode, towards side: RelayHandler.Side) -> WebSocketFrame {
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        return WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: self.mask(towards: side), data: data)
    }
}

/// What the connection task keeps of a relay: when it is over, and how to shut it down.
struct WebSocketRelay: Sendable {
    /// Completes when both channels are closed.
    let done: EventLoopFuture<Void>
    let session: NIOLoopBound<RelaySession>

    init(session: RelaySession, browser: any Channel, executor: any Channel) {
        self.done = browser.closeFuture.and(executor.closeFuture).map { _ in }
        self.session = NIOLoopBound(session, eventLoop: browser.eventLoop)
    }

    func shutdown() {
        let session = self.session
        session.eventLoop.execute { session.value.shutdown() }
    }
}
