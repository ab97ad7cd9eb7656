/// Header names checked as ASCII bytes: the proxy looks at every header of every request
/// and answer, so it compares without building lowercase copies.
enum HeaderName {
    /// `name` equals `lowercase` (a lowercase ASCII name), ignoring ASCII case.
    static func equals(_ name: String, _ lowercase: String) -> Bool {
        let bytes = name.utf8
        let expected = lowercase.utf8
        guard bytes.count == expected.count else { return false }
        return bytes.elementsEqual(expected, by: Self.sameIgnoringCase)
    }

    /// `name` starts with `lowercase`, ignoring ASCII case.
    static func hasPrefix(_ name: String, _ lowercase: String) -> Bool {
        let bytes = name.utf8
        let expected = lowercase.utf8
        guard bytes.count >= expected.count else { return false }
        return bytes.prefix(expected.count).elementsEqual(expected, by: Self.sameIgnoringCase)
    }

    /// `name` is one of `lowercaseNames`, ignoring ASCII case.
    static func isAny(_ name: String, of lowercaseNames: [String]) -> Bool {
        lowercaseNames.contains { Self.equals(name, $0) }
    }

    /// An RFC 9110 token: what a header name may be.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { Self.tokenBytes[Int($0)] }
    }

    private static func sameIgnoringCase(_ byte: UInt8, _ lowercase: UInt8) -> Bool {
        byte == lowercase || (lowercase >= UInt8(ascii: "a") && lowercase <= UInt8(ascii: "z") && byte | 0x20 == lowercase)
    }

    private static let tokenBytes: [Bool] = (0..<256).map { byte in
        guard byte > 0x20, byte < 0x7f else { return false }
        return !"\"(),/:;<=>?@[\\]{}".utf8.contains(UInt8(byte))
    }
}
