/// Where and as whom an SSH shell cell runs: the fields of an `ssh` connection (SPEC §6).
///
/// `privateKey` and `passphrase` are secrets: no type in this folder ever puts them in an
/// error, a log line or a `description` (this type's own `description` leaves them out).
public struct SSHTarget: Sendable, CustomStringConvertible {
    /// A host name or an IPv4/IPv6 address.
    public var host: String
    /// The TCP port of the SSH server (22 by default).
    public var port: Int
    /// The remote user the script runs as.
    public var username: String
    /// The private key, as text: OpenSSH (`BEGIN OPENSSH PRIVATE KEY`) or PEM
    /// (`BEGIN EC PRIVATE KEY`, `BEGIN RSA PRIVATE KEY`, PKCS#8 `BEGIN PRIVATE KEY`).
    /// Ed25519 and ECDSA keys work; RSA keys are refused by OpenSSH ≥ 8.8 (see
    /// ``SSHError/Code/rsaSHA1Refused``).
    public var privateKey: String
    /// The passphrase of an encrypted private key; `nil` for an unencrypted key.
    public var passphrase: String?
    /// The pinned host key, `SHA256:…` exactly as `ssh-keygen -lf` prints it. `nil` trusts
    /// the server on first use: ``SSHExit/hostKey`` then tells the caller what to pin.
    public var expectedHostKey: String?

    public init(
        host: String,
        port: Int = 22,
        username: String,
        privateKey: String,
        passphrase: String? = nil,
        expectedHostKey: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.privateKey = privateKey
        self.passphrase = passphrase
        self.expectedHostKey = expectedHostKey
    }

    /// `user@host:port`, never the key or the passphrase.
    public var description: String {
        "\(username)@\(SSHTarget.hostAndPort(host, port))"
    }

    static func hostAndPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
