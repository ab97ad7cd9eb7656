#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the session thread stopped waiting before its socket was ready.
enum SSHInterruption: Error {
    case cancelled
    case timedOut
}

/// Waits for a socket on the session thread, waking at once when the run is cancelled
/// (the pipe's wake-up descriptor turns readable) or when a deadline passes.
struct SSHPoller {
    let pipe: SSHOutputPipe

    /// Returns when `socket` is ready for `events`; throws ``SSHInterruption``.
    func wait(socket: Int32, events: Int16, deadline: ContinuousClock.Instant?) throws(SSHInterruption) {
        var fds = [
            pollfd(fd: socket, events: events, revents: 0),
            pollfd(fd: pipe.wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            if pipe.isCancelled { throw .cancelled }
            let timeout = SSHPoller.milliseconds(until: deadline)
            if timeout == 0 { throw .timedOut }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready > 0 {
                if pipe.isCancelled { throw .cancelled }
                return
            }
            if ready < 0, errno != EINTR { return }  // let the next libssh2 call report it
        }
    }

    /// Milliseconds left until `deadline`, rounded up; -1 (forever) without one.
    static func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
        guard let deadline else { return -1 }
        let left = ContinuousClock.now.duration(to: deadline)
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(ms, 1))
    }
}
