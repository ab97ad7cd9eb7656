/// What kind of value a JSON member holds.
public enum JSONKind: Sendable, Hashable {
    case object, array, string, number, bool, null
}

/// A strict, allocation-free walk over JSON text (RFC 8259): it validates
/// every byte (string escapes and surrogate pairs, UTF-8, number grammar,
/// literals, nesting up to `maxDepth`) and reports where values are, without
/// building a tree. The hot path reads message headers with it.
struct JSONScanner {
    /// Deeper nesting is rejected, as a guard against depth bombs.
    static let maxDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    static func failure(_ what: String, at index: Int) -> ProtocolError {
        ProtocolError(.invalidJSON, "not valid JSON: \(what) at byte \(index)")
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next byte after white space; throws at the end of the input.
    mutating func peekSignificant() throws(ProtocolError) -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw Self.failure("unexpected end", at: index) }
        return bytes[index]
    }

    mutating func expect(_ byte: UInt8) throws(ProtocolError) {
        guard try peekSignificant() == byte else {
            throw Self.failure("expected '\(Character(Unicode.Scalar(byte)))'", at: index)
        }
        index += 1
    }

    /// Skips one value (white space before it included) at nesting `depth`
    /// (the top-level value is at depth 1); returns its kind and byte range.
    mutating func scanValue(depth: Int) throws(ProtocolError) -> (JSONKind, Range<Int>) {
        guard depth <= Self.maxDepth else { throw Self.failure("nesting deeper than \(Self.maxDepth)", at: index) }
        let first = try peekSignificant()
        let start = index
        let kind: JSONKind
        switch first {
        case UInt8(ascii: "{"): try skipObject(depth: depth); kind = .object
        case UInt8(ascii: "["): try skipArray(depth: depth); kind = .array
        case UInt8(ascii: "\""): _ = try scanString(); kind = .string
        case UInt8(ascii: "t"): try skipLiteral("true"); kind = .bool
        case UInt8(ascii: "f"): try skipLiteral("false"); kind = .bool
        case UInt8(ascii: "n"): try skipLiteral("null"); kind = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber(); kind = .number
        default: throw Self.failure("unexpected byte", at: index)
        }
        return (kind, start..<index)
    }

    /// Calls `member` with each key's range (quotes excluded, escapes left
    /// in), whether the key has escapes, and the value's kind and range.
    mutating func scanObject(
        depth: Int, _ member: (_ key: Range<Int>, _ keyEscaped: Bool, _ kind: JSONKind, _ value: Range<Int>) -> Void
    ) throws(ProtocolError) {
        guard depth <= Self.maxDepth else { throw Self.failure("nesting deeper than \(Self.maxDepth)", at: index) }
        try expect(UInt8(ascii: "{"))
        if try peekSignificant() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            guard try peekSignificant() == UInt8(ascii: "\"") else { throw Self.failure("expected a key", at: index) }
            let keyStart = index + 1
            let escaped = try scanString()
            let key = keyStart..<(index - 1)
            try expect(UInt8(ascii: ":"))
            let (kind, value) = try scanValue(depth: depth + 1)
            member(key, escaped, kind, value)
            guard try endOfMember(closing: UInt8(ascii: "}")) else { return }
        }
    }

    private mutating func skipObject(depth: Int) throws(ProtocolError) {
        try scanObject(depth: depth) { _, _, _, _ in }
    }

    private mutating func skipArray(depth: Int) throws(ProtocolError) {
        try expect(UInt8(ascii: "["))
        if try peekSignificant() == UInt8(ascii: "]") {
            index += 1
            return
        }
        repeat {
            _ = try scanValue(depth: depth + 1)
        } while try endOfMember(closing: UInt8(ascii: "]"))
    }

    /// After a member or element: true after `,`, false after `closing`.
    private mutating func endOfMember(closing: UInt8) throws(ProtocolError) -> Bool {
        let byte = try peekSignificant()
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        throw Self.failure("expected ',' or '\(Character(Unicode.Scalar(closing)))'", at: index - 1)
    }

    private mutating func skipLiteral(_ word: StaticString) throws(ProtocolError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              UnsafeBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[index..<(index + count)])
        else { throw Self.failure("unknown literal", at: index) }
        index += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(ProtocolError) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            try skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            try skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            try skipDigits()
        }
    }

    /// One or more digits.
    private mutating func skipDigits() throws(ProtocolError) {
        let start = index
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        guard index > start else { throw Self.failure("malformed number", at: index) }
    }
}
