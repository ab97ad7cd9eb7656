import NIOCore
import NIOEmbedded
import NIOWebSocket

/// Frames as bytes and back, through NIO's own encoder and decoder, so the relay's tests
/// check its bytes against an implementation other than the gateway's.
enum WebSocketWire {
    static func bytes(_ frames: [WebSocketFrame]) throws -> ByteBuffer {
        let channel = EmbeddedChannel(handler: WebSocketFrameEncoder())
        var out = ByteBuffer()
        for frame in frames {
            try channel.writeOutbound(frame)
            while var part = try channel.readOutbound(as: ByteBuffer.self) { out.writeBuffer(&part) }
        }
        _ = try channel.finish()
        return out
    }

    static func bytes(_ frame: WebSocketFrame) throws -> ByteBuffer {
        try Self.bytes([frame])
    }

    /// Decodes `bytes` (as a server would when `masked`): the frames, payloads unmasked.
    static func frames(_ bytes: ByteBuffer) throws -> [WebSocketFrame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 26)))
        try channel.writeInbound(bytes)
        var frames: [WebSocketFrame] = []
        while let frame = try channel.readInbound(as: WebSocketFrame.self) {
            frames.append(WebSocketFrame(fin: frame.fin, opcode: frame.opcode, maskKey: frame.maskKey, data: frame.unmaskedData))
        }
        _ = try? channel.finish()
        return frames
    }

    static func text(_ text: String, opcode: WebSocketOpcode = .text, fin: Bool = true, masked: Bool = false) -> WebSocketFrame {
        Self.frame(ByteBuffer(string: text), opcode: opcode, fin: fin, masked: masked)
    }

    static func frame(_ payload: ByteBuffer, opcode: WebSocketOpcode, fin: Bool = true, masked: Bool = false) -> WebSocketFrame {
        let key: WebSocketMaskingKey? = masked ? WebSocketMaskingKey([0x11, 0x22, 0x33, 0x44]) : nil
        return WebSocketFrame(fin: fin, opcode: opcode, maskKey: key, data: payload)
    }

    static func close(_ code: WebSocketErrorCode, masked: Bool = false) -> WebSocketFrame {
        var payload = ByteBuffer()
        payload.write(webSocketErrorCode: code)
        return Self.frame(payload, opcode: .connectionClose, masked: masked)
    }

    static func closeCode(_ frame: WebSocketFrame) -> WebSocketErrorCode? {
        var data = frame.data
        return data.readWebSocketErrorCode()
    }
}
