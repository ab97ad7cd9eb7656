/// Replaces every occurrence of the secret (plain, percent-encoded and base64url) in text.
public struct Redactor: Sendable {
    public static let mask = "[REDACTED]"
    private let needles: [String]

    public init(secret: String) {
        guard !secret.isEmpty else {
            self.needles = []
            return
        }
        let variants = [
            secret,
            secret.addingPercentEncodingForQuery(),
            Base64URL.encode(Array(secret.utf8)),
        ]
        self.needles = Array(Set(variants)).sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for needle in self.needles where result.contains(needle) {
            result = result.replacingOccurrences(of: needle, with: Self.mask)
        }
        return result
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
