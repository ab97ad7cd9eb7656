/// Compares presented tokens with the configured one in constant time.
///
/// Every byte of the candidate is compared, against the secret's bytes in turn (wrapping
/// round), and the lengths are compared as part of the same difference: how long a
/// comparison takes depends on the candidate's length only, never on how much of it is
/// right or on the secret's length. (No hashing: this runs on every API request.)
public struct TokenMatcher: Sendable {
    private let expected: [UInt8]

    public init(token: String) {
        self.expected = Array(token.utf8)
    }

    public func matches(_ candidate: String) -> Bool {
        self.matches(bytes: Array(candidate.utf8))
    }

    public func matches(bytes candidate: [UInt8]) -> Bool {
        guard !self.expected.isEmpty else { return false }
        var difference = UInt(bitPattern: candidate.count ^ self.expected.count)
        var position = 0
        for byte in candidate {
            difference |= UInt(byte ^ self.expected[position])
            position += 1
            if position == self.expected.count { position = 0 }
        }
        return difference == 0
    }
}
