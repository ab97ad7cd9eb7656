import Foundation
import JupyterProtocol
import Synchronization

/// What `GET /api/kernels` and `GET /api/status` show of a kernel: its last activity,
/// execution state and client count, copied out of the actor whenever one changes.
///
/// Reading them needs no turn on the kernel's actor. A busy kernel's actor has its
/// messages queued, and a request that entered it from a connection's event loop
/// would run that queue there (`EventLoopTaskExecutor` in the executor); a poll also
/// no longer waits behind a kernel's output.
struct KernelSummary: Sendable {
    var lastActivity = Date()
    var executionState = KernelLifecycle().state.rawValue
    var connections = 0
}

extension Kernel {
    /// Copies the actor's current values into `summary` (the properties' `didSet`).
    func publishSummary() {
        let next = KernelSummary(lastActivity: lastActivity, executionState: lifecycle.state.rawValue, connections: hub.clientCount)
        summary.withLock { $0 = next }
    }

    public nonisolated func model() -> KernelModel {
        let now = summary.withLock { $0 }
        return KernelModel(
            id: id, name: spec.name, lastActivity: MessageFactory.timestamp(now.lastActivity),
            executionState: now.executionState, connections: now.connections
        )
    }
}
