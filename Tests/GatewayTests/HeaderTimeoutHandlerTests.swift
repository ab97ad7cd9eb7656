import NIOCore
import NIOEmbedded
import Testing

@testable import Gateway

@Suite struct HeaderTimeoutHandlerTests {
    @Test func closesAConnectionThatNeverFinishesItsHead() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: HeaderTimeoutHandler(timeout: .seconds(10)), loop: loop)
        try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n"))
        loop.advanceTime(by: .seconds(9))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func stepsAsideOnceTheHeadIsCompleteEvenAcrossReads() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(handler: HeaderTimeoutHandler(timeout: .seconds(10)), loop: loop)
        try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r"))
        try channel.writeInbound(ByteBuffer(string: "\n"))
        loop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r"))
        _ = try channel.finish()
    }
}
