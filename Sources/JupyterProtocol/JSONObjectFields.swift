/// The top-level members of one JSON object, found in a single strict scan
/// (`JSONScanner`) without building a tree or using Foundation: the hot path
/// reads a few string fields (`msg_id`, `execution_state`, …) and splices
/// the other members' bytes unchanged.
///
/// Construction validates the whole input: exactly one JSON object, white
/// space around it allowed, nothing after it. A key that appears more than
/// once resolves to its last value, as in Python's `json` (what kernels and
/// Jupyter Server parse with), so the runtime reads what the kernel reads.
public struct JSONObjectFields: Sendable {
    public struct Member: Sendable, Hashable {
        /// The key's bytes between its quotes, escapes not decoded.
        let key: Range<Int>
        let keyEscaped: Bool
        public let kind: JSONKind
        /// The value's bytes in the input, exactly as they are.
        public let value: Range<Int>
    }

    public let bytes: [UInt8]
    public let members: [Member]

    public init(_ bytes: [UInt8]) throws(ProtocolError) {
        self.bytes = bytes
        var members = [Member]()
        members.reserveCapacity(8)
        try Self.scan(bytes) { key, escaped, kind, value in
            members.append(Member(key: key, keyEscaped: escaped, kind: kind, value: value))
        }
        self.members = members
    }

    /// Throws unless `bytes` is exactly one valid JSON object.
    public static func validate(_ bytes: [UInt8]) throws(ProtocolError) {
        try scan(bytes) { _, _, _, _ in }
    }

    private static func scan(
        _ bytes: [UInt8], _ member: (Range<Int>, Bool, JSONKind, Range<Int>) -> Void
    ) throws(ProtocolError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(ProtocolError) in
            var scanner = JSONScanner(buffer)
            guard try scanner.peekSignificant() == UInt8(ascii: "{") else {
                throw ProtocolError(.invalidJSON, "part is not a JSON object")
            }
            try scanner.scanObject(depth: 1, member)
            scanner.skipWhitespace()
            guard scanner.atEnd else { throw JSONScanner.failure("bytes after the object", at: scanner.index) }
        }
    }

    public var isEmpty: Bool { members.isEmpty }

    /// The member named `key` (the last one, if the key repeats).
    public func member(_ key: String) -> Member? {
        members.last { matches($0, key) }
    }

    /// The text of member `key` when it is a string; `nil` when it is absent
    /// or not a string.
    public func string(_ key: String) -> String? {
        guard let member = member(key), member.kind == .string else { return nil }
        return string(of: member)
    }

    /// The text of a string member.
    public func string(of member: Member) -> String {
        precondition(member.kind == .string, "not a string member")
        let content = (member.value.lowerBound + 1)..<(member.value.upperBound - 1)
        return bytes.withUnsafeBufferPointer { buffer in
            JSONScanner.decodeString(buffer, content, escaped: buffer[content].contains(UInt8(ascii: "\\")))
        }
    }

    /// A copy of the member's value bytes.
    public func slice(of member: Member) -> [UInt8] {
        Array(bytes[member.value])
    }

    private func matches(_ member: Member, _ key: String) -> Bool {
        if member.keyEscaped {
            return bytes.withUnsafeBufferPointer { JSONScanner.decodeString($0, member.key, escaped: true) } == key
        }
        return member.key.count == key.utf8.count && bytes[member.key].elementsEqual(key.utf8)
    }
}
