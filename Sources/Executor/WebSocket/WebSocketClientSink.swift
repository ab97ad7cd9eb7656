import JupyterProtocol
import Kernels
import NIOCore
import NIOWebSocket
import Synchronization
import ZeroMQTransport

/// A kernel's view of one WebSocket client: messages are encoded for the
/// client's protocol and written to the connection's channel from the
/// kernel's own task. NIO carries each write to the channel's event loop in
/// order; no writer task sits between the kernel and the socket (one thread
/// wake-up less per message).
///
/// Bytes count as queued until NIO has written them to the socket. Past the
/// kernel's per-client budget the client counts as behind in the kernel's
/// `IopubGate` (when every client is behind, the kernel's iopub is no longer
/// read); past `hardLimit` — a client that stopped reading while others keep
/// up — `deliver` fails and the kernel disconnects it.
///
/// A sink made `holding` keeps live messages aside until `release()`: the
/// socket first sends the journal catch-up, then what arrived meanwhile.
final class WebSocketClientSink: KernelClientSink {
    private struct State {
        var closed = false
        var held: [OutboundFrame]?
    }

    static let defaultHardLimit = 64 << 20

    /// The close the kernel asked for (at most one), for the task that owns
    /// the WebSocket's close handshake.
    let closeRequests: AsyncStream<String>
    private let closeContinuation: AsyncStream<String>.Continuation
    private let channel: any NIOCore.Channel
    private let wire: WireProtocol
    private let hardLimit: Int
    private let backlog: ClientBacklog
    private let state: Mutex<State>

    init(channel: any NIOCore.Channel, wire: WireProtocol, backlog: ClientBacklog, hardLimit: Int = defaultHardLimit, holding: Bool = false) {
        self.channel = channel
        self.wire = wire
        self.backlog = backlog
        self.hardLimit = hardLimit
        self.state = Mutex(State(held: holding ? [] : nil))
        (closeRequests, closeContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(1))
    }

    /// What a queued frame counts for in the backlog.
    static func cost(_ frame: OutboundFrame) -> Int {
        frame.byteCount + IopubGate.perMessageOverhead
    }

    func deliver(_ channel: JupyterProtocol.Channel, _ message: JupyterMessage) -> Bool {
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
                state.held!.append(frame)
            } else {
                // Under the lock, so that writes reach the event loop in delivery order.
                write(frame)
            }
            return true
        }
    }

    /// Writes `frames` outside the backlog (a page of the journal catch-up) and
    /// returns once NIO has written them. Cancelling the wait closes the
    /// connection: a client that stopped reading must not hold a shutdown up.
    func writeAndWait(_ frames: [OutboundFrame]) async throws {
        guard let last = frames.last else { return }
        for frame in frames.dropLast() { channel.write(Self.webSocketFrame(frame), promise: nil) }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(Self.webSocketFrame(last), promise: written)
        let channel = self.channel
        try await withTaskCancellationHandler {
            try await written.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// The catch-up is sent: write what was held, then deliver directly.
    func release() {
        state.withLock { state in
            for frame in state.held ?? [] { write(frame) }
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
        closeContinuation.yield(reason)
        closeContinuation.finish()
    }

    /// The reader has ended: nothing more is written.
    func finish() {
        state.withLock { $0.closed = true; $0.held = nil }
        backlog.close()
        closeContinuation.finish()
    }

    /// Off the event loop, NIO queues each write to the loop in call order. A write
    /// made on the loop itself would run at once, ahead of writes other threads have
    /// queued: it is queued behind them instead. (Requests answered on a connection's
    /// loop do not enter a kernel's actor, `OffLoopMiddleware`; were one to, the actor
    /// would run the kernel's queued messages there, and they would still go out in
    /// order.)
    private func write(_ frame: OutboundFrame) {
        let (channel, backlog) = (self.channel, self.backlog)
        let (message, cost) = (Self.webSocketFrame(frame), Self.cost(frame))
        guard channel.eventLoop.inEventLoop else {
            Self.send(message, on: channel, counted: cost, in: backlog)
            return
        }
        channel.eventLoop.execute { Self.send(message, on: channel, counted: cost, in: backlog) }
    }

    /// Writes one frame; its bytes leave the backlog once NIO has written them.
    private static func send(_ message: WebSocketFrame, on channel: any NIOCore.Channel, counted cost: Int, in backlog: ClientBacklog) {
        channel.writeAndFlush(message).whenComplete { _ in backlog.remove(cost) }
    }

    /// A text frame is written from its bytes with the text opcode: no
    /// `String` (which would validate and copy the whole message).
    private static func webSocketFrame(_ frame: OutboundFrame) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: frame.isText ? .text : .binary, data: frame.buffer)
    }
}
