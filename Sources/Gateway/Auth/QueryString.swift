/// Minimal `application/x-www-form-urlencoded` query handling for the `token` parameter.
public enum QueryString {
    /// All values of `name` in `query`, percent-decoded.
    public static func values(of name: String, in query: String?) -> [String] {
        guard let query else { return [] }
        return query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard percentDecode(parts[0]) == name else { return nil }
            return parts.count > 1 ? percentDecode(parts[1]) : ""
        }
    }

    /// `query` without any `name=` pair; `nil` when nothing is left.
    public static func removing(_ name: String, from query: String?) -> String? {
        guard let query else { return nil }
        let kept = query.split(separator: "&").filter { pair in
            let key = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return percentDecode(key) != name
        }
        return kept.isEmpty ? nil : kept.joined(separator: "&")
    }

    public static func percentDecode(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return String(text) }
                bytes.append(value)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
