import Foundation

/// How a child process ended.
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        if status & 0x7F == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else {
            self = .signaled(status & 0x7F)
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "signal \(signal)"
        }
    }
}

extension ChildProcess {
    /// Waits for the child to end, on a thread of its own (waitpid blocks).
    public func exitStatus() async -> ExitStatus {
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            NamedThread.start("wait-\(pid)") {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 {
                    if errno != EINTR {
                        continuation.resume(returning: .exited(-1))
                        return
                    }
                }
                continuation.resume(returning: ExitStatus(waitStatus: status))
            }
        }
    }
}
