import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Gateway

/// The relay's handlers on two embedded channels sharing one loop, as the gateway dials the
/// executor on the browser connection's loop.
@Suite struct WebSocketRelayTests {
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Never
        var reads = 0
        func read(context: ChannelHandlerContext) {
            self.reads += 1
            context.read()
        }
    }

    struct Pair {
        let loop: EmbeddedEventLoop
        let browser: EmbeddedChannel
        let executor: EmbeddedChannel
        let executorReads: ReadCounter
        let session: RelaySession

        init(executorFramesFirst early: [WebSocketFrame] = []) throws {
            self.loop = EmbeddedEventLoop()
            self.executorReads = ReadCounter()
            let browserHandler = RelayHandler(side: .browser)
            let executorHandler = RelayHandler(side: .executor)
            self.browser = EmbeddedChannel(handler: browserHandler, loop: self.loop)
            self.executor = EmbeddedChannel(handlers: [self.executorReads, executorHandler], loop: self.loop)
            try self.browser.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
            try self.executor.connect(to: .init(ipAddress: "127.0.0.1", port: 2)).wait()
            for frame in early { self.executor.pipeline.fireChannelRead(frame) }
            self.session = RelaySession(browser: browserHandler, executor: executorHandler, eventLoop: self.loop, pingInterval: .seconds(25))
            self.session.start()
        }

        func outbound(_ channel: EmbeddedChannel) throws -> [WebSocketFrame] {
            var frames: [WebSocketFrame] = []
            while let frame = try channel.readOutbound(as: WebSocketFrame.self) { frames.append(frame) }
            return frames
        }
    }

    static func frame(_ text: String, opcode: WebSocketOpcode = .text, fin: Bool = true) -> WebSocketFrame {
        WebSocketFrame(fin: fin, opcode: opcode, data: ByteBuffer(string: text))
    }

    /// Outbound frames carry their payload in the clear; the encoder (not in these
    /// pipelines) applies `maskKey` on the wire.
    static func closeCode(_ frame: WebSocketFrame) -> WebSocketErrorCode? {
        var data = frame.data
        return data.readWebSocketErrorCode()
    }

    @Test func framesOfOneReadAreFlushedOnceAndInOrderWithOpcodeAndFin() throws {
        let pair = try Pair()
        pair.browser.pipeline.fireChannelRead(Self.frame("a", fin: false))
        pair.browser.pipeline.fireChannelRead(Self.frame("b", opcode: .continuation, fin: false))
        pair.browser.pipeline.fireChannelRead(WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(bytes: [0, 1])))
        #expect(try pair.outbound(pair.executor).isEmpty)  // written, not flushed yet
        pair.browser.pipeline.fireChannelReadComplete()
        let relayed = try pair.outbound(pair.executor)
        #expect(relayed.map(\.opcode) == [.text, .continuation, .continuation])
        #expect(relayed.map(\.fin) == [false, false, true])
        #expect(relayed.map(\.data) == [ByteBuffer(string: "a"), ByteBuffer(string: "b"), ByteBuffer(bytes: [0, 1])])
        #expect(relayed.allSatisfy { $0.maskKey != nil })  // towards the executor, as a client
    }

    @Test func executorFramesGoToTheBrowserUnmasked() throws {
        let pair = try Pair()
        try pair.executor.writeInbound(Self.frame("reply", opcode: .binary))
        pair.executor.pipeline.fireChannelReadComplete()
        let relayed = try pair.outbound(pair.browser)
        #expect(relayed.count == 1)
        #expect(relayed.first?.opcode == .binary)
        #expect(relayed.first?.maskKey == nil)
    }

    @Test func framesTheExecutorSentBeforeTheBrowserJoinedAreKept() throws {
        let pair = try Pair(executorFramesFirst: [Self.frame("early-1"), Self.frame("early-2")])
        let relayed = try pair.outbound(pair.browser)
        #expect(relayed.map { String(buffer: $0.data) } == ["early-1", "early-2"])
    }

    @Test func pingsAreAnsweredLocallyAndPongsDropped() throws {
        let pair = try Pair()
        try pair.browser.writeInbound(Self.frame("p", opcode: .ping))
        try pair.browser.writeInbound(Self.frame("q", opcode: .pong))
        pair.browser.pipeline.fireChannelReadComplete()
        #expect(try pair.outbound(pair.executor).isEmpty)
        let answer = try pair.outbound(pair.browser)
        #expect(answer.map(\.opcode) == [.pong])
        #expect(answer.first?.maskKey == nil)
        try pair.executor.writeInbound(Self.frame("e", opcode: .ping))
        pair.executor.pipeline.fireChannelReadComplete()
        let executorAnswer = try pair.outbound(pair.executor)
        #expect(executorAnswer.map(\.opcode) == [.pong])
        #expect(executorAnswer.first?.maskKey != nil)
    }

    @Test func closeCodesPassThroughAndBothSidesCloseAfterTheAnswer() throws {
        let pair = try Pair()
        var code = ByteBuffer()
        code.write(webSocketErrorCode: .init(codeNumber: 4001))
        try pair.executor.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: code))
        pair.executor.pipeline.fireChannelReadComplete()
        let toBrowser = try pair.outbound(pair.browser)
        #expect(toBrowser.map(\.opcode) == [.connectionClose])
        #expect(toBrowser.first.flatMap(Self.closeCode) == .init(codeNumber: 4001))
        try pair.executor.writeInbound(Self.frame("after close"))  // ignored
        pair.executor.pipeline.fireChannelReadComplete()
        #expect(try pair.outbound(pair.browser).isEmpty)
        #expect(pair.browser.isActive)
        try pair.browser.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: code))
        pair.browser.pipeline.fireChannelReadComplete()
        pair.loop.run()
        #expect(!pair.browser.isActive)
        #expect(!pair.executor.isActive)
    }

    @Test func bothSidesCloseWhenTheAnswerNeverComes() throws {
        let pair = try Pair()
        try pair.browser.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer()))
        pair.browser.pipeline.fireChannelReadComplete()
        pair.loop.advanceTime(by: .seconds(4))
        #expect(pair.browser.isActive)
        pair.loop.advanceTime(by: .seconds(2))
        #expect(!pair.browser.isActive)
        #expect(!pair.executor.isActive)
    }

    @Test func aFailingExecutorGivesTheBrowserAnUnexpectedServerErrorClose() throws {
        let pair = try Pair()
        pair.executor.pipeline.fireErrorCaught(NIOWebSocketError.invalidFrameLength)
        pair.loop.run()
        #expect(!pair.executor.isActive)
        let toBrowser = try pair.outbound(pair.browser)
        #expect(toBrowser.map(\.opcode) == [.connectionClose])
        #expect(toBrowser.first.flatMap(Self.closeCode) == .unexpectedServerError)
    }

    @Test func aBrowserThatGoesAwayIsReportedToTheExecutor() throws {
        let pair = try Pair()
        try pair.browser.close().wait()
        pair.loop.run()
        let toExecutor = try pair.outbound(pair.executor)
        #expect(toExecutor.map(\.opcode) == [.connectionClose])
        #expect(toExecutor.first.flatMap(Self.closeCode) == .goingAway)
    }

    @Test func theExecutorIsNotReadWhileTheBrowserCannotTakeMore() throws {
        let pair = try Pair()
        let before = pair.executorReads.reads
        pair.browser.isWritable = false
        pair.browser.pipeline.fireChannelWritabilityChanged()
        pair.executor.read()
        #expect(pair.executorReads.reads == before)
        pair.browser.isWritable = true
        pair.browser.pipeline.fireChannelWritabilityChanged()
        #expect(pair.executorReads.reads == before + 1)
        pair.executor.read()
        #expect(pair.executorReads.reads == before + 2)
    }

    @Test func shutdownSendsGoingAwayBothWays() throws {
        let pair = try Pair()
        pair.session.shutdown()
        #expect(try pair.outbound(pair.browser).first.flatMap(Self.closeCode) == .goingAway)
        let toExecutor = try pair.outbound(pair.executor)
        #expect(toExecutor.first.flatMap(Self.closeCode) == .goingAway)
        #expect(toExecutor.first?.maskKey != nil)
        pair.loop.advanceTime(by: .seconds(11))
        #expect(!pair.browser.isActive && !pair.executor.isActive)
    }

    /// Chromium fails a socket that gets a second close frame ("Close received after close"):
    /// after a shutdown's `goingAway`, each side's answer must not be relayed as another close.
    @Test func afterShutdownEachSideGetsOneCloseFrameAndNothingElse() throws {
        let pair = try Pair()
        pair.session.shutdown()
        #expect(try pair.outbound(pair.browser).map(\.opcode) == [.connectionClose])
        #expect(try pair.outbound(pair.executor).map(\.opcode) == [.connectionClose])
        var answer = ByteBuffer()
        answer.write(webSocketErrorCode: .goingAway)
        try pair.executor.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: answer))
        pair.executor.pipeline.fireChannelReadComplete()
        try pair.browser.writeInbound(Self.frame("late"))
        try pair.browser.writeInbound(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "p")))
        try pair.browser.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: answer))
        pair.browser.pipeline.fireChannelReadComplete()
        #expect(try pair.outbound(pair.browser).isEmpty)
        #expect(try pair.outbound(pair.executor).isEmpty)
        pair.loop.run()
        #expect(!pair.browser.isActive && !pair.executor.isActive)
    }

    @Test func theBrowserIsPingedOnSchedule() throws {
        let pair = try Pair()
        pair.loop.advanceTime(by: .seconds(26))
        let pings = try pair.outbound(pair.browser)
        #expect(pings.map(\.opcode) == [.ping])
    }
}
