/// Header names checked as ASCII bytes: the proxy looks at every header of every request
/// and answer, so it compares in place, without building lowercase copies.
enum HeaderName {
    /// `name` equals `lowercase` (a lowercase ASCII name), ignoring ASCII case.
    static func equals(_ name: String, _ lowercase: String) -> Bool {
        name.utf8.count == lowercase.utf8.count && Self.startsWith(name, lowercase)
    }

    /// `name` starts with `lowercase`, ignoring ASCII case.
    static func hasPrefix(_ name: String, _ lowercase: String) -> Bool {
        name.utf8.count >= lowercase.utf8.count && Self.startsWith(name, lowercase)
    }

    /// `name` is one of `lowercaseNames`, ignoring ASCII case.
    static func isAny(_ name: String, of lowercaseNames: [String]) -> Bool {
        lowercaseNames.contains { Self.equals(name, $0) }
    }

    /// An RFC 9110 token: what a header name may be.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(Self.isTokenByte)
    }

    /// The first `lowercase.utf8.count` bytes of `name` (which has at least that many)
    /// are `lowercase`'s, ignoring case; over contiguous bytes when both strings are native.
    private static func startsWith(_ name: String, _ lowercase: String) -> Bool {
        let fast = name.utf8.withContiguousStorageIfAvailable { bytes in
            lowercase.utf8.withContiguousStorageIfAvailable { expected in
                for index in 0..<expected.count where !Self.sameIgnoringCase(bytes[index], expected[index]) { return false }
                return true
            }
        }
        if let fast, let result = fast { return result }
        return name.utf8.prefix(lowercase.utf8.count).elementsEqual(lowercase.utf8, by: Self.sameIgnoringCase)
    }

    private static func sameIgnoringCase(_ byte: UInt8, _ lowercase: UInt8) -> Bool {
        byte == lowercase || (lowercase >= UInt8(ascii: "a") && lowercase <= UInt8(ascii: "z") && byte | 0x20 == lowercase)
    }

    /// tchar: `!#$%&'*+-.^_`|~`, digits and letters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
