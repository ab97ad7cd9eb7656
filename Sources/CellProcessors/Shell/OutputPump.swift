import Foundation
import ProcessSupport

/// A piece of a child's output.
struct OutputChunk: Sendable {
    enum Stream: String, Sendable {
        case stdout, stderr
    }

    let stream: Stream
    let bytes: [UInt8]
}

/// Reads a child's standard output and error as they are produced, on a
/// thread of its own, and hands them on at most `window` chunks ahead of the
/// consumer: a cell printing 200 MB is read no faster than clients take it.
final class OutputPump: @unchecked Sendable {
    let chunks: AsyncStream<OutputChunk>
    private let continuation: AsyncStream<OutputChunk>.Continuation
    private let credits: DispatchSemaphore
    /// A pipe whose read end wakes the thread's poll when `stop` writes.
    private let wake: [Int32]
    private let descriptors: [(Int32, OutputChunk.Stream)]
    private let chunkBytes: Int
    private let lock = NSLock()
    private var stopped = false

    init(stdout: Int32, stderr: Int32, chunkBytes: Int, window: Int = 8) {
        (chunks, continuation) = AsyncStream.makeStream(of: OutputChunk.self)
        credits = DispatchSemaphore(value: window)
        var ends: [Int32] = [-1, -1]
        _ = pipe(&ends)
        wake = ends
        descriptors = [(stdout, .stdout), (stderr, .stderr)]
        self.chunkBytes = chunkBytes
    }

    func start() {
        NamedThread.start("shell-output") { [self] in pump() }
    }

    /// The consumer finished with one chunk.
    func consumed() {
        credits.signal()
    }

    /// Stops reading (the script ended but a background process of it still
    /// holds the pipes open); what was read is still delivered.
    func stop() {
        lock.withLock { stopped = true }
        var one: UInt8 = 1
        _ = write(wake[1], &one, 1)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func pump() {
        var open = descriptors
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        loop: while !open.isEmpty, !isStopped {
            var polls = open.map { pollfd(fd: $0.0, events: Int16(POLLIN), revents: 0) }
            polls.append(pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0))
            guard poll(&polls, nfds_t(polls.count), -1) >= 0 || errno == EINTR else { break }
            if polls.last!.revents != 0 { break }
            for (index, entry) in polls.dropLast().enumerated().reversed() where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, chunkBytes) }
                if count > 0 {
                    guard waitForCredit() else { break loop }
                    continuation.yield(OutputChunk(stream: open[index].1, bytes: Array(buffer[..<count])))
                } else if count == 0 || errno != EINTR {
                    open.remove(at: index)
                }
            }
        }
        for (fd, _) in descriptors { close(fd) }
        continuation.finish()
    }

    deinit {
        for fd in wake { close(fd) }
    }

    private func waitForCredit() -> Bool {
        while credits.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
            if isStopped { return false }
        }
        return true
    }
}
