import JupyterProtocol
import Kernels
import Synchronization

/// A kernel's view of one WebSocket client: messages are encoded for the
/// client's protocol and queued (bounded) for the socket's writer task.
final class WebSocketClientSink: KernelClientSink {
    enum Item: Sendable {
        case frame(WireProtocol.Frame)
        case close(String)
    }

    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let wire: WireProtocol
    private let closed = Mutex(false)

    init(wire: WireProtocol, queueLimit: Int = 50_000) {
        self.wire = wire
        (items, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
    }

    func deliver(_ channel: Channel, _ message: JupyterMessage) -> Bool {
        deliver(wire.encode(channel, message))
    }

    func deliver(_ frame: WireProtocol.Frame) -> Bool {
        if case .dropped = continuation.yield(.frame(frame)) { return false }
        return true
    }

    func disconnect(reason: String) {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        continuation.yield(.close(reason))
        continuation.finish()
    }

    /// The reader has ended: stop the writer.
    func finish() {
        closed.withLock { $0 = true }
        continuation.finish()
    }
}
