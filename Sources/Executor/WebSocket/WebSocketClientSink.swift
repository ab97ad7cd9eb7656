import JupyterProtocol
import Kernels
import Synchronization
import ZeroMQTransport

/// A kernel's view of one WebSocket client: messages are encoded for the
/// client's protocol and queued for the socket's writer task.
///
/// The queue is bounded in bytes. Past the kernel's per-client budget the
/// client counts as behind in the kernel's `IopubGate` (when every client is
/// behind, the kernel's iopub is no longer read); past `hardLimit` — a client
/// that stopped reading while others keep up — `deliver` fails and the
/// kernel disconnects it. Bytes count as queued until the writer has written
/// them (`written`).
///
/// A sink made `holding` keeps live messages aside until `release()`: the
/// socket first sends the journal catch-up, then what arrived meanwhile.
final class WebSocketClientSink: KernelClientSink {
    enum Item: Sendable {
        case frame(OutboundFrame)
        case close(String)
    }

    private struct State {
        var closed = false
        var held: [Item]?
    }

    static let defaultHardLimit = 64 << 20

    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let wire: WireProtocol
    private let hardLimit: Int
    private let backlog: ClientBacklog
    private let state: Mutex<State>

    init(wire: WireProtocol, backlog: ClientBacklog, hardLimit: Int = defaultHardLimit, holding: Bool = false) {
        self.wire = wire
        self.backlog = backlog
        self.hardLimit = hardLimit
        self.state = Mutex(State(held: holding ? [] : nil))
        (items, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// What a queued frame counts for in the backlog.
    static func cost(_ frame: OutboundFrame) -> Int {
        frame.byteCount + IopubGate.perMessageOverhead
    }

    func deliver(_ channel: Channel, _ message: JupyterMessage) -> Bool {
        deliver(OutboundFrame(wire, channel, message))
    }

    func deliver(_ frame: WireProtocol.Frame) -> Bool {
        deliver(OutboundFrame(frame))
    }

    func deliver(_ frame: OutboundFrame) -> Bool {
        let cost = Self.cost(frame)
        return state.withLock { state in
            guard !state.closed else { return true }
            guard backlog.add(cost) <= hardLimit else {
                backlog.remove(cost)
                return false
            }
            if state.held != nil {
                state.held!.append(.frame(frame))
            } else {
                continuation.yield(.frame(frame))
            }
            return true
        }
    }

    /// The writer has written `frame` (or given up on it).
    func written(_ frame: OutboundFrame) {
        backlog.remove(Self.cost(frame))
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
        backlog.close()
        continuation.yield(.close(reason))
        continuation.finish()
    }

    /// The reader has ended: stop the writer.
    func finish() {
        state.withLock { $0.closed = true; $0.held = nil }
        backlog.close()
        continuation.finish()
    }
}
