/// Which remote stream a chunk of output came from.
public enum SSHOutputStream: Sendable, Hashable {
    case stdout
    case stderr
}

/// How a remote script ended, and which host key the server presented.
public struct SSHExit: Sendable, Hashable {
    /// The script's exit status; `nil` when it was killed by a signal (see `exitSignal`)
    /// or the server reported neither.
    public var exitStatus: Int32?
    /// The signal that killed the script, without `SIG` (e.g. `"KILL"`), or `nil`.
    public var exitSignal: String?
    /// The server's host key fingerprint, `SHA256:…` as `ssh-keygen -lf` prints it, so
    /// the caller can pin it (trust on first use).
    public var hostKey: String
    /// The host key algorithm the server proved, e.g. `"ssh-ed25519"`.
    public var hostKeyAlgorithm: String

    public init(exitStatus: Int32?, exitSignal: String?, hostKey: String, hostKeyAlgorithm: String) {
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.hostKey = hostKey
        self.hostKeyAlgorithm = hostKeyAlgorithm
    }
}
