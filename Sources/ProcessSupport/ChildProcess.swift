import CSpawn
import Foundation

/// A child process started with `posix_spawn`, in a session of its own so
/// that signals can reach its whole process group.
public struct ChildProcess: Sendable, Hashable {
    public let pid: pid_t

    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        public let executable: String
        public let errno: Int32
        public var description: String {
            "could not start \(executable): \(String(cString: strerror(errno)))"
        }
    }

    /// Starts `executable` (a path) with `arguments` and exactly `environment`,
    /// with no descriptor of ours beyond 0–2 (and the lifeline's). Standard input is /dev/null;
    /// standard output goes to standard error unless `inheritStandardOutput`
    /// (a kernel's prints must not mix with the log lines on stdout, but the
    /// executor's log lines belong there). `outputs` gives the child's
    /// standard output and error as descriptors of ours (pipes), instead.
    /// `lifeline`'s read end becomes the child's descriptor 3.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String],
        inheritStandardOutput: Bool = false, outputs: (stdout: Int32, stderr: Int32)? = nil,
        lifeline: Lifeline? = nil
    ) throws(SpawnError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let outputs {
            posix_spawn_file_actions_adddup2(&actions, outputs.stdout, 1)
            posix_spawn_file_actions_adddup2(&actions, outputs.stderr, 2)
        } else if !inheritStandardOutput {
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        }
        var firstClosed: Int32 = 3
        if let lifeline {
            posix_spawn_file_actions_adddup2(&actions, lifeline.readEnd, Lifeline.childDescriptor)
            firstClosed = Lifeline.childDescriptor + 1
        }
        spin_spawn_addclosefrom(&actions, firstClosed)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(Self.setsidFlag | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                posix_spawn(&pid, executable, &actions, &attributes, argvPointers, envPointers)
            }
        }
        guard result == 0 else { throw SpawnError(executable: executable, errno: result) }
        return ChildProcess(pid: pid)
    }

    /// glibc's POSIX_SPAWN_SETSID (not exported to Swift).
    private static let setsidFlag: Int32 = 0x80

    /// Sends `signal` to the child's whole process group (the child leads
    /// it, having been started in a session of its own). Safe after the child
    /// was reaped: only the group's remaining members are reached.
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        kill(-pid, signal) == 0
    }

    /// Sends `signal` to the child alone.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        kill(pid, signal) == 0
    }
}

private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
