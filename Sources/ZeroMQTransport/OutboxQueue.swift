import JupyterProtocol
import Synchronization

/// Frames waiting for the socket thread, handed over under a lock.
final class OutboxQueue: Sendable {
    private struct State {
        var items: [(Channel, [[UInt8]])] = []
        var closed = false
    }
    private let state = Mutex(State())

    /// Queues an item; false once closed.
    func push(_ item: (Channel, [[UInt8]])) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.items.append(item)
            return true
        }
    }

    func drain() -> [(Channel, [[UInt8]])] {
        state.withLock { state in
            defer { state.items.removeAll(keepingCapacity: true) }
            return state.items
        }
    }

    func close() {
        state.withLock { $0.closed = true }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
}
