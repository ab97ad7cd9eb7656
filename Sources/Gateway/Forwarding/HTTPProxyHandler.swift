import NIOCore
import NIOHTTP1

/// Answers the gateway's API requests at the channel level, on the connection's event loop:
/// authenticated requests go to the executor over this connection's own executor link,
/// refused ones get their JSON error here. No task and no thread hop per request.
///
/// The open routes (health, readiness, console), CORS preflights, `GET /metrics`, upgrade
/// attempts that reached HTTP and malformed targets pass on to the Hummingbird responder.
/// The handler sits in front of the conversion to swift-http-types, so proxied requests
/// stay in NIO's HTTP/1 types end to end; it sees every request and answer, so it keeps
/// the connection's idle timeout and holds a graceful shutdown until its own answer is out
/// (`HTTPProxyHandler+Connection.swift`).
/// Requests are answered one at a time: a request that arrives while another is being
/// answered waits (and the connection is not read) until that answer has ended.
final class HTTPProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum State {
        case idle
        /// The responder answers the current request; idle again when its answer ended.
        case passing
        case own(ProxiedRequest)
    }

    let core: GatewayCore
    let requestTimeout: TimeAmount
    let idleTimeout: TimeAmount
    var state = State.idle
    var context: ChannelHandlerContext?
    /// Parts of a request that came while the previous answer was still going out.
    var waiting = CircularBuffer<HTTPServerRequestPart>()
    private var readHeld = false
    private var inputClosedHeld = false
    var link: ExecutorLinkHandler?
    var dialing = false
    /// Parts for the executor while its connection is being dialed.
    var toExecutor: [HTTPClientRequestPart] = []
    var executorNeedsFlush = false
    /// The one timer of the connection's answer timeout (`SPIN_EXECUTOR_TIMEOUT`), due at the
    /// deadline of the request that was current when it was set (it moves on to later
    /// requests' deadlines).
    var timeoutTimer: Scheduled<Void>?
    private lazy var clientAddress = self.context?.channel.clientAddress ?? "unknown"
    private var requestIDs = SplitMix64()
    /// The idle timer, and when the connection last read or finished an answer.
    var idleTimer: Scheduled<Void>?
    var lastActive = NIODeadline.now()
    /// A request's head has been read and its end not yet.
    var requestBeingRead = false
    /// A graceful shutdown waits for this handler's answer; the connection closes after it.
    var quiescing = false
    /// The responder has begun an answer and not ended it.
    private var passedAnswerOpen = false

    init(core: GatewayCore, requestTimeout: TimeAmount, idleTimeout: TimeAmount = .seconds(120)) {
        self.core = core
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
    }

    /// Whether the responder must answer this request instead of the proxy.
    static func passesOn(_ head: HTTPRequestHead, target: RequestTarget) -> Bool {
        !target.isValid || head.method == .OPTIONS || head.headers.contains(name: "Upgrade")
            || AccessPolicy.isOpen(method: head.method.rawValue, path: target.path)
            || (head.method == .GET && target.path == "/metrics")
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { self.startIdleTimer() }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.startIdleTimer()
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.tearDown()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.tearDown()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The instance forms of NIO's wrap/unwrap throughout the gateway's handlers: the
        // compiler here does not specialize the static ones, which then cost a generic
        // call, a metadata lookup and a dynamic cast per part (~1k instructions each).
        let part = self.unwrapInboundIn(data)
        self.lastActive = self.now
        if !self.waiting.isEmpty {
            self.waiting.append(part)
            return
        }
        self.process(part, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.flushExecutor()
        context.fireChannelReadComplete()
    }

    private func flushExecutor() {
        guard self.executorNeedsFlush, let link = self.link else { return }
        self.executorNeedsFlush = false
        link.flush()
    }

    /// A client that half-closes after its request still gets the answer: the responder's
    /// request loop ends (and closes the connection) when the input ends, so that news
    /// waits while this handler is answering or holds requests.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed, !self.isDone {
            self.inputClosedHeld = true
            return
        }
        if event is ChannelShouldQuiesceEvent, self.holdsQuiesce() { return }
        context.fireUserInboundEventTriggered(event)
    }

    /// Nothing of this handler's own is in flight or waiting.
    var isDone: Bool {
        if case .own = self.state { return false }
        return self.waiting.isEmpty
    }

    private func releaseInputClosed() {
        guard self.inputClosedHeld, self.isDone, let context = self.context else { return }
        self.inputClosedHeld = false
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { self.link?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        switch self.unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200 || head.status == .switchingProtocols:
            self.passedAnswerOpen = true
        case .end:
            self.passedAnswerOpen = false
            guard case .passing = self.state else { return }
            self.state = .idle
            self.lastActive = self.now
            self.scheduleWaiting()
        default:
            break
        }
    }

    /// A request that cannot be parsed ends the connection, with NIO's plain `400` when
    /// no answer is under way (as `HTTPServerProtocolErrorHandler` does before the first
    /// request; this handler takes its place after that).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            if !self.answerOpen {
                let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: ["Connection": "close", "Content-Length": "0"])
                context.write(self.wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
            self.tearDown()
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }

    private var answerOpen: Bool {
        switch self.state {
        case .idle: false
        case .passing: self.passedAnswerOpen
        case .own(let request): request.responseStarted && !request.responseEnded
        }
    }

    func read(context: ChannelHandlerContext) {
        if !self.waiting.isEmpty || self.bodyBlockedByExecutor {
            self.readHeld = true
        } else {
            context.read()
        }
    }

    /// Reads the browser again if that was held and nothing holds it any more.
    func resumeReading() {
        guard self.readHeld, self.waiting.isEmpty, !self.bodyBlockedByExecutor, let context = self.context else { return }
        self.readHeld = false
        context.read()
    }

    /// A request body is being forwarded and the executor's connection is being dialed or full.
    private var bodyBlockedByExecutor: Bool {
        guard case .own(let request) = self.state, request.forwarding, !request.requestEnded, !request.responseEnded else { return false }
        if self.dialing { return true }
        return !(self.link?.isWritable ?? true)
    }

    // MARK: Requests

    private func process(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head: self.requestBeingRead = true
        case .end: self.requestBeingRead = false
        case .body: break
        }
        switch (self.state, part) {
        case (.idle, .head(let head)):
            let target = RequestTarget(head.uri)
            if Self.passesOn(head, target: target) {
                self.state = .passing
                context.fireChannelRead(self.wrapInboundOut(part))
            } else {
                let request = ProxiedRequest(head: head, target: target, clientAddress: self.clientAddress, ids: &self.requestIDs)
                self.state = .own(request)
                self.begin(request, head: head)
            }
        case (.idle, _):
            context.fireChannelRead(self.wrapInboundOut(part))
        case (.passing, .head), (.own, .head):
            self.waiting.append(part)
        case (.passing, _):
            context.fireChannelRead(self.wrapInboundOut(part))
        case (.own(let request), .body(let chunk)):
            self.requestBody(chunk, request)
        case (.own(let request), .end):
            self.requestEnded(request)
        }
    }

    private func begin(_ request: ProxiedRequest, head: HTTPRequestHead) {
        let subject = AccessPolicy.Subject(
            method: request.method, target: request.target, headers: head.headers, clientAddress: request.clientAddress
        )
        let decision = self.core.access.decide(subject)
        self.core.noteDecision(decision)
        switch decision {
        case .authenticated:
            self.forward(request, head: head)
        case .unauthorized:
            self.answer(request, with: .unauthorized())
        case .rateLimited(let seconds):
            self.answer(request, with: .tooManyFailures(retryAfter: seconds))
        case .forbiddenOrigin:
            self.answer(request, with: .originNotAllowed())
        case .open, .preflight:
            self.answer(request, with: .notFound())  // `passesOn` sends these to the responder
        }
    }

    private func requestBody(_ chunk: ByteBuffer, _ request: ProxiedRequest) {
        request.bodyBytes += chunk.readableBytes
        let tooLarge = request.bodyBytes > self.core.configuration.maxBodyBytes
        guard request.forwarding, !request.responseEnded else {
            // Answered already: the rest is dropped, up to the body limit.
            if tooLarge { self.context?.close(promise: nil) }
            return
        }
        if tooLarge {
            self.failForwarding(request, with: .bodyTooLarge(limit: self.core.configuration.maxBodyBytes), closeConnection: true)
            return
        }
        self.sendToExecutor(.body(.byteBuffer(chunk)))
    }

    private func requestEnded(_ request: ProxiedRequest) {
        request.requestEnded = true
        if request.forwarding, !request.responseEnded {
            self.sendToExecutor(.end(nil))
        }
        if request.responseEnded { self.finish(request) }
    }

    /// Both directions of `request` are over: the next request may start.
    func finish(_ request: ProxiedRequest) {
        guard case .own(let current) = self.state, current === request else { return }
        self.state = .idle
        if request.closing { return }
        if self.quiescing {
            self.context?.close(promise: nil)
            return
        }
        self.scheduleWaiting()
        self.releaseInputClosed()
    }

    /// Writes the gateway's JSON error as the whole answer to `request`.
    func answer(_ request: ProxiedRequest, with error: GatewayError, closeConnection: Bool = false) {
        guard let context = self.context, !request.responseStarted else { return }
        let (head, body) = request.errorParts(error, cors: self.core.cors, close: closeConnection)
        request.status = error.status.code
        request.responseStarted = true
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        self.endAnswer(request, close: closeConnection || request.closeWhenDone)
        if error.status.code >= 500 {
            self.core.logger.warning("Executor request failed", metadata: ["error.code": "\(error.code)", "request.id": "\(request.id)"])
        }
    }

    /// Ends the answer to `request` (closing the connection after it when asked).
    func endAnswer(_ request: ProxiedRequest, close: Bool) {
        guard let context = self.context else { return }
        request.responseEnded = true
        self.lastActive = self.now
        request.record(self.core)
        if close || self.quiescing {
            request.closing = true
            let channel = context.channel
            context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        }
        if request.requestEnded {
            self.finish(request)
        } else {
            self.resumeReading()  // the rest of the body is read and dropped
        }
    }

    // MARK: Waiting requests

    private func scheduleWaiting() {
        guard !self.waiting.isEmpty || self.readHeld, let context = self.context else { return }
        context.eventLoop.assumeIsolated().execute { self.processWaiting() }
    }

    private func processWaiting() {
        guard let context = self.context else { return }
        var processed = false
        while let part = self.waiting.first {
            if case .head = part, !self.isIdle { break }
            self.waiting.removeFirst()
            self.process(part, context: context)
            processed = true
        }
        // As after a read: the executor gets what was written, the responder what was passed on.
        if processed {
            self.flushExecutor()
            context.fireChannelReadComplete()
        }
        if self.waiting.isEmpty { self.resumeReading() }
        self.releaseInputClosed()
    }

    private var isIdle: Bool {
        if case .idle = self.state { return true }
        return false
    }

    private func tearDown() {
        self.timeoutTimer?.cancel()
        self.timeoutTimer = nil
        self.idleTimer?.cancel()
        self.idleTimer = nil
        self.closeLink()
        self.waiting.removeAll()
    }
}
