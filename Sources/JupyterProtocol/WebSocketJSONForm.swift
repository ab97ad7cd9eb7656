import Foundation

/// The JSON form of messages on a kernel WebSocket (no subprotocol, or
/// `spin.json`): one text frame per message with a `channel` field. Messages
/// with binary buffers use Jupyter's legacy binary form (big-endian uint32
/// count and offsets, the JSON message, then the buffers).
public enum WebSocketJSONForm {
    public static let subprotocol = "spin.json"

    public enum Frame: Sendable, Hashable {
        case text([UInt8])
        case binary([UInt8])
    }

    /// Encodes by splicing the raw parts: kernel output is never re-encoded.
    public static func encode(channel: Channel, _ message: JupyterMessage) -> Frame {
        let json = encodeJSON(channel: channel, message)
        guard !message.buffers.isEmpty else { return .text(json) }
        return .binary(legacyBinary(json: json, buffers: message.buffers))
    }

    /// The message as one self-contained JSON object with `channel`; binary
    /// buffers become base64 strings (as in nbformat). For the journal API.
    public static func encodeDocument(channel: Channel, _ message: JupyterMessage) -> [UInt8] {
        let buffers = message.buffers.map { JSONCoding.quoted(Data($0).base64EncodedString()) }
        return encodeJSON(channel: channel, message, buffers: Array(buffers.joined(separator: [UInt8(ascii: ",")])))
    }

    static func encodeJSON(channel: Channel, _ message: JupyterMessage, buffers: [UInt8] = []) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(message.header.count + message.parentHeader.count + message.metadata.count + message.content.count + 160)
        // Appended in place: this runs for every message to a JSON-form client.
        out.append(contentsOf: #"{"channel":"#.utf8)
        JSONCoding.appendQuoted(channel.rawValue, to: &out)
        out.append(contentsOf: #","msg_id":"#.utf8)
        JSONCoding.appendQuoted(message.msgID, to: &out)
        out.append(contentsOf: #","msg_type":"#.utf8)
        JSONCoding.appendQuoted(message.msgType, to: &out)
        out.append(contentsOf: #","header":"#.utf8)
        out.append(contentsOf: message.header)
        out.append(contentsOf: #","parent_header":"#.utf8)
        out.append(contentsOf: message.parentHeader)
        out.append(contentsOf: #","metadata":"#.utf8)
        out.append(contentsOf: message.metadata)
        out.append(contentsOf: #","content":"#.utf8)
        out.append(contentsOf: message.content)
        out.append(contentsOf: #","buffers":["#.utf8)
        out.append(contentsOf: buffers)
        out.append(contentsOf: "]}".utf8)
        return out
    }

    static func legacyBinary(json: [UInt8], buffers: [[UInt8]]) -> [UInt8] {
        let all = [json] + buffers
        var offsets = [4 * (all.count + 1)]
        for part in all.dropLast() { offsets.append(offsets[offsets.count - 1] + part.count) }
        var out = [UInt8]()
        appendUInt32(UInt32(all.count), to: &out)
        for offset in offsets { appendUInt32(UInt32(offset), to: &out) }
        for part in all { out += part }
        return out
    }

    /// Decodes a text frame from a client.
    public static func decode(text: [UInt8]) throws(ProtocolError) -> (Channel, JupyterMessage) {
        try decode(json: text, buffers: [])
    }

    /// Decodes a legacy binary frame from a client (a JSON message with buffers).
    public static func decode(binary frame: [UInt8], maxBuffers: Int = 4096) throws(ProtocolError) -> (Channel, JupyterMessage) {
        guard let count = readUInt32(frame, at: 0), count >= 1, count <= UInt32(maxBuffers) + 1 else {
            throw ProtocolError(.badFraming, "binary frame has an invalid buffer count")
        }
        var offsets = [Int]()
        for index in 0..<Int(count) {
            guard let offset = readUInt32(frame, at: 4 * (index + 1)), Int(offset) <= frame.count,
                  Int(offset) >= (offsets.last ?? 4 * (Int(count) + 1))
            else {
                throw ProtocolError(.badFraming, "binary frame offset \(index) is invalid")
            }
            offsets.append(Int(offset))
        }
        offsets.append(frame.count)
        let parts = (0..<Int(count)).map { Array(frame[offsets[$0]..<offsets[$0 + 1]]) }
        return try decode(json: parts[0], buffers: Array(parts[1...]))
    }

    /// Reads `channel` and splices the four parts' bytes as the client sent
    /// them: one validating scan, no decode and re-encode.
    private static func decode(json: [UInt8], buffers: [[UInt8]]) throws(ProtocolError) -> (Channel, JupyterMessage) {
        let fields = try JSONObjectFields(json)
        guard let channelName = fields.string("channel") else {
            throw ProtocolError(.missingField, "message has no string 'channel' field")
        }
        let channel = try Channel(name: channelName)
        guard let header = fields.member("header"), header.kind == .object else {
            throw ProtocolError(.missingField, "message has no 'header' object")
        }
        let message = try JupyterMessage(
            header: fields.slice(of: header),
            parentHeader: try objectPart(fields, "parent_header"),
            metadata: try objectPart(fields, "metadata"),
            content: try objectPart(fields, "content"),
            buffers: buffers
        )
        return (channel, message)
    }

    /// An optional object member: absent or `null` is `{}`.
    private static func objectPart(_ fields: JSONObjectFields, _ key: String) throws(ProtocolError) -> [UInt8] {
        guard let member = fields.member(key), member.kind != .null else { return Array("{}".utf8) }
        guard member.kind == .object else { throw ProtocolError(.invalidJSON, "'\(key)' must be an object") }
        return fields.slice(of: member)
    }

    private static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
        var value = value.bigEndian
        withUnsafeBytes(of: &value) { out += $0 }
    }

    private static func readUInt32(_ bytes: [UInt8], at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        return bytes[index..<(index + 4)].reduce(0) { ($0 << 8) | UInt32($1) }
    }
}
