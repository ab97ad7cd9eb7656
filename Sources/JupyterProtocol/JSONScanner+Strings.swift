/// Strings: validation while scanning, and decoding of the few that are read.
extension JSONScanner {
    /// Skips the string whose opening quote is at `index`; returns whether it
    /// has escapes. Rejects raw control characters, unknown escapes, lone
    /// surrogates and malformed UTF-8.
    mutating func scanString() throws(ProtocolError) -> Bool {
        index += 1
        var escaped = false
        while index < bytes.count {
            switch bytes[index] {
            case 0x22:
                index += 1
                return escaped
            case 0x5C:
                escaped = true
                try skipEscape()
            case 0..<0x20: throw Self.failure("control character in a string", at: index)
            case 0..<0x80: index += 1
            default: try skipUTF8Sequence()
            }
        }
        throw Self.failure("unterminated string", at: index)
    }

    /// Skips the escape whose backslash is at `index`.
    private mutating func skipEscape() throws(ProtocolError) {
        guard index + 1 < bytes.count else { throw Self.failure("unterminated string", at: index) }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            try skipUnicodeEscape()
        default:
            throw Self.failure("invalid escape", at: index)
        }
    }

    /// `\uXXXX`, or a surrogate pair `\uD8xx\uDCxx`.
    private mutating func skipUnicodeEscape() throws(ProtocolError) {
        guard let unit = Self.hex4(bytes, at: index + 2) else { throw Self.failure("invalid \\u escape", at: index) }
        index += 6
        switch unit {
        case 0xD800...0xDBFF:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                  let low = Self.hex4(bytes, at: index + 2), (0xDC00...0xDFFF).contains(low)
            else { throw Self.failure("unpaired surrogate", at: index) }
            index += 6
        case 0xDC00...0xDFFF:
            throw Self.failure("unpaired surrogate", at: index - 6)
        default:
            return
        }
    }

    /// Skips one multi-byte UTF-8 sequence (`UTF8Validation`).
    private mutating func skipUTF8Sequence() throws(ProtocolError) {
        guard let next = UTF8Validation.sequenceEnd(UnsafeRawBufferPointer(bytes), at: index) else {
            throw Self.failure("invalid UTF-8", at: index)
        }
        index = next
    }

    /// The value of four hex digits at `start`, if there are four.
    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[start..<(start + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The text of a string that `scanString` accepted; `content` excludes
    /// the quotes.
    static func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, _ content: Range<Int>, escaped: Bool) -> String {
        guard escaped else { return String(decoding: bytes[content], as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(content.count)
        var index = content.lowerBound
        while index < content.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            index = unescape(bytes, at: index, into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the escape at `index` (a validated one) as UTF-8; returns the
    /// index after it.
    private static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into out: inout [UInt8]) -> Int {
        switch bytes[index + 1] {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"): return unescapeUnicode(bytes, at: index, into: &out)
        case let other: out.append(other)
        }
        return index + 2
    }

    private static func unescapeUnicode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into out: inout [UInt8]) -> Int {
        var value = hex4(bytes, at: index + 2) ?? 0xFFFD
        var next = index + 6
        if (0xD800...0xDBFF).contains(value), let low = hex4(bytes, at: next + 2) {
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            next += 6
        }
        UTF8.encode(Unicode.Scalar(value) ?? "\u{FFFD}") { out.append($0) }
        return next
    }
}
