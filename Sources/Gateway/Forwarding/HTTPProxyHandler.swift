import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers the gateway's API requests at the channel level, on the connection's event loop:
/// authenticated requests go to the executor over this connection's own executor link,
/// refused ones get their JSON error here. No task and no thread hop per request.
///
/// The open routes (health, readiness, console), CORS preflights, `GET /metrics`, upgrade
/// attempts that reached HTTP and malformed targets pass on to the Hummingbird responder.
/// The handler sits after `HTTPConnectionStateHandler`, which therefore still sees every
/// request and answer and keeps the idle timeout and graceful shutdown for both paths.
/// Requests are answered one at a time: a request that arrives while another is being
/// answered waits (and the connection is not read) until that answer has ended.
final class HTTPProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    enum State {
        case idle
        /// The responder answers the current request; idle again when its answer ended.
        case passing
        case own(ProxiedRequest)
    }

    let core: GatewayCore
    let requestTimeout: TimeAmount
    var state = State.idle
    var context: ChannelHandlerContext?
    /// Parts of a request that came while the previous answer was still going out.
    private var waiting = CircularBuffer<HTTPRequestPart>()
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

    init(core: GatewayCore, requestTimeout: TimeAmount) {
        self.core = core
        self.requestTimeout = requestTimeout
    }

    /// Whether the responder must answer this request instead of the proxy.
    static func passesOn(_ head: HTTPRequest, target: RequestTarget) -> Bool {
        let method = head.method.rawValue
        return !target.isValid || head.headerFields[.upgrade] != nil || head.method == .options
            || AccessPolicy.isOpen(method: method, path: target.path)
            || (head.method == .get && target.path == "/metrics")
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
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
        let part = Self.unwrapInboundIn(data)
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
        context.fireUserInboundEventTriggered(event)
    }

    /// Nothing of this handler's own is in flight or waiting.
    private var isDone: Bool {
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
        if case .end = Self.unwrapOutboundIn(data), case .passing = self.state {
            self.state = .idle
            self.scheduleWaiting()
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

    private func process(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (self.state, part) {
        case (.idle, .head(let head)):
            let target = RequestTarget(head.path ?? "")
            if Self.passesOn(head, target: target) {
                self.state = .passing
                context.fireChannelRead(Self.wrapInboundOut(part))
            } else {
                let request = ProxiedRequest(head: head, target: target, clientAddress: self.clientAddress)
                self.state = .own(request)
                self.begin(request, head: head)
            }
        case (.idle, _):
            context.fireChannelRead(Self.wrapInboundOut(part))
        case (.passing, .head), (.own, .head):
            self.waiting.append(part)
        case (.passing, _):
            context.fireChannelRead(Self.wrapInboundOut(part))
        case (.own(let request), .body(let chunk)):
            self.requestBody(chunk, request)
        case (.own(let request), .end):
            self.requestEnded(request)
        }
    }

    private func begin(_ request: ProxiedRequest, head: HTTPRequest) {
        let subject = AccessPolicy.Subject(
            method: head.method.rawValue, target: request.target, headers: head.headerFields, clientAddress: request.clientAddress
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
        self.scheduleWaiting()
        self.releaseInputClosed()
    }

    /// Writes the gateway's JSON error as the whole answer to `request`.
    func answer(_ request: ProxiedRequest, with error: GatewayError, closeConnection: Bool = false) {
        guard let context = self.context, !request.responseStarted else { return }
        let (head, body) = request.errorParts(error, cors: self.core.cors, close: closeConnection)
        request.status = error.status.code
        request.responseStarted = true
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(body)), promise: nil)
        self.endAnswer(request, close: closeConnection || request.closeWhenDone)
        if error.status.code >= 500 {
            self.core.logger.warning("Executor request failed", metadata: ["error.code": "\(error.code)", "request.id": "\(request.id)"])
        }
    }

    /// Ends the answer to `request` (closing the connection after it when asked).
    func endAnswer(_ request: ProxiedRequest, close: Bool) {
        guard let context = self.context else { return }
        request.responseEnded = true
        request.record(self.core)
        let written = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
        if close {
            request.closing = true
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
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
        self.closeLink()
        self.waiting.removeAll()
    }
}
