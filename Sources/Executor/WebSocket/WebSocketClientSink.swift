import JupyterProtocol
import Kernels
import Synchronization

/// A kernel's view of one WebSocket client: messages are encoded for the
/// client's protocol and queued (bounded) for the socket's writer task.
///
/// A sink made `holding` keeps live messages aside until `release()`: the
/// socket first sends the journal catch-up, then what arrived meanwhile.
final class WebSocketClientSink: KernelClientSink {
    enum Item: Sendable {
        case frame(WireProtocol.Frame)
        case close(String)
    }

    private struct State {
        var closed = false
        var held: [Item]?
    }

    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let wire: WireProtocol
    private let queueLimit: Int
    private let state: Mutex<State>

    init(wire: WireProtocol, queueLimit: Int = 50_000, holding: Bool = false) {
        self.wire = wire
        self.queueLimit = queueLimit
        self.state = Mutex(State(held: holding ? [] : nil))
        (items, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
    }

    func deliver(_ channel: Channel, _ message: JupyterMessage) -> Bool {
        deliver(wire.encode(channel, message))
    }

    func deliver(_ frame: WireProtocol.Frame) -> Bool {
        state.withLock { state in
            if state.held != nil {
                guard state.held!.count < queueLimit else { return false }
                state.held!.append(.frame(frame))
                return true
            }
            if case .dropped = continuation.yield(.frame(frame)) { return false }
            return true
        }
    }

    /// The catch-up is sent: queue what was held, then deliver directly.
    func release() {
        state.withLock { state in
            for item in state.held ?? [] { continuation.yield(item) }
            state.held = nil
        }
    }

    func disconnect(reason: String) {
        let first = state.withLock { state in
            defer { state.closed = true; state.held = nil }
            return !state.closed
        }
        guard first else { return }
        continuation.yield(.close(reason))
        continuation.finish()
    }

    /// The reader has ended: stop the writer.
    func finish() {
        state.withLock { $0.closed = true }
        continuation.finish()
    }
}
