import NIOSSL

/// A certificate chain and private key read from PEM files, checked to belong together.
struct TLSMaterial: Sendable {
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    let stamp: FileStamp

    /// Reads both files through `source`; throws a `ConfigurationError` naming the file at fault.
    static func load(_ source: TLSSource) throws(ConfigurationError) -> TLSMaterial {
        let files = source.files
        let before = FileStamp(source)
        let certificateBytes = try Self.read(source.certificate, "SSL_CERT_FILE")
        let keyBytes = try Self.read(source.privateKey, "SSL_KEY_FILE")
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(certificateBytes)
        } catch {
            throw ConfigurationError(.unreadableTLSFile, "SSL_CERT_FILE=\(files.certificatePath) could not be read as a PEM certificate chain (\(error)).")
        }
        guard !chain.isEmpty else {
            throw ConfigurationError(.unreadableTLSFile, "SSL_CERT_FILE=\(files.certificatePath) holds no PEM certificate.")
        }
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw ConfigurationError(.unreadableTLSFile, "SSL_KEY_FILE=\(files.privateKeyPath) could not be read as an unencrypted PEM private key.")
        }
        let material = TLSMaterial(chain: chain, key: key, stamp: before.settled(after: FileStamp(source)))
        try material.validate(files)
        return material
    }

    /// The bytes of `file`, named by its `variable` when they cannot be read.
    private static func read(_ file: HeldFile, _ variable: String) throws(ConfigurationError) -> [UInt8] {
        do {
            return try file.read()
        } catch {
            throw ConfigurationError(.unreadableTLSFile, "\(variable)=\(file.path) could not be read (\(error.reason)).")
        }
    }

    /// Building a context fails when the key does not match the leaf certificate.
    func validate(_ files: GatewayConfiguration.TLSFiles) throws(ConfigurationError) {
        do {
            _ = try NIOSSLContext(configuration: TLSPolicy.serverConfiguration(material: self, callback: nil))
        } catch {
            throw ConfigurationError(.invalidTLSMaterial, "SSL_KEY_FILE=\(files.privateKeyPath) does not match the certificate in SSL_CERT_FILE=\(files.certificatePath) (\(error)).")
        }
    }
}

/// When the held TLS files were last changed or replaced (`HeldFile.stamp`), to notice
/// when they change on disk: through the held descriptors, so a rewrite is noticed even
/// where this user may not look the paths up.
struct FileStamp: Sendable, Equatable {
    let held: [Int]
    let named: [Int]

    init(_ source: TLSSource) {
        let certificate = source.certificate.stamp()
        let key = source.privateKey.stamp()
        self.held = certificate.held + key.held
        self.named = certificate.named + key.named
    }

    /// The stamp of what a load read, given the stamps taken before and after reading:
    /// the later one when the paths name the same files as before (the read may have
    /// swapped a held file for one renamed into place, which is what it read), else the
    /// earlier one, so that a change made during the read is loaded next time.
    func settled(after: FileStamp) -> FileStamp {
        after.named == self.named ? after : self
    }
}
