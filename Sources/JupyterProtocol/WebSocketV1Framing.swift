/// The `v1.kernel.websocket.jupyter.org` binary framing of Jupyter Server:
/// a little-endian uint64 count of offsets, the offsets, then the channel
/// name, header, parent header, metadata, content and buffers back to back.
public enum WebSocketV1Framing {
    public static let subprotocol = "v1.kernel.websocket.jupyter.org"

    public static func encode(channel: Channel, _ message: JupyterMessage) -> [UInt8] {
        encode(channel: channel.rawValue, parts: [message.header, message.parentHeader, message.metadata, message.content] + message.buffers)
    }

    static func encode(channel: String, parts: [[UInt8]]) -> [UInt8] {
        let channelBytes = Array(channel.utf8)
        let count = parts.count + 2
        var offsets = [8 * (count + 1), 8 * (count + 1) + channelBytes.count]
        for part in parts { offsets.append(offsets[offsets.count - 1] + part.count) }
        var out = [UInt8]()
        out.reserveCapacity(offsets[offsets.count - 1])
        appendUInt64(UInt64(count), to: &out)
        for offset in offsets { appendUInt64(UInt64(offset), to: &out) }
        out += channelBytes
        for part in parts { out += part }
        return out
    }

    /// Splits a frame into its channel and message, validating every offset.
    public static func decode(_ frame: [UInt8], maxParts: Int = 4102) throws(ProtocolError) -> (Channel, JupyterMessage) {
        let (channelName, parts) = try split(frame, maxParts: maxParts)
        let channel = try Channel(name: channelName)
        guard parts.count >= 4 else {
            throw ProtocolError(.wrongFrameCount, "v1 frame has \(parts.count) parts, expected at least 4")
        }
        let message = try JupyterMessage(
            header: parts[0], parentHeader: parts[1], metadata: parts[2], content: parts[3],
            buffers: Array(parts[4...])
        )
        // A client's metadata and content must be JSON objects too: a kernel
        // would otherwise receive, and choke on, what no client should send.
        try JSONObjectFields.validate(message.metadata)
        try JSONObjectFields.validate(message.content)
        return (channel, message)
    }

    static func split(_ frame: [UInt8], maxParts: Int) throws(ProtocolError) -> (String, [[UInt8]]) {
        guard let count = readUInt64(frame, at: 0), count >= 2, count <= UInt64(maxParts) + 2 else {
            throw ProtocolError(.badFraming, "v1 frame has an invalid offset count")
        }
        let number = Int(count)
        var offsets = [Int]()
        offsets.reserveCapacity(number)
        for index in 0..<number {
            guard let value = readUInt64(frame, at: 8 * (index + 1)), value <= UInt64(frame.count) else {
                throw ProtocolError(.badFraming, "v1 frame offset \(index) is outside the frame")
            }
            let offset = Int(value)
            if let last = offsets.last, offset < last {
                throw ProtocolError(.badFraming, "v1 frame offsets are not ascending")
            }
            offsets.append(offset)
        }
        guard offsets[0] == 8 * (number + 1) else {
            throw ProtocolError(.badFraming, "v1 frame's first offset does not follow the offset table")
        }
        guard let channel = String(validating: frame[offsets[0]..<offsets[1]], as: UTF8.self) else {
            throw ProtocolError(.badFraming, "v1 frame's channel is not UTF-8")
        }
        // As in jupyter_server: part i spans offsets[i]..<offsets[i + 1]; the
        // last offset marks the end of the last part.
        var parts = [[UInt8]]()
        parts.reserveCapacity(number - 2)
        for index in 1..<(number - 1) {
            parts.append(Array(frame[offsets[index]..<offsets[index + 1]]))
        }
        return (channel, parts)
    }

    private static func appendUInt64(_ value: UInt64, to out: inout [UInt8]) {
        var value = value.littleEndian
        withUnsafeBytes(of: &value) { out += $0 }
    }

    private static func readUInt64(_ bytes: [UInt8], at index: Int) -> UInt64? {
        guard index >= 0, index + 8 <= bytes.count else { return nil }
        var value: UInt64 = 0
        for shift in 0..<8 { value |= UInt64(bytes[index + shift]) << (8 * UInt64(shift)) }
        return value
    }
}
