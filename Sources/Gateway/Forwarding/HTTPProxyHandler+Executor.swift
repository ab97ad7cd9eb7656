import NIOCore
import NIOHTTP1

/// The executor side of the proxy: the request out over the connection's executor link,
/// the answer back as it arrives, and what happens when the executor fails or is slow.
extension HTTPProxyHandler: ExecutorLinkDelegate {
    func forward(_ request: ProxiedRequest, head: HTTPRequestHead) {
        let limit = self.core.configuration.maxBodyBytes
        let length = head.headers.first(name: "Content-Length")
        if let length, let bytes = Int(length), bytes > limit {
            self.answer(request, with: .bodyTooLarge(limit: limit), closeConnection: true)
            return
        }
        var headers = ForwardedHeaders.headers(
            from: head.headers, authority: head.headers.first(name: "Host"), clientAddress: request.clientAddress,
            scheme: self.core.scheme, requestID: request.id
        )
        if let length {
            headers.add(name: "Content-Length", value: length)
            request.hasBody = length != "0"
        } else if head.headers.contains(name: "Transfer-Encoding") {
            headers.add(name: "Transfer-Encoding", value: "chunked")
            request.hasBody = true
        }
        let outbound = HTTPRequestHead(version: .http1_1, method: head.method, uri: request.target.forwardedTarget, headers: headers)
        request.forwarding = true
        request.deadline = self.now + self.requestTimeout
        if self.timeoutTimer == nil { self.setTimeoutTimer(at: request.deadline) }
        self.sendToExecutor(.head(outbound))
    }

    func sendToExecutor(_ part: HTTPClientRequestPart) {
        if let link = self.link, link.isActive {
            link.send(part, flush: false, promise: self.endWritten(part))
            self.executorNeedsFlush = true
            return
        }
        self.toExecutor.append(part)
        if !self.dialing { self.dial() }
    }

    private func dial() {
        guard let context = self.context else { return }
        self.closeLink()
        self.dialing = true
        let handler = ExecutorLinkHandler(delegate: self)
        handler.dial(socketPath: self.core.configuration.executorSocket, on: context.eventLoop).assumeIsolated().whenComplete { result in
            self.dialing = false
            let parts = self.toExecutor
            self.toExecutor = []
            switch result {
            case .success(let channel):
                guard self.context != nil else {
                    channel.close(promise: nil)
                    return
                }
                self.link = handler
                for part in parts { handler.send(part, flush: false, promise: self.endWritten(part)) }
                handler.flush()
            case .failure:
                self.executorGone()
            }
            self.resumeReading()
        }
    }

    /// For a request's end: a promise that notes when it has gone out to the executor.
    /// (A request without a body has nothing after its head: no promise needed.)
    private func endWritten(_ part: HTTPClientRequestPart) -> EventLoopPromise<Void>? {
        guard case .end = part, case .own(let request) = self.state, let loop = self.context?.eventLoop else { return nil }
        guard request.hasBody else {
            request.requestWritten = true
            return nil
        }
        let promise = loop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenSuccess { request.requestWritten = true }
        return promise
    }

    /// Closes the executor link without hearing from it again.
    func closeLink() {
        guard let link = self.link else { return }
        self.link = nil
        link.delegate = nil
        link.close()
    }

    // MARK: ExecutorLinkDelegate

    var browserIsWritable: Bool { self.context?.channel.isWritable ?? false }

    func executorSent(_ part: HTTPClientResponsePart) {
        guard let context = self.context, case .own(let request) = self.state, request.forwarding, !request.responseEnded else { return }
        switch part {
        case .head(let response):
            guard response.status.code >= 200 else { return }  // a 100 Continue is the executor's own
            request.responseStarted = true
            request.status = Int(response.status.code)
            request.executorCloses = !response.isKeepAlive
            // The answer is coming: a long stream is not cut (the timer only looks at
            // requests whose answer has not begun).
            context.write(self.wrapOutboundOut(.head(request.browserHead(for: response, cors: self.core.cors))), promise: nil)
        case .body(let chunk):
            context.write(self.wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
        case .end:
            // An answer that came before the whole request went out (the executor may not
            // have read all of the body) leaves the connection unfit for another request.
            if !request.requestWritten || request.executorCloses { self.closeLink() }
            self.endAnswer(request, close: request.closeWhenDone)
        }
    }

    func executorReadComplete() {
        self.context?.flush()
    }

    func executorClosed() {
        self.link = nil
        self.executorGone()
    }

    func executorWritable() {
        self.resumeReading()
    }

    /// The executor's connection failed or closed during `request`.
    private func executorGone() {
        guard case .own(let request) = self.state, request.forwarding, !request.responseEnded else { return }
        self.failForwarding(request, with: .executorUnavailable(), closeConnection: false)
    }

    /// One timer per connection instead of one scheduled and cancelled per request.
    private func setTimeoutTimer(at deadline: NIODeadline) {
        self.timeoutTimer = self.context?.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timeoutTimer = nil
            self.checkTimeout()
        }
    }

    /// The current request times out if its answer has not begun by its deadline;
    /// otherwise the timer waits for the deadline of the request now waiting, if any.
    private func checkTimeout() {
        guard case .own(let request) = self.state, request.forwarding, !request.responseStarted, !request.responseEnded else { return }
        if request.deadline <= self.now {
            self.failForwarding(request, with: .executorTimeout(), closeConnection: !request.requestEnded)
        } else {
            self.setTimeoutTimer(at: request.deadline)
        }
    }

    /// Stops forwarding `request` with an error: the executor's connection goes, as it
    /// holds part of a request, and an answer already begun is cut by closing (it must
    /// not look complete).
    func failForwarding(_ request: ProxiedRequest, with error: GatewayError, closeConnection: Bool) {
        self.closeLink()
        self.toExecutor = []
        if request.responseStarted {
            self.context?.close(promise: nil)
        } else {
            self.answer(request, with: error, closeConnection: closeConnection)
        }
    }
}
