/// Compact JSON for a `JSONValue`, keys sorted, slashes not escaped: what
/// `JSONCoding.encode` used to get from `JSONEncoder`, without its per-value
/// containers and dynamic casts (every API answer and runtime-made message part).
extension JSONValue {
    public var jsonBytes: [UInt8] {
        var out = [UInt8]()
        self.write(to: &out)
        return out
    }

    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): Self.write(value, to: &out)
        case .string(let value): JSONCoding.appendQuoted(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONCoding.appendQuoted(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Integral values without a fraction (`2`, as JSONEncoder writes them), others in
    /// Swift's shortest round-trip form; JSON has no NaN or infinity, so those are `null`.
    private static func write(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else { return out.append(contentsOf: "null".utf8) }
        if value == value.rounded(), abs(value) < 1e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }
}
