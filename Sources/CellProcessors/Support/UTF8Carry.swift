/// Turns a byte stream cut into arbitrary chunks into text without breaking
/// a multi-byte character at a chunk boundary: an incomplete sequence at the
/// end of one chunk waits for the next. Invalid bytes become U+FFFD.
struct UTF8Carry: Sendable {
    private var pending: [UInt8] = []

    mutating func text(from chunk: [UInt8]) -> String {
        var bytes = pending
        bytes.append(contentsOf: chunk)
        let cut = Self.completePrefixLength(bytes)
        pending = Array(bytes[cut...])
        return String(decoding: bytes[..<cut], as: UTF8.self)
    }

    /// What is left at the end of the stream.
    mutating func finish() -> String {
        defer { pending = [] }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Length of `bytes` without a trailing incomplete UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        var continuation = 0
        while index >= 0, continuation < 3, bytes[index] & 0xC0 == 0x80 {
            continuation += 1
            index -= 1
        }
        guard index >= 0 else { return bytes.count }
        let lead = bytes[index]
        let needed: Int
        switch lead {
        case 0xC0...0xDF: needed = 1
        case 0xE0...0xEF: needed = 2
        case 0xF0...0xF7: needed = 3
        default: return bytes.count
        }
        return continuation < needed ? index : bytes.count
    }
}
