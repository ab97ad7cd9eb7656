/// JSON string literals, written straight into a byte buffer.
enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text.utf8, to: &out)
        return out
    }

    /// Appends the UTF-8 bytes `utf8` as a JSON string literal: `"` and `\`
    /// escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`; other bytes
    /// as they are (the input is valid UTF-8).
    static func appendQuoted(_ utf8: some Collection<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        if !utf8.contains(where: needsEscape) {
            out.append(contentsOf: utf8)
            out.append(0x22)
            return
        }
        for byte in utf8 {
            switch byte {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20:
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30])
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// The length of the literal `appendQuoted` writes.
    static func quotedLength(_ utf8: some Collection<UInt8>) -> Int {
        guard utf8.contains(where: needsEscape) else { return utf8.count + 2 }
        var length = 2
        for byte in utf8 {
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09: length += 2
            case 0..<0x20: length += 6
            default: length += 1
            }
        }
        return length
    }

    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10
    }
}
