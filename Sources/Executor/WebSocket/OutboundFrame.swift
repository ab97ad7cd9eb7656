import JupyterProtocol
import NIOCore

/// A kernel message encoded for one client, straight into the `ByteBuffer`
/// the WebSocket writes: one copy of the message's parts, no `String` (a
/// text frame is written with its opcode, without UTF-8 validation — the
/// parts are the kernel's JSON, which is UTF-8 already).
struct OutboundFrame: Sendable {
    let isText: Bool
    let buffer: ByteBuffer

    /// Bytes this frame holds while queued.
    var byteCount: Int { buffer.readableBytes }

    init(isText: Bool, buffer: ByteBuffer) {
        self.isText = isText
        self.buffer = buffer
    }

    /// A frame encoded elsewhere (errors for a client, journal catch-up pages).
    init(_ frame: WireProtocol.Frame) {
        switch frame {
        case .text(let bytes): self.init(isText: true, buffer: ByteBuffer(bytes: bytes))
        case .binary(let bytes): self.init(isText: false, buffer: ByteBuffer(bytes: bytes))
        }
    }

    /// `message` in the client's wire form; the same bytes as
    /// `WireProtocol.encode`, without the intermediate arrays.
    init(_ wire: WireProtocol, _ channel: JupyterProtocol.Channel, _ message: JupyterMessage) {
        switch wire {
        case .v1:
            self.init(isText: false, buffer: Self.v1(channel, message))
        case .json where !message.buffers.isEmpty:
            // Legacy binary form with buffers: rare, encoded the long way.
            self.init(wire.encode(channel, message))
        case .json:
            self.init(isText: true, buffer: Self.validText(Self.json(channel, message)))
        }
    }

    private static let allocator = ByteBufferAllocator()

    /// A text frame must be UTF-8: repaired in the rare case a kernel sent
    /// bytes that are not (see `UTF8Repair`).
    static func validText(_ buffer: ByteBuffer) -> ByteBuffer {
        if buffer.withUnsafeReadableBytes({ UTF8Validation.isValid($0) }) { return buffer }
        return ByteBuffer(string: String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// As `WebSocketJSONForm.encode` for a message without buffers.
    static func json(_ channel: JupyterProtocol.Channel, _ message: JupyterMessage) -> ByteBuffer {
        let channelName = JSONCoding.quoted(channel.rawValue)
        let msgID = JSONCoding.quoted(message.msgID)
        let msgType = JSONCoding.quoted(message.msgType)
        let parts = message.header.count + message.parentHeader.count + message.metadata.count + message.content.count
        let size: Int = parts + channelName.count + msgID.count + msgType.count + 96
        var out = allocator.buffer(capacity: size)
        out.writeStaticString(#"{"channel":"#)
        out.writeBytes(channelName)
        out.writeStaticString(#","msg_id":"#)
        out.writeBytes(msgID)
        out.writeStaticString(#","msg_type":"#)
        out.writeBytes(msgType)
        out.writeStaticString(#","header":"#)
        out.writeBytes(message.header)
        out.writeStaticString(#","parent_header":"#)
        out.writeBytes(message.parentHeader)
        out.writeStaticString(#","metadata":"#)
        out.writeBytes(message.metadata)
        out.writeStaticString(#","content":"#)
        out.writeBytes(message.content)
        out.writeStaticString(#","buffers":[]}"#)
        return out
    }

    /// As `WebSocketV1Framing.encode`: offsets (little-endian u64), channel, parts.
    static func v1(_ channel: JupyterProtocol.Channel, _ message: JupyterMessage) -> ByteBuffer {
        let channelBytes = Array(channel.rawValue.utf8)
        let parts = [message.header, message.parentHeader, message.metadata, message.content] + message.buffers
        let count = parts.count + 2
        let tableBytes = 8 * (count + 1)
        let total = tableBytes + channelBytes.count + parts.reduce(0) { $0 + $1.count }
        var out = allocator.buffer(capacity: total)
        out.writeInteger(UInt64(count), endianness: Endianness.little)
        var offset = tableBytes
        out.writeInteger(UInt64(offset), endianness: Endianness.little)
        offset += channelBytes.count
        out.writeInteger(UInt64(offset), endianness: Endianness.little)
        for part in parts {
            offset += part.count
            out.writeInteger(UInt64(offset), endianness: Endianness.little)
        }
        out.writeBytes(channelBytes)
        for part in parts { out.writeBytes(part) }
        return out
    }
}
