import CSpawn
import Foundation

/// A pipe that tells a child its parent has gone, however the parent ended.
///
/// The parent keeps the write end and never writes; the child gets the read
/// end as descriptor ``childDescriptor``. When the parent exits, even by a
/// signal it cannot handle (SIGKILL, SIGSEGV), the kernel closes the write end
/// and the child's read returns end-of-file. `PR_SET_PDEATHSIG` would not do:
/// it fires when the *thread* that spawned the child ends, not the process.
public final class Lifeline: Sendable {
    /// The descriptor number the child receives the read end as.
    public static let childDescriptor: Int32 = 3

    /// The variable that tells the child which descriptor is its lifeline.
    public static let environmentVariable = "SPIN_LIFELINE_FD"

    /// The read end, for ``ChildProcess/spawn(executable:arguments:environment:inheritStandardOutput:outputs:lifeline:)``.
    public let readEnd: Int32
    private let writeEnd: Int32

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// A new pipe, both ends close-on-exec: only the child it is given to
    /// (as descriptor 3, which `dup2` leaves open across exec) inherits it.
    public init() throws(Failure) {
        var ends: [Int32] = [0, 0]
        guard spin_pipe_cloexec(&ends) == 0 else {
            throw Failure(description: "could not create the lifeline pipe: \(String(cString: strerror(errno)))")
        }
        self.readEnd = ends[0]
        self.writeEnd = ends[1]
    }

    /// Once the child has started, the parent no longer needs the read end
    /// (holding it would keep the pipe from ever reporting end-of-file).
    public func closeReadEnd() {
        close(self.readEnd)
    }

    /// Lets go of the child: call once the child has ended.
    public func release() {
        close(self.writeEnd)
    }

    /// In the child: calls `onParentGone` (once, on a thread of its own) when
    /// the parent holding `descriptor`'s write end has gone. Throws when
    /// `descriptor` is not an open descriptor.
    public static func watch(descriptor: Int32, onParentGone: @escaping @Sendable () -> Void) throws(Failure) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else {
            throw Failure(description: "\(Self.environmentVariable)=\(descriptor) is not an open descriptor: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        NamedThread.start("lifeline") {
            Self.waitForEnd(of: descriptor)
            onParentGone()
        }
    }

    /// Reads until end-of-file or an error other than an interruption; the
    /// parent never writes, and any byte that arrives is ignored.
    private static func waitForEnd(of descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count == 0 || (count < 0 && errno != EINTR) { return }
        }
    }
}
