import Crypto

/// Compares presented tokens with the configured one in constant time.
///
/// Both sides are hashed first, so neither the content nor the length of the secret
/// influences how long a comparison takes.
public struct TokenMatcher: Sendable {
    private let expectedDigest: [UInt8]

    public init(token: String) {
        self.expectedDigest = Self.digest(Array(token.utf8))
    }

    public func matches(_ candidate: String) -> Bool {
        self.matches(bytes: Array(candidate.utf8))
    }

    public func matches(bytes candidate: [UInt8]) -> Bool {
        Self.constantTimeEqual(Self.digest(candidate), self.expectedDigest)
    }

    /// `true` when `a == b`; the time taken depends only on the lengths.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }

    private static func digest(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }
}
