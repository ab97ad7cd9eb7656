/// Why an SSH shell cell could not run: a stable snake_case `code` for programs and a
/// `message` a person can act on.
///
/// Messages name the user, host and port but never contain the private key or the
/// passphrase (nor any text derived from them).
public struct SSHError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One of the ``Code`` constants.
    public let code: String
    /// A sentence that says what went wrong and what to do about it.
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// The values of ``SSHError/code``.
    public enum Code {
        /// The host name did not resolve, or the TCP connection was refused or failed.
        public static let connectFailed = "connect_failed"
        /// Connecting, the SSH handshake or authentication took longer than `connectTimeout`.
        public static let timeout = "timeout"
        /// The SSH handshake failed (no common algorithm, not an SSH server, …).
        public static let handshakeFailed = "handshake_failed"
        /// The server's host key is not the pinned one.
        public static let hostKeyMismatch = "host_key_mismatch"
        /// The private key text could not be read as an OpenSSH or PEM private key.
        public static let badPrivateKey = "bad_private_key"
        /// The private key is encrypted and the passphrase is missing or wrong.
        public static let badPassphrase = "bad_passphrase"
        /// The server refused the key for this user.
        public static let authFailed = "auth_failed"
        /// An RSA key was refused: libssh2 1.10 signs only with SHA-1 `ssh-rsa`, which
        /// OpenSSH ≥ 8.8 refuses by default.
        public static let rsaSHA1Refused = "rsa_sha1_refused"
        /// The server refused to open a session or to run the command.
        public static let channelFailed = "channel_failed"
        /// The connection broke while the script ran.
        public static let connectionLost = "connection_lost"
        /// A local resource (socket, pipe, thread) could not be created.
        public static let internalError = "internal_error"
    }
}
