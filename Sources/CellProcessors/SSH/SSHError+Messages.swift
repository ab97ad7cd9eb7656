/// The errors of an SSH run, with their messages in one place.
extension SSHError {
    static func connectFailed(_ where_: String, _ reason: String) -> SSHError {
        SSHError(
            code: Code.connectFailed,
            message: "Could not connect to \(where_): \(reason). Check the host and port of the connection and that sshd is running and reachable from the runtime."
        )
    }

    static func timeout(_ where_: String, _ seconds: Double, phase: String) -> SSHError {
        SSHError(
            code: Code.timeout,
            message: "Timed out after \(formatSeconds(seconds)) s while \(phase) \(where_). Check that the host is reachable from the runtime and that nothing drops the connection."
        )
    }

    static func handshakeFailed(_ where_: String, _ detail: String) -> SSHError {
        SSHError(
            code: Code.handshakeFailed,
            message: "The SSH handshake with \(where_) failed (\(detail)). The server may not be an SSH server, or it offers no algorithm libssh2 1.10 supports (a server with only an RSA host key needs HostKeyAlgorithms +ssh-rsa)."
        )
    }

    static func hostKeyMismatch(_ where_: String, expected: String, presented: String, algorithm: String) -> SSHError {
        SSHError(
            code: Code.hostKeyMismatch,
            message: "The host key of \(where_) does not match the pinned one: expected \(expected), the server presented \(presented) (\(algorithm)). Someone may be intercepting the connection. If the host key changed legitimately (e.g. the host was reinstalled), clear the pinned host key fingerprint of the connection and run again to trust the new key."
        )
    }

    static func badPrivateKey(_ reason: String) -> SSHError {
        SSHError(
            code: Code.badPrivateKey,
            message: "The private key of the connection could not be read: \(reason). Paste the whole private key file, from -----BEGIN to -----END, e.g. one made by ssh-keygen -t ed25519."
        )
    }

    static func badPassphrase(given: Bool) -> SSHError {
        SSHError(
            code: Code.badPassphrase,
            message: given
                ? "The private key of the connection could not be decrypted: the passphrase is wrong. Set the passphrase the key was created with."
                : "The private key of the connection is encrypted: set its passphrase in the connection."
        )
    }

    static func authFailed(_ target: SSHTarget) -> SSHError {
        SSHError(
            code: Code.authFailed,
            message: "\(SSHTarget.hostAndPort(target.host, target.port)) refused the private key for user '\(target.username)'. Add the matching public key to ~\(target.username)/.ssh/authorized_keys on that host, or check the username."
        )
    }

    static func rsaSHA1Refused(_ target: SSHTarget) -> SSHError {
        SSHError(
            code: Code.rsaSHA1Refused,
            message: "\(SSHTarget.hostAndPort(target.host, target.port)) refused the RSA key for user '\(target.username)': libssh2 signs RSA keys only with SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse by default. Use an ed25519 key (ssh-keygen -t ed25519), or knowingly allow SHA-1 RSA signatures on the server (PubkeyAcceptedAlgorithms +ssh-rsa in sshd_config). Also check that the public key is in ~\(target.username)/.ssh/authorized_keys."
        )
    }

    static func channelFailed(_ where_: String, _ detail: String) -> SSHError {
        SSHError(
            code: Code.channelFailed,
            message: "\(where_) refused to run the command (\(detail)). Check that the user may log in with a shell and that the server allows sessions."
        )
    }

    static func connectionLost(_ where_: String, _ detail: String) -> SSHError {
        SSHError(
            code: Code.connectionLost,
            message: "The connection to \(where_) broke while the script ran (\(detail)). The script may still be running on the host."
        )
    }

    static func internalError(_ what: String) -> SSHError {
        SSHError(code: Code.internalError, message: "The runtime could not \(what). Retry, and report it if it persists.")
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
