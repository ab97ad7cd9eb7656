import Logging
import NIOCore
import NIOWebSocket

/// Relays a WebSocket between the browser and the executor, both ways, as the bytes that
/// came (no decoding, copying or re-masking: the browser's masks go on to the executor, which
/// decodes the frames), on the event loop both channels share.
///
/// Each side's `WebSocketFrameCursor` finds where frames begin and end, so that
/// - a close frame ends what is relayed from its side, and once both sides have sent one
///   both channels close (or 5 s after the first, if the answer never comes);
/// - a header that breaks the protocol is answered as NIO's decoder would: the browser gets
///   `1002` (or `1009` over the size limit), and when the executor sends one the browser
///   gets `1011`;
/// - the gateway's own frames (the browser's keep-alive ping every `pingInterval`, the
///   `goingAway` of a shutdown, the close that tells one side the other has gone) go
///   between two frames, never inside one. Pings and pongs pass through, so the executor
///   answers the browser's pings and the browser the executor's.
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
    /// A ping waits for the executor's bytes to reach the end of a frame.
    private var pingOwed = false
    /// Closes that wait for the other side's bytes to reach the end of a frame.
    private var closeOwedToBrowser: WebSocketErrorCode?
    private var closeOwedToExecutor: WebSocketErrorCode?
    static let answerGrace = TimeAmount.seconds(5)
    static let pingPayload = "spin"

    init(browser: RelayHandler, executor: RelayHandler, eventLoop: any EventLoop, pingInterval: TimeAmount) {
        self.browser = browser
        self.executor = executor
        self.eventLoop = eventLoop
        self.pingInterval = pingInterval
        self.masks = MaskingKeys()
    }

    /// Links both handlers (replaying what the executor sent early) and starts the keep-alive.
    func start() {
        self.browser.join(self)
        self.executor.join(self)
        self.scheduleKeepAlive()
    }

    func partner(of side: RelayHandler.Side) -> RelayHandler {
        side == .browser ? self.executor : self.browser
    }

    /// Relays what `source` sent, frame boundaries permitting.
    func received(_ bytes: ByteBuffer, from source: RelayHandler) {
        var bytes = bytes
        let target = self.partner(of: source.side)
        while !self.hasEnded(source.side) {
            switch source.inbound.next(&bytes) {
            case .forward(let run):
                target.send(run)
                if source.inbound.pausesAtBoundary { self.deliverOwed(after: source) }
            case .closeFrameEnded:
                target.sendClosing(ByteBuffer())  // the close just relayed is this side's one close
                self.ended(source.side, sawClose: true)
            case .violation(let code):
                self.violated(source, code: code)
            case .needMore:
                if source.inbound.pausesAtBoundary { self.deliverOwed(after: source) }
                return
            }
        }
    }

    /// One read burst is over: flush what it produced, once per side.
    func readComplete() {
        self.browser.flushIfNeeded()
        self.executor.flushIfNeeded()
    }

    /// No more bytes are relayed from `side`: after its close frame, a violation, or when its
    /// input ended (then the other side is told with a close of its own).
    func ended(_ side: RelayHandler.Side, sawClose: Bool) {
        guard !self.hasEnded(side) else { return }
        if side == .browser { self.browserEnded = true } else { self.executorEnded = true }
        let target = self.partner(of: side)
        if !sawClose {
            self.sendClose(side == .browser ? .goingAway : .unexpectedServerError, to: target)
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
        self.sendClose(.goingAway, to: self.browser)
        self.sendClose(.goingAway, to: self.executor)
        self.readComplete()
        self.armCloseTimer()
    }

    private func hasEnded(_ side: RelayHandler.Side) -> Bool {
        side == .browser ? self.browserEnded : self.executorEnded
    }

    /// A header from `source` broke the protocol: nothing more of it is relayed.
    private func violated(_ source: RelayHandler, code: WebSocketErrorCode) {
        if source.side == .browser {
            self.sendClose(code, to: self.browser)
        } else {
            source.close(grace: .zero)
        }
        self.ended(source.side, sawClose: false)
    }

    /// `source`'s bytes reached the end of a frame (the cursor pauses there while something
    /// is owed): what waited for it goes out now, between that frame and the next.
    private func deliverOwed(after source: RelayHandler) {
        guard source.inbound.isAtBoundary else { return }
        source.inbound.pausesAtBoundary = false
        let target = self.partner(of: source.side)
        if let code = self.takeOwedClose(to: target.side) {
            target.sendClosing(ControlFrame.close(code, mask: self.mask(towards: target.side)))
        } else if target.side == .browser, self.pingOwed {
            self.pingOwed = false
            target.send(ControlFrame.ping(Self.pingPayload))
        }
    }

    /// Writes a close of the gateway's own to `target` between two frames: now, or when the
    /// bytes towards it reach the end of a frame. If they never will (the side sending them
    /// has ended inside a frame), `target` is closed without one.
    private func sendClose(_ code: WebSocketErrorCode, to target: RelayHandler) {
        let source = self.partner(of: target.side)
        if source.inbound.isAtBoundary {
            target.sendClosing(ControlFrame.close(code, mask: self.mask(towards: target.side)))
        } else if self.hasEnded(source.side) {
            target.close(grace: .zero)
        } else {
            if target.side == .browser {
                self.closeOwedToBrowser = self.closeOwedToBrowser ?? code
            } else {
                self.closeOwedToExecutor = self.closeOwedToExecutor ?? code
            }
            source.inbound.pausesAtBoundary = true
        }
    }

    private func takeOwedClose(to side: RelayHandler.Side) -> WebSocketErrorCode? {
        defer { if side == .browser { self.closeOwedToBrowser = nil } else { self.closeOwedToExecutor = nil } }
        return side == .browser ? self.closeOwedToBrowser : self.closeOwedToExecutor
    }

    private func armCloseTimer() {
        guard self.closeTimer == nil, !self.finished else { return }
        self.closeTimer = self.eventLoop.assumeIsolated().scheduleTask(in: Self.answerGrace) { self.finish() }
    }

    private func scheduleKeepAlive() {
        guard !self.finished else { return }
        self.keepAlive = self.eventLoop.assumeIsolated().scheduleTask(in: self.pingInterval) {
            if self.executor.inbound.isAtBoundary {
                self.browser.send(ControlFrame.ping(Self.pingPayload))
                self.browser.flushIfNeeded()
            } else {
                self.pingOwed = true
                self.executor.inbound.pausesAtBoundary = true
            }
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
