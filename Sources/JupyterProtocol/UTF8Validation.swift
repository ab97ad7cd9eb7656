/// Well-formed UTF-8 as Unicode's table 3-7 defines it: no overlong forms, no
/// surrogates, nothing above U+10FFFF. The JSON scanner checks strings with it,
/// the executor its outgoing text frames.
public enum UTF8Validation {
    /// True when all of `bytes` is well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            index = skipASCII(bytes, from: index)
            guard index < count else { return true }
            guard let next = sequenceEnd(bytes, at: index) else { return false }
            index = next
        }
        return true
    }

    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { isValid($0) }
    }

    /// The index after the multi-byte sequence whose lead byte is at `index`, or nil
    /// when it is malformed or cut short.
    public static func sequenceEnd(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let trailing: Int
        let second: ClosedRange<UInt8>
        switch bytes[index] {
        case 0xC2...0xDF: (trailing, second) = (1, 0x80...0xBF)
        case 0xE0: (trailing, second) = (2, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (trailing, second) = (2, 0x80...0xBF)
        case 0xED: (trailing, second) = (2, 0x80...0x9F)
        case 0xF0: (trailing, second) = (3, 0x90...0xBF)
        case 0xF1...0xF3: (trailing, second) = (3, 0x80...0xBF)
        case 0xF4: (trailing, second) = (3, 0x80...0x8F)
        default: return nil
        }
        guard index + trailing < bytes.count, second.contains(bytes[index + 1]) else { return nil }
        var offset = 2
        while offset <= trailing {
            guard bytes[index + offset] & 0xC0 == 0x80 else { return nil }
            offset += 1
        }
        return index + trailing + 1
    }

    /// Eight bytes at a time while they are all ASCII.
    private static func skipASCII(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index + 8 <= bytes.count,
              bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            index += 8
        }
        while index < bytes.count, bytes[index] < 0x80 { index += 1 }
        return index
    }
}
