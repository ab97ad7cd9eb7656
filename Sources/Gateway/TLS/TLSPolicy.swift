import NIOSSL

/// TLS 1.2+ only, ECDHE with AEAD ciphers only (TLS 1.3 suites are fixed by BoringSSL).
enum TLSPolicy {
    static let cipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    static func serverConfiguration(material: TLSMaterial, callback: NIOSSLContextCallback?) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: material.chain.map { .certificate($0) },
            privateKey: .privateKey(material.key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = Self.cipherSuites
        configuration.applicationProtocols = ["http/1.1"]
        configuration.sslContextCallback = callback
        return configuration
    }
}
