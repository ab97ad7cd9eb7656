import Crypto

/// One file of the console page, embedded at build time (`scripts/embed-console.py`).
struct ConsoleAsset: Sendable {
    let contentType: String
    /// Hex SHA-256 of the file as it was embedded; tests check `bytes` against it.
    let sha256: String
    let bytes: [UInt8]

    init(contentType: String, sha256: String, text: String) {
        self.contentType = contentType
        self.sha256 = sha256
        self.bytes = Array(text.utf8)
    }

    /// Hex SHA-256 of `bytes`; equal to `sha256` when the literal reproduced the file exactly.
    var bytesSHA256: String {
        SHA256.hash(data: self.bytes).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// A strong validator from the content hash.
    var etag: String { "\"\(self.sha256.prefix(32))\"" }
}
