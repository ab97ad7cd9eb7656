/// Replaces every occurrence of the secret (plain, percent-encoded and base64url) in text.
public struct Redactor: Sendable {
    public static let mask = "[REDACTED]"
    private let needles: [String]
    private let needleBytes: [[UInt8]]

    public init(secret: String) {
        guard !secret.isEmpty else {
            self.needles = []
            self.needleBytes = []
            return
        }
        let variants = [
            secret,
            secret.addingPercentEncodingForQuery(),
            Base64URL.encode(Array(secret.utf8)),
        ]
        self.needles = Array(Set(variants)).sorted { $0.count > $1.count }
        self.needleBytes = self.needles.map { Array($0.utf8) }
    }

    /// Every log line passes here (about ten fields a request), so the common
    /// case — no secret in the text — is one byte search per form, without
    /// Foundation's bridged `String.contains`/`range(of:)`.
    public func redact(_ text: String) -> String {
        guard self.needleBytes.contains(where: { Self.occurs($0, in: text) }) else { return text }
        var result = text
        for needle in self.needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Self.mask)
        }
        return result
    }

    static func occurs(_ needle: [UInt8], in text: String) -> Bool {
        var text = text
        return text.withUTF8 { haystack in
            guard let first = needle.first, needle.count <= haystack.count else { return false }
            var start = 0
            let last = haystack.count - needle.count
            while start <= last {
                if haystack[start] == first {
                    var matched = 1
                    while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}

extension String {
    func addingPercentEncodingForQuery() -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var out = ""
        for byte in self.utf8 {
            if unreserved.contains(byte) {
                out.append(Character(UnicodeScalar(byte)))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
