import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hands output from the session thread to the async caller, with backpressure.
///
/// The session thread blocks in ``write(_:_:)`` while `limit` bytes are waiting, so it
/// stops reading the channel, the SSH window fills and the remote process blocks: memory
/// stays bounded however much the script prints. ``cancel()`` (from any thread) unblocks
/// the writer and makes ``wakeFD`` readable, so a thread in `poll` wakes at once.
///
/// `@unchecked Sendable`: every mutable field is guarded by `condition`; the file
/// descriptors are immutable and closed only in `deinit`.
final class SSHOutputPipe: @unchecked Sendable {
    enum Event: Sendable {
        case output(SSHOutputStream, [UInt8])
        case finished(Outcome)
    }

    enum Outcome: Sendable {
        case exited(SSHExit)
        case failed(SSHError)
        case cancelled
    }

    let limit: Int
    /// Readable once the pipe is cancelled; poll it beside the socket.
    let wakeFD: Int32
    private let wakeWriteFD: Int32
    private let condition = NSCondition()
    private var events: [Event] = []
    private var head = 0
    private var buffered = 0
    private var waiter: CheckedContinuation<Event, Never>?
    private var cancelled = false

    init(limit: Int) throws(SSHError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .internalError("create a wake-up pipe") }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        self.limit = limit
        wakeFD = fds[0]
        wakeWriteFD = fds[1]
    }

    deinit {
        close(wakeFD)
        close(wakeWriteFD)
    }

    var isCancelled: Bool {
        condition.withLock { cancelled }
    }

    /// Bytes written and not yet taken by the reader (for tests).
    var bufferedBytes: Int {
        condition.withLock { buffered }
    }

    /// Queues a chunk, blocking the calling thread while the buffer is full.
    /// Returns false (and drops the chunk) once cancelled.
    func write(_ stream: SSHOutputStream, _ bytes: [UInt8]) -> Bool {
        condition.lock()
        while buffered >= limit, !cancelled { condition.wait() }
        guard !cancelled else {
            condition.unlock()
            return false
        }
        buffered += bytes.count
        enqueue(.output(stream, bytes))
        return true
    }

    /// Queues the last event; the writer must not write after it.
    func finish(_ outcome: Outcome) {
        condition.lock()
        enqueue(.finished(outcome))
    }

    /// The next event; suspends (without blocking a thread) until there is one.
    func next() async -> Event {
        await withCheckedContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            if let event = dequeue() {
                continuation.resume(returning: event)
            } else {
                waiter = continuation
            }
        }
    }

    /// Stops the writer: drops queued output, unblocks ``write(_:_:)`` and wakes ``wakeFD``.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled else { return }
        cancelled = true
        events = events[head...].filter { if case .finished = $0 { true } else { false } }
        head = 0
        buffered = 0
        writeWakeByte(wakeWriteFD)
        condition.broadcast()
    }

    /// Appends under the lock, hands the event to a waiting reader, and unlocks.
    private func enqueue(_ event: Event) {
        if let waiter {
            self.waiter = nil
            if case .output(_, let bytes) = event { buffered -= bytes.count }
            condition.unlock()
            waiter.resume(returning: event)
            return
        }
        events.append(event)
        condition.unlock()
    }

    /// Takes the oldest event under the lock, waking a writer blocked on a full buffer.
    private func dequeue() -> Event? {
        guard head < events.count else { return nil }
        let event = events[head]
        head += 1
        if head > 64, head * 2 > events.count {
            events.removeSubrange(..<head)
            head = 0
        }
        if case .output(_, let bytes) = event {
            buffered -= bytes.count
            condition.broadcast()
        }
        return event
    }
}

/// One byte into the wake-up pipe (a free function: inside the class `write` is the method).
private func writeWakeByte(_ fd: Int32) {
    var byte: UInt8 = 1
    _ = write(fd, &byte, 1)
}
