/// The life of one kernel as a value: events in, actions out, no I/O.
///
/// starting → idle ⇄ busy; a process that dies → restarting → starting, or
/// → dead after too many automatic restarts in a short time; shutdown →
/// terminating → terminated.
public struct KernelLifecycle: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case starting, idle, busy, restarting, dead, terminating, terminated
    }

    public enum Action: Sendable, Equatable {
        case wait
        /// Tell every client this execution state.
        case announce(State)
        /// Tell clients `restarting`, then start a new process after `delay` seconds.
        case relaunch(delay: Double)
        /// Tell clients `dead`; no more restarts.
        case giveUp
        /// The process is unresponsive: kill it (its exit then drives a restart).
        case killProcess
    }

    public let restartLimit: Int
    public let restartWindow: Double
    public let heartbeatLimit: Int
    public private(set) var state: State = .starting
    private var autoRestarts: [Double] = []

    public init(restartLimit: Int = 5, restartWindow: Double = 60, heartbeatLimit: Int = 10) {
        self.restartLimit = restartLimit
        self.restartWindow = restartWindow
        self.heartbeatLimit = heartbeatLimit
    }

    public var isRunning: Bool { state == .idle || state == .busy }
    public var isOver: Bool { state == .dead || state == .terminating || state == .terminated }

    /// A (new) process was started.
    public mutating func launched() -> Action {
        guard !isOver else { return .wait }
        state = .starting
        return .announce(.starting)
    }

    /// The kernel answered kernel_info and its iopub is connected.
    public mutating func ready() -> Action {
        guard state == .starting else { return .wait }
        state = .idle
        return .announce(.idle)
    }

    /// The kernel published `execution_state` on iopub. Before `ready` this
    /// changes nothing: a kernel is handed out only once it has answered.
    public mutating func reported(_ executionState: String) -> Action {
        guard isRunning else { return .wait }
        switch executionState {
        case "busy": state = .busy
        case "idle": state = .idle
        default: break
        }
        return .wait
    }

    /// The kernel process ended at `now` (seconds, any monotonic clock).
    public mutating func processExited(now: Double) -> Action {
        switch state {
        case .terminating, .terminated:
            state = .terminated
            return .wait
        case .dead:
            return .wait
        case .restarting:
            // A requested restart: the old process is gone, start the new one.
            return .relaunch(delay: 0)
        case .starting, .idle, .busy:
            return autoRestart(now: now)
        }
    }

    /// Starting a process failed at `now`.
    public mutating func launchFailed(now: Double) -> Action {
        guard !isOver else { return .wait }
        return autoRestart(now: now)
    }

    /// The heartbeat missed `consecutive` beats in a row.
    public func heartbeatMissed(consecutive: Int) -> Action {
        (isRunning && consecutive >= heartbeatLimit) ? .killProcess : .wait
    }

    /// A client asked for a restart; the caller stops the old process.
    public mutating func restartRequested() -> Action {
        guard !isOver else { return .wait }
        state = .restarting
        autoRestarts.removeAll()
        return .announce(.restarting)
    }

    /// A client asked for shutdown.
    public mutating func shutdownRequested() -> Action {
        guard state != .terminated else { return .wait }
        state = .terminating
        return .wait
    }

    private mutating func autoRestart(now: Double) -> Action {
        autoRestarts = autoRestarts.filter { now - $0 < restartWindow }
        guard autoRestarts.count < restartLimit else {
            state = .dead
            return .giveUp
        }
        autoRestarts.append(now)
        state = .restarting
        let delay = min(8.0, 0.25 * Double(1 << (autoRestarts.count - 1)))
        return .relaunch(delay: autoRestarts.count == 1 ? 0 : delay)
    }
}
