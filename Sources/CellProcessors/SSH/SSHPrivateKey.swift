import Foundation

/// What the runtime can tell about a private key from its text, before libssh2 reads it:
/// enough to fail early on text that is no private key, and to explain a refused RSA key.
///
/// Never stores or prints anything but the key's kind and format.
struct SSHPrivateKey: Sendable {
    enum Kind: Sendable, Equatable { case ed25519, ecdsa, rsa, dsa, unknown }
    enum Format: Sendable, Equatable { case openSSH, pem, pkcs8 }

    let kind: Kind
    let format: Format
    let isEncrypted: Bool
    /// The key text as libssh2 wants it: `\n` line ends and a final newline.
    let text: String

    /// Reads the key's armour; throws `bad_private_key` for text that cannot be a private key.
    init(_ raw: String) throws(SSHError) {
        let text = SSHPrivateKey.normalize(raw)
        guard let armour = SSHPrivateKey.armour(text) else {
            if raw.hasPrefix("ssh-") || raw.hasPrefix("ecdsa-") || raw.contains("PUBLIC KEY-----") {
                throw .badPrivateKey("this is a public key, not the private key")
            }
            throw .badPrivateKey("there is no -----BEGIN … PRIVATE KEY----- line")
        }
        let body = Data(base64Encoded: armour.body, options: .ignoreUnknownCharacters).map { [UInt8]($0) }
        guard let body, !body.isEmpty else {
            throw .badPrivateKey("the text between the BEGIN and END lines is not base64")
        }
        self.text = text
        switch armour.label {
        case "OPENSSH PRIVATE KEY":
            guard let parsed = OpenSSHKeyHeader(body) else {
                throw .badPrivateKey("it is not a valid OpenSSH private key")
            }
            (format, kind, isEncrypted) = (.openSSH, parsed.kind, parsed.isEncrypted)
        case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
            format = .pem
            kind = armour.label == "RSA PRIVATE KEY" ? .rsa : armour.label == "EC PRIVATE KEY" ? .ecdsa : .dsa
            isEncrypted = armour.headers.contains("ENCRYPTED")
        case "PRIVATE KEY":
            format = .pkcs8
            kind = SSHPrivateKey.pkcs8Kind(body)
            isEncrypted = false
            if kind == .ed25519 {
                throw .badPrivateKey("libssh2 1.10 cannot read ed25519 keys in PKCS#8 PEM; rewrite it in OpenSSH format with ssh-keygen -p -f KEYFILE")
            }
        case "ENCRYPTED PRIVATE KEY":
            (format, kind, isEncrypted) = (.pkcs8, .unknown, true)
        default:
            throw .badPrivateKey("a '\(armour.label.prefix(40))' block is not a private key")
        }
    }

    /// `\n` line ends, no surrounding blanks, a final newline; a key pasted into a
    /// single-line field (newlines turned into spaces) gets its lines back.
    static func normalize(_ raw: String) -> String {
        var text = raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.contains("\n"), let armour = armour(text) {
            let lines = armour.body.split(separator: " ").joined(separator: "\n")
            text = "-----BEGIN \(armour.label)-----\n\(lines)\n-----END \(armour.label)-----"
        }
        return text + "\n"
    }

    /// The label, the `Key: value` headers and the base64 body of the first PEM block.
    static func armour(_ text: String) -> (label: String, headers: String, body: String)? {
        guard let begin = text.range(of: "-----BEGIN "),
              let labelEnd = text.range(of: "-----", range: begin.upperBound..<text.endIndex)
        else { return nil }
        let label = String(text[begin.upperBound..<labelEnd.lowerBound])
        guard label.hasSuffix("PRIVATE KEY"),
              let end = text.range(of: "-----END \(label)-----", range: labelEnd.upperBound..<text.endIndex)
        else { return nil }
        let inner = text[labelEnd.upperBound..<end.lowerBound]
        var headers = ""
        var body = String(inner)
        if let blank = inner.range(of: "\n\n"), inner[inner.startIndex..<blank.lowerBound].contains(":") {
            headers = String(inner[inner.startIndex..<blank.lowerBound])
            body = String(inner[blank.upperBound...])
        }
        return (label, headers, body)
    }

    /// The algorithm of a PKCS#8 key, from its algorithm OID.
    static func pkcs8Kind(_ der: [UInt8]) -> Kind {
        let oids: [(Kind, [UInt8])] = [
            (.rsa, [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]),
            (.ecdsa, [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]),
            (.ed25519, [0x06, 0x03, 0x2B, 0x65, 0x70]),
            (.dsa, [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01]),
        ]
        let prefix = Array(der.prefix(40))
        for (kind, oid) in oids where prefix.indices.contains(where: { prefix[$0...].starts(with: oid) }) {
            return kind
        }
        return .unknown
    }
}

/// The unencrypted header of an `openssh-key-v1` blob: cipher and public key type.
struct OpenSSHKeyHeader {
    let kind: SSHPrivateKey.Kind
    let isEncrypted: Bool

    init?(_ blob: [UInt8]) {
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard blob.starts(with: magic) else { return nil }
        var reader = SSHWireReader(blob, offset: magic.count)
        guard let cipher = reader.string(), reader.string() != nil, reader.string() != nil,
              let count = reader.uint32(), count >= 1,
              let publicKey = reader.string()
        else { return nil }
        var keyReader = SSHWireReader(publicKey, offset: 0)
        guard let type = keyReader.string().map({ String(decoding: $0, as: UTF8.self) }) else { return nil }
        isEncrypted = String(decoding: cipher, as: UTF8.self) != "none"
        switch type {
        case "ssh-ed25519": kind = .ed25519
        case "ssh-rsa": kind = .rsa
        case "ssh-dss": kind = .dsa
        case _ where type.hasPrefix("ecdsa-sha2-"): kind = .ecdsa
        default: kind = .unknown
        }
    }
}

/// Reads SSH wire encoding (RFC 4251 §5): `uint32` and length-prefixed `string`.
struct SSHWireReader {
    private let bytes: [UInt8]
    private var offset: Int

    init(_ bytes: [UInt8], offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func uint32() -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        defer { offset += 4 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string() -> [UInt8]? {
        guard let length = uint32().map(Int.init), offset + length <= bytes.count else { return nil }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }
}
