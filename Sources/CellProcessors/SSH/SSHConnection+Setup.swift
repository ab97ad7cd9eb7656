import CSSH2
import Foundation

/// The steps before a command can run: handshake, host key check, authentication.
extension SSHConnection {
    /// Runs the SSH handshake. Throws `handshake_failed` or ``SSHInterruption``.
    func handshake(until deadline: ContinuousClock.Instant) throws -> SSHHostKey {
        let result = try retry(until: deadline) { libssh2_session_handshake(session, socket) }
        guard result == 0 else { throw SSHError.handshakeFailed(address, lastError()) }
        guard let hostKey = SSHHostKey(session: session) else {
            throw SSHError.handshakeFailed(address, "the server presented no host key")
        }
        return hostKey
    }

    /// Throws `host_key_mismatch` if a key is pinned and the server presented another.
    func verify(_ hostKey: SSHHostKey, expected: String?) throws(SSHError) {
        guard let expected, !expected.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        guard hostKey.matches(expected) else {
            throw .hostKeyMismatch(address, expected: expected, presented: hostKey.fingerprint, algorithm: hostKey.algorithm)
        }
    }

    /// Public key authentication from the key text in memory.
    ///
    /// The passphrase is always passed as a C string (empty when there is none): with a
    /// NULL passphrase OpenSSL would fall back to prompting on the terminal.
    func authenticate(_ target: SSHTarget, key: SSHPrivateKey, until deadline: ContinuousClock.Instant) throws {
        let username = Array(target.username.utf8)
        let keyText = Array(key.text.utf8)
        let passphrase = target.passphrase ?? ""
        let result = try retry(until: deadline) {
            username.withUnsafeBufferPointer { user in
                keyText.withUnsafeBufferPointer { text in
                    user.withMemoryRebound(to: CChar.self) { user in
                        text.withMemoryRebound(to: CChar.self) { text in
                            libssh2_userauth_publickey_frommemory(
                                session, user.baseAddress, user.count, nil, 0,
                                text.baseAddress, text.count, passphrase
                            )
                        }
                    }
                }
            }
        }
        guard result != 0 else { return }
        throw authenticationError(result, target: target, key: key)
    }

    /// Maps libssh2's result to an error. Only fixed texts: the key is never described.
    ///
    /// libssh2 1.10 reports an unreadable key or a wrong passphrase with several codes
    /// (FILE, PROTO, OUT_OF_BOUNDARY, PUBLICKEY_UNVERIFIED, …); the server's refusal is
    /// AUTHENTICATION_FAILED. So: refusal and socket errors are named, the rest is the key.
    func authenticationError(_ result: Int32, target: SSHTarget, key: SSHPrivateKey) -> SSHError {
        switch result {
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED:
            return key.kind == .rsa ? .rsaSHA1Refused(target) : .authFailed(target)
        case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED where key.kind == .rsa:
            return .rsaSHA1Refused(target)
        case LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
             LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_BAD_SOCKET:
            return .connectionLost(address, "during authentication: \(lastError())")
        default:
            if key.isEncrypted { return .badPassphrase(given: !(target.passphrase ?? "").isEmpty) }
            if target.passphrase?.isEmpty == false, key.format != .openSSH {
                return .badPrivateKey("libssh2 could not read it; check the key and its passphrase")
            }
            return .badPrivateKey("libssh2 could not read it as an ed25519, ECDSA or RSA key")
        }
    }
}
