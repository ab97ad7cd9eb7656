import NIOCore

/// The connection's idle timeout and graceful shutdown. The proxy handler keeps both
/// because it is the one handler that sees every request and answer: Hummingbird's
/// `HTTPConnectionStateHandler` behind it only sees the requests passed on.
extension HTTPProxyHandler {
    /// A graceful shutdown that arrives while this handler answers a request waits for
    /// that answer (the connection closes after it); otherwise it goes on to
    /// `HTTPConnectionStateHandler`, which closes at once or after the responder's answer.
    func holdsQuiesce() -> Bool {
        guard case .own = self.state else { return false }
        self.quiescing = true
        return true
    }

    func startIdleTimer() {
        guard self.idleTimer == nil else { return }
        self.lastActive = self.now
        self.scheduleIdleCheck(at: self.lastActive + self.idleTimeout)
    }

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        self.idleTimer = self.context?.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.idleTimer = nil
            self.checkIdle()
        }
    }

    /// The connection closes when it has read nothing and finished no answer for the idle
    /// timeout, unless an answer is being made (a request wholly read and not yet answered:
    /// the executor's own timeout bounds that). A request that stops arriving half way
    /// is idle.
    private func checkIdle() {
        let now = self.now
        if !self.requestBeingRead, !self.isDone || self.isPassing {
            self.scheduleIdleCheck(at: now + self.idleTimeout)
        } else if self.lastActive + self.idleTimeout <= now {
            self.context?.close(promise: nil)
        } else {
            self.scheduleIdleCheck(at: self.lastActive + self.idleTimeout)
        }
    }

    /// The event loop's clock (an embedded loop's in tests).
    var now: NIODeadline { self.context?.eventLoop.now ?? .now() }

    private var isPassing: Bool {
        if case .passing = self.state { return true }
        return false
    }
}
