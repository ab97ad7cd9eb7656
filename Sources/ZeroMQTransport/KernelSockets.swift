import CZeroMQ
import Foundation
import JupyterProtocol
import ProcessSupport

/// The five ZeroMQ sockets of one kernel, served by one dedicated thread.
///
/// Other threads hand frames to `send`, which queues them and wakes the
/// thread through an eventfd; the thread polls the kernel's sockets and that
/// eventfd, and reports what arrives on `events`. It reads iopub only while
/// `gate` is open (see `IopubGate`); the other channels are always read.
public final class KernelSockets: @unchecked Sendable {
    public let events: AsyncStream<KernelEvent>
    private let continuation: AsyncStream<KernelEvent>.Continuation
    private let outbox = OutboxQueue()
    private let wakeFD: Int32
    private let info: ConnectionInfo
    private let heartbeatInterval: Double
    private let gate: IopubGate

    public init(info: ConnectionInfo, gate: IopubGate = IopubGate(), heartbeatInterval: Double = 3.0) throws {
        let wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else { throw ZeroMQError("eventfd") }
        self.wakeFD = wakeFD
        self.info = info
        self.heartbeatInterval = heartbeatInterval
        self.gate = gate
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        let sockets = try ChannelSet(info: info)
        gate.setWake(owner: Int(wakeFD)) { [wakeFD] in
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
        NamedThread.start("zmq-kernel") { [self] in self.run(sockets) }
    }

    /// Queues frames for the kernel on `channel`; never blocks.
    public func send(_ channel: Channel, frames: [[UInt8]]) {
        guard outbox.push((channel, frames)) else { return }
        wake()
    }

    /// Stops the thread and closes the sockets; `events` then finishes.
    public func close() {
        outbox.close()
        wake()
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    private func run(_ sockets: ChannelSet) {
        var heartbeat = HeartbeatClock(interval: heartbeatInterval)
        var items = sockets.pollItems(wakeFD: wakeFD)
        while !outbox.isClosed {
            let readIopub = gate.mayRead()
            items[3].events = readIopub ? Int16(ZMQ_POLLIN) : 0
            var timeout = heartbeat.millisecondsUntilDue(now: Self.now())
            if !readIopub { timeout = min(timeout, IopubGate.recheckMilliseconds) }
            let ready = zmq_poll(&items, Int32(items.count), timeout)
            if ready < 0, zmq_errno() != EINTR { break }
            if items[5].revents & Int16(ZMQ_POLLIN) != 0 { drainWake() }
            flushOutbox(sockets)
            receiveAll(sockets, items)
            if items[6].revents & Int16(ZMQ_POLLIN) != 0 {
                while sockets.stdinMonitor.receive() != nil { continuation.yield(.stdinConnected) }
            }
            if items[4].revents & Int16(ZMQ_POLLIN) != 0, sockets.heartbeat.receive() != nil {
                if heartbeat.answered() { continuation.yield(.heartbeat(alive: true)) }
            }
            tickHeartbeat(&heartbeat, sockets, &items)
        }
        continuation.finish()
        gate.clearWake(owner: Int(wakeFD))
        Darwin_close(wakeFD)
    }

    private func receiveAll(_ sockets: ChannelSet, _ items: [zmq_pollitem_t]) {
        for (index, channel) in ChannelSet.readOrder where items[index].revents & Int16(ZMQ_POLLIN) != 0 {
            var count = 0
            while count < 256, channel != .iopub || gate.mayRead(), let frames = sockets.socket(for: channel).receive() {
                if channel == .iopub { gate.admitted(IopubGate.cost(of: frames)) }
                continuation.yield(.message(channel, frames))
                count += 1
            }
        }
    }

    private func flushOutbox(_ sockets: ChannelSet) {
        for (channel, frames) in outbox.drain() where !sockets.socket(for: channel).send(frames) {
            continuation.yield(.sendFailed(channel))
        }
    }

    private func tickHeartbeat(_ clock: inout HeartbeatClock, _ sockets: ChannelSet, _ items: inout [zmq_pollitem_t]) {
        switch clock.tick(now: Self.now()) {
        case .none: break
        case .ping: _ = sockets.heartbeat.send([Array("ping".utf8)])
        case .missed:
            continuation.yield(.heartbeat(alive: false))
            // A REQ socket waiting for a reply that never came cannot send again.
            if (try? sockets.resetHeartbeat()) != nil { items = sockets.pollItems(wakeFD: wakeFD) }
        }
    }

    private func drainWake() {
        var value: UInt64 = 0
        _ = read(wakeFD, &value, 8)
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

private func Darwin_close(_ fd: Int32) {
    _ = Glibc.close(fd)
}
