import NIOCore
import NIOWebSocket

/// The few frames the gateway writes itself into a relayed WebSocket, as bytes: a close
/// with its code and the keep-alive ping. Only control frames with payloads under 126
/// bytes, so the header is always the two-byte form (RFC 6455 §5.2); towards the executor,
/// where the gateway is the client, masked.
enum ControlFrame {
    static func close(_ code: WebSocketErrorCode, mask: WebSocketMaskingKey? = nil) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.write(webSocketErrorCode: code)
        return Self.encode(.connectionClose, payload: payload, mask: mask)
    }

    static func ping(_ payload: String) -> ByteBuffer {
        Self.encode(.ping, payload: ByteBuffer(string: payload), mask: nil)
    }

    static func encode(_ opcode: WebSocketOpcode, payload: ByteBuffer, mask: WebSocketMaskingKey?) -> ByteBuffer {
        precondition(payload.readableBytes < 126, "control frames carry at most 125 bytes")
        var payload = payload
        var frame = ByteBuffer()
        frame.reserveCapacity(6 + payload.readableBytes)
        frame.writeInteger(0x80 | UInt8(webSocketOpcode: opcode))
        frame.writeInteger((mask == nil ? 0 : 0x80) | UInt8(payload.readableBytes))
        if let mask {
            frame.writeBytes(mask)
            payload.webSocketMask(mask)
        }
        frame.writeBuffer(&payload)
        return frame
    }
}
