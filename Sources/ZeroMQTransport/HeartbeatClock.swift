/// When to ping a kernel's heartbeat and when a ping counts as missed.
/// A value type driven by the socket thread's clock; no I/O.
public struct HeartbeatClock: Sendable {
    public enum Action: Sendable, Equatable { case none, ping, missed }

    public let interval: Double
    private var pingSentAt: Double?
    private var nextPingAt: Double = 0
    private var lastAnswerMissed = false

    public init(interval: Double) {
        self.interval = interval
    }

    /// What to do at `now`.
    public mutating func tick(now: Double) -> Action {
        if let sent = pingSentAt {
            guard now - sent >= interval else { return .none }
            pingSentAt = nil
            nextPingAt = now
            lastAnswerMissed = true
            return .missed
        }
        guard now >= nextPingAt else { return .none }
        pingSentAt = now
        return .ping
    }

    /// Records an answer; true when it follows a missed beat.
    public mutating func answered() -> Bool {
        guard let sent = pingSentAt else { return false }
        nextPingAt = sent + interval
        pingSentAt = nil
        defer { lastAnswerMissed = false }
        return lastAnswerMissed
    }

    /// Milliseconds until `tick` has something to do (for zmq_poll).
    public func millisecondsUntilDue(now: Double) -> Int {
        let due = (pingSentAt.map { $0 + interval } ?? nextPingAt) - now
        return max(0, Int((due * 1000).rounded(.up)))
    }
}
