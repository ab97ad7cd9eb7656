import CSSH2
import Foundation

/// A server's host key fingerprint, in the form `ssh-keygen -lf` prints:
/// `SHA256:` followed by the unpadded base64 of the SHA-256 of the host key blob.
struct SSHHostKey: Sendable, Equatable {
    let fingerprint: String
    let algorithm: String

    init(sha256: [UInt8], algorithm: String) {
        fingerprint = "SHA256:" + SSHHostKey.unpadded(Data(sha256).base64EncodedString())
        self.algorithm = algorithm
    }

    /// The presented host key of a session after its handshake, or `nil` if libssh2 has none.
    init?(session: OpaquePointer) {
        guard let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256) else { return nil }
        let bytes = hash.withMemoryRebound(to: UInt8.self, capacity: 32) { Array(UnsafeBufferPointer(start: $0, count: 32)) }
        var length = 0
        var type: Int32 = 0
        _ = libssh2_session_hostkey(session, &length, &type)
        self.init(sha256: bytes, algorithm: SSHHostKey.algorithmName(type))
    }

    /// Whether a pinned fingerprint names this key. Accepts the `SHA256:` prefix in any
    /// case or not at all, surrounding blanks, and base64 `=` padding.
    func matches(_ pinned: String) -> Bool {
        var text = pinned.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.lowercased().hasPrefix("sha256:") { text.removeFirst(7) }
        return SSHHostKey.unpadded(text) == fingerprint.dropFirst(7)
    }

    private static func unpadded(_ base64: String) -> String {
        String(base64.reversed().drop(while: { $0 == "=" }).reversed())
    }

    private static func algorithmName(_ type: Int32) -> String {
        switch type {
        case LIBSSH2_HOSTKEY_TYPE_ED25519: "ssh-ed25519"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: "ecdsa-sha2-nistp256"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: "ecdsa-sha2-nistp384"
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: "ecdsa-sha2-nistp521"
        case LIBSSH2_HOSTKEY_TYPE_RSA: "ssh-rsa"
        case LIBSSH2_HOSTKEY_TYPE_DSS: "ssh-dss"
        default: "unknown"
        }
    }
}
