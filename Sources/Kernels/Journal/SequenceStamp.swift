import JupyterProtocol

/// Writes a message's journal sequence number into its metadata as
/// `spin_seq`, splicing the raw bytes: `{}` becomes `{"spin_seq":N}` and
/// `{...}` becomes `{"spin_seq":N,...}`; content is never touched.
public enum SequenceStamp {
    public static let key = "spin_seq"

    /// `metadata` with `"spin_seq": seq` as its first member.
    public static func stamp(_ metadata: [UInt8], seq: UInt64) -> [UInt8] {
        if contains(metadata, Array(#""spin_seq""#.utf8)), let replaced = replacing(metadata, seq: seq) {
            return replaced
        }
        return splice(metadata, seq: seq)
    }

    private static func splice(_ metadata: [UInt8], seq: UInt64) -> [UInt8] {
        let prefix = Array(#"{"spin_seq":"#.utf8) + Array(String(seq).utf8)
        guard let open = firstNonSpace(metadata, from: 0), metadata[open] == UInt8(ascii: "{"),
              let next = firstNonSpace(metadata, from: open + 1)
        else { return prefix + [UInt8(ascii: "}")] }
        if metadata[next] == UInt8(ascii: "}") { return prefix + [UInt8(ascii: "}")] }
        return prefix + [UInt8(ascii: ",")] + metadata[next...]
    }

    /// The sequence number a stamped metadata part carries, if any.
    public static func read(_ metadata: [UInt8]) -> UInt64? {
        let prefix = Array(#"{"spin_seq":"#.utf8)
        guard metadata.count > prefix.count, metadata.starts(with: prefix) else { return nil }
        let digits = metadata[prefix.count...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }

    /// A kernel put its own `spin_seq` into the metadata: JSON takes the last
    /// of duplicate keys, so replace the member rather than add a first one.
    /// (Only this rare case decodes and re-encodes the metadata.)
    private static func replacing(_ metadata: [UInt8], seq: UInt64) -> [UInt8]? {
        guard var object = try? JSONCoding.object(from: metadata), object[key] != nil else { return nil }
        object[key] = nil
        return splice(JSONCoding.encode(JSONValue.object(object)), seq: seq)
    }

    private static func firstNonSpace(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return nil
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
