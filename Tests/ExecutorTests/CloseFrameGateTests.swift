import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Executor

@Suite struct CloseFrameGateTests {
    private func frame(_ opcode: WebSocketOpcode, _ text: String = "") -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, data: ByteBuffer(string: text))
    }

    /// Frames pass until a close frame has; after it nothing does, and the writer hears so.
    @Test func nothingFollowsACloseFrame() throws {
        let channel = EmbeddedChannel(handler: CloseFrameGate())
        try channel.writeOutbound(frame(.text, "before"))
        try channel.writeOutbound(frame(.connectionClose))
        let late = channel.writeAndFlush(frame(.text, "late"))
        let ping = channel.writeAndFlush(frame(.ping))

        #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .text)
        #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .connectionClose)
        #expect(try channel.readOutbound(as: WebSocketFrame.self) == nil)
        #expect(throws: ChannelError.outputClosed) { try late.wait() }
        #expect(throws: ChannelError.outputClosed) { try ping.wait() }
        _ = try channel.finish()
    }

    @Test func framesPassWhileNoCloseWasSent() throws {
        let channel = EmbeddedChannel(handler: CloseFrameGate())
        for opcode in [WebSocketOpcode.text, .binary, .ping, .pong] { try channel.writeOutbound(frame(opcode, "x")) }
        var seen: [WebSocketOpcode] = []
        while let frame = try channel.readOutbound(as: WebSocketFrame.self) { seen.append(frame.opcode) }
        #expect(seen == [.text, .binary, .ping, .pong])
        _ = try channel.finish()
    }
}
