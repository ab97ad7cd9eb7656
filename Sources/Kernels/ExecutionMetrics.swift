import Foundation
import JupyterProtocol
import Metrics

/// Counts and times cell executions of one kernel (swift-metrics; the
/// executor exports them in Prometheus text).
struct ExecutionMetrics: Sendable {
    private var started: [String: ContinuousClock.Instant] = [:]
    private var order: [String] = []
    /// Made once per kernel: building them per reply is a registry lookup under its lock.
    private var durations: Timer?
    private var outcomes: [String: Counter] = [:]

    /// A client sent `execute_request` `msgID`.
    mutating func began(_ msgID: String) {
        started[msgID] = .now
        order.append(msgID)
        if order.count > 4096 {
            for stale in order.prefix(2048) { started[stale] = nil }
            order.removeFirst(2048)
        }
    }

    /// The kernel sent a shell reply; counts it when it ends a timed execution.
    mutating func replied(_ message: JupyterMessage, status: String) {
        guard let parent = message.parentMsgID, let start = started.removeValue(forKey: parent) else { return }
        let elapsed = ContinuousClock.now - start
        let durations = self.durations ?? Timer(label: "spin_execute_duration_seconds", dimensions: [("cell_type", "python")])
        self.durations = durations
        durations.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        let outcome = outcomes[status] ?? Counter(label: "spin_executions_total", dimensions: [("cell_type", "python"), ("status", status)])
        if outcomes.count < 16 { outcomes[status] = outcome }
        outcome.increment()
    }

    /// A typed cell (SQL, shell, HTTP) ended.
    static func typedCellFinished(_ cellType: String, failed: Bool, elapsed: Duration) {
        let known = ["sql", "shell", "http"].contains(cellType) ? cellType : "other"
        Timer(label: "spin_execute_duration_seconds", dimensions: [("cell_type", known)])
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        Counter(label: "spin_executions_total", dimensions: [("cell_type", known), ("status", failed ? "error" : "ok")])
            .increment()
    }

    static func restarted(automatically: Bool) {
        Counter(label: "spin_kernel_restarts_total", dimensions: [("reason", automatically ? "died" : "requested")]).increment()
    }
}
