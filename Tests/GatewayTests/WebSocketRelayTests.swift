import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import Gateway

/// The relay's handlers on two embedded channels sharing one loop, as the gateway dials the
/// executor on the browser connection's loop. Frames go in and come out as bytes, made and
/// read by NIO's own codec (`WebSocketWire`).
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

        init(executorFramesFirst early: [WebSocketFrame] = [], pingInterval: TimeAmount = .seconds(25)) throws {
            self.loop = EmbeddedEventLoop()
            self.executorReads = ReadCounter()
            let browserHandler = RelayHandler(side: .browser, maxFrameBytes: 1 << 20)
            let executorHandler = RelayHandler(side: .executor, maxFrameBytes: 1 << 20)
            self.browser = EmbeddedChannel(handler: browserHandler, loop: self.loop)
            self.executor = EmbeddedChannel(handlers: [self.executorReads, executorHandler], loop: self.loop)
            try self.browser.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
            try self.executor.connect(to: .init(ipAddress: "127.0.0.1", port: 2)).wait()
            for frame in early { self.executor.pipeline.fireChannelRead(try WebSocketWire.bytes(frame)) }
            self.session = RelaySession(browser: browserHandler, executor: executorHandler, eventLoop: self.loop, pingInterval: pingInterval)
            self.session.start()
        }

        /// Everything written to `channel` so far, as one buffer.
        func written(_ channel: EmbeddedChannel) throws -> ByteBuffer {
            var all = ByteBuffer()
            while var part = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
            return all
        }

        func outbound(_ channel: EmbeddedChannel) throws -> [WebSocketFrame] {
            try WebSocketWire.frames(self.written(channel))
        }

        func fromBrowser(_ frames: WebSocketFrame...) throws {
            self.browser.pipeline.fireChannelRead(try WebSocketWire.bytes(frames))
            self.browser.pipeline.fireChannelReadComplete()
        }

        /// A 1 000-byte binary frame from the executor, split in two reads: the first half
        /// is read (and flushed) now; the rest is returned for the test to send.
        func executorSendsHalfAFrame() throws -> (first: ByteBuffer, rest: ByteBuffer) {
            let frame = try WebSocketWire.bytes(WebSocketWire.frame(ByteBuffer(repeating: 1, count: 1000), opcode: .binary))
            let first = frame.getSlice(at: 0, length: 500)!
            self.executor.pipeline.fireChannelRead(first)
            self.executor.pipeline.fireChannelReadComplete()
            return (first, frame.getSlice(at: 500, length: frame.readableBytes - 500)!)
        }

        func fromExecutor(_ bytes: ByteBuffer) {
            self.executor.pipeline.fireChannelRead(bytes)
            self.executor.pipeline.fireChannelReadComplete()
        }

        func fromExecutor(_ frames: WebSocketFrame...) throws {
            self.executor.pipeline.fireChannelRead(try WebSocketWire.bytes(frames))
            self.executor.pipeline.fireChannelReadComplete()
        }
    }

    @Test func theBrowsersBytesReachTheExecutorUnchangedAndFlushedOncePerRead() throws {
        let pair = try Pair()
        let frames = [
            WebSocketWire.text("a", fin: false, masked: true),
            WebSocketWire.text("b", opcode: .continuation, fin: false, masked: true),
            WebSocketWire.frame(ByteBuffer(bytes: [0, 1]), opcode: .continuation, masked: true),
        ]
        let wire = try WebSocketWire.bytes(frames)
        pair.browser.pipeline.fireChannelRead(wire.getSlice(at: 0, length: 5)!)
        pair.browser.pipeline.fireChannelRead(wire.getSlice(at: 5, length: wire.readableBytes - 5)!)
        #expect(try pair.written(pair.executor).readableBytes == 0)  // written, not flushed yet
        pair.browser.pipeline.fireChannelReadComplete()
        let relayed = try pair.written(pair.executor)
        #expect(relayed == wire)  // the browser's own masks go on
        #expect(try WebSocketWire.frames(relayed).map(\.data) == [ByteBuffer(string: "a"), ByteBuffer(string: "b"), ByteBuffer(bytes: [0, 1])])
    }

    @Test func executorFramesGoToTheBrowserUnchanged() throws {
        let pair = try Pair()
        let reply = WebSocketWire.text("reply", opcode: .binary)
        try pair.fromExecutor(reply)
        #expect(try pair.written(pair.browser) == WebSocketWire.bytes(reply))
    }

    @Test func framesTheExecutorSentBeforeTheBrowserJoinedAreKept() throws {
        let pair = try Pair(executorFramesFirst: [WebSocketWire.text("early-1"), WebSocketWire.text("early-2")])
        #expect(try pair.outbound(pair.browser).map { String(buffer: $0.data) } == ["early-1", "early-2"])
    }

    @Test func pingsAndPongsPassThroughForTheOtherEndToAnswer() throws {
        let pair = try Pair()
        try pair.fromBrowser(WebSocketWire.text("p", opcode: .ping, masked: true), WebSocketWire.text("q", opcode: .pong, masked: true))
        #expect(try pair.outbound(pair.executor).map(\.opcode) == [.ping, .pong])
        #expect(try pair.outbound(pair.browser).isEmpty)
        try pair.fromExecutor(WebSocketWire.text("e", opcode: .ping))
        #expect(try pair.outbound(pair.browser).map(\.opcode) == [.ping])
    }

    @Test func closeCodesPassThroughAndBothSidesCloseAfterTheAnswer() throws {
        let pair = try Pair()
        try pair.fromExecutor(WebSocketWire.close(.init(codeNumber: 4001)), WebSocketWire.text("after close"))
        let toBrowser = try pair.outbound(pair.browser)
        #expect(toBrowser.map(\.opcode) == [.connectionClose])  // nothing after the close
        #expect(toBrowser.first.flatMap(WebSocketWire.closeCode) == .init(codeNumber: 4001))
        try pair.fromExecutor(WebSocketWire.text("later still"))
        #expect(try pair.outbound(pair.browser).isEmpty)
        #expect(pair.browser.isActive)
        try pair.fromBrowser(WebSocketWire.close(.init(codeNumber: 4001), masked: true))
        #expect(try pair.outbound(pair.executor).map(\.opcode) == [.connectionClose])
        pair.loop.run()
        #expect(!pair.browser.isActive)
        #expect(!pair.executor.isActive)
    }

    @Test func bothSidesCloseWhenTheAnswerNeverComes() throws {
        let pair = try Pair()
        try pair.fromBrowser(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .init([1, 2, 3, 4]), data: ByteBuffer()))
        pair.loop.advanceTime(by: .seconds(4))
        #expect(pair.browser.isActive)
        pair.loop.advanceTime(by: .seconds(2))
        #expect(!pair.browser.isActive)
        #expect(!pair.executor.isActive)
    }

    @Test func aMalformedExecutorFrameGivesTheBrowserAnUnexpectedServerErrorClose() throws {
        let pair = try Pair()
        try pair.fromExecutor(WebSocketWire.text("fine"))
        pair.executor.pipeline.fireChannelRead(ByteBuffer(bytes: [0x83, 0x00]))  // a reserved opcode
        pair.executor.pipeline.fireChannelReadComplete()
        pair.loop.run()
        #expect(!pair.executor.isActive)
        let toBrowser = try pair.outbound(pair.browser)
        #expect(toBrowser.map(\.opcode) == [.text, .connectionClose])
        #expect(toBrowser.last.flatMap(WebSocketWire.closeCode) == .unexpectedServerError)
    }

    @Test func aMalformedBrowserFrameIsAnsweredWithProtocolErrorAndTheExecutorToldGoingAway() throws {
        let pair = try Pair()
        pair.browser.pipeline.fireChannelRead(ByteBuffer(bytes: [0x09, 0x80, 0, 0, 0, 0]))  // a fragmented ping
        pair.browser.pipeline.fireChannelReadComplete()
        let toBrowser = try pair.outbound(pair.browser)
        #expect(toBrowser.map(\.opcode) == [.connectionClose])
        #expect(toBrowser.first.flatMap(WebSocketWire.closeCode) == .protocolError)
        let toExecutor = try pair.outbound(pair.executor)
        #expect(toExecutor.map(\.opcode) == [.connectionClose])
        #expect(toExecutor.first.flatMap(WebSocketWire.closeCode) == .goingAway)
        #expect(toExecutor.first?.maskKey != nil)
    }

    @Test func aFailingExecutorGivesTheBrowserAnUnexpectedServerErrorClose() throws {
        let pair = try Pair()
        pair.executor.pipeline.fireErrorCaught(ChannelError.ioOnClosedChannel)
        pair.loop.run()
        #expect(!pair.executor.isActive)
        let toBrowser = try pair.outbound(pair.browser)
        #expect(toBrowser.map(\.opcode) == [.connectionClose])
        #expect(toBrowser.first.flatMap(WebSocketWire.closeCode) == .unexpectedServerError)
    }

    @Test func anExecutorThatEndsInsideAFrameClosesTheBrowserWithoutAFrameOfItsOwn() throws {
        let pair = try Pair()
        let (first, _) = try pair.executorSendsHalfAFrame()
        try pair.executor.close().wait()
        pair.loop.run()
        #expect(try pair.written(pair.browser) == first)
        #expect(!pair.browser.isActive)
    }

    @Test func aBrowserThatGoesAwayIsReportedToTheExecutor() throws {
        let pair = try Pair()
        try pair.browser.close().wait()
        pair.loop.run()
        let toExecutor = try pair.outbound(pair.executor)
        #expect(toExecutor.map(\.opcode) == [.connectionClose])
        #expect(toExecutor.first.flatMap(WebSocketWire.closeCode) == .goingAway)
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
        #expect(try pair.outbound(pair.browser).first.flatMap(WebSocketWire.closeCode) == .goingAway)
        let toExecutor = try pair.outbound(pair.executor)
        #expect(toExecutor.first.flatMap(WebSocketWire.closeCode) == .goingAway)
        #expect(toExecutor.first?.maskKey != nil)
        pair.loop.advanceTime(by: .seconds(11))
        #expect(!pair.browser.isActive && !pair.executor.isActive)
    }

    /// A frame half relayed is finished before the gateway's own close goes after it.
    @Test func shutdownInsideAFrameWaitsForItsEnd() throws {
        let pair = try Pair()
        let (first, rest) = try pair.executorSendsHalfAFrame()
        pair.session.shutdown()
        #expect(try pair.written(pair.browser) == first)
        pair.fromExecutor(rest)
        try Self.expectRestThenGoingAway(pair.written(pair.browser), rest: rest)
    }

    /// `written` is `rest`, then the gateway's `goingAway` close and nothing else.
    static func expectRestThenGoingAway(_ written: ByteBuffer, rest: ByteBuffer) throws {
        var written = written
        #expect(written.readSlice(length: rest.readableBytes) == rest)
        let frames = try WebSocketWire.frames(written)
        #expect(frames.map(\.opcode) == [.connectionClose])
        #expect(frames.first.flatMap(WebSocketWire.closeCode) == .goingAway)
    }

    /// Chromium fails a socket that gets a second close frame ("Close received after close"):
    /// after a shutdown's `goingAway`, each side's answer must not be relayed as another close.
    @Test func afterShutdownEachSideGetsOneCloseFrameAndNothingElse() throws {
        let pair = try Pair()
        pair.session.shutdown()
        #expect(try pair.outbound(pair.browser).map(\.opcode) == [.connectionClose])
        #expect(try pair.outbound(pair.executor).map(\.opcode) == [.connectionClose])
        try pair.fromExecutor(WebSocketWire.close(.goingAway))
        try pair.fromBrowser(
            WebSocketWire.text("late", masked: true), WebSocketWire.text("p", opcode: .ping, masked: true),
            WebSocketWire.close(.goingAway, masked: true)
        )
        #expect(try pair.written(pair.browser).readableBytes == 0)
        #expect(try pair.written(pair.executor).readableBytes == 0)
        pair.loop.run()
        #expect(!pair.browser.isActive && !pair.executor.isActive)
    }

    /// With a close owed, the executor's bytes stop at the first frame end of a read: the
    /// close goes in there, and nothing after it reaches the browser (not even the
    /// executor's own close: one close per side).
    @Test func anOwedCloseGoesInAtTheFirstFrameEndOfARead() throws {
        let pair = try Pair()
        let (_, rest) = try pair.executorSendsHalfAFrame()
        pair.session.shutdown()
        _ = try pair.written(pair.browser)
        var read = rest
        var after = try WebSocketWire.bytes([WebSocketWire.text("after"), WebSocketWire.close(.normalClosure)])
        read.writeBuffer(&after)
        pair.fromExecutor(read)
        try Self.expectRestThenGoingAway(pair.written(pair.browser), rest: rest)
    }

    @Test func aBrowserFrameOverTheLimitIsAnsweredWithMessageTooLarge() throws {
        let pair = try Pair()
        var header = ByteBuffer(bytes: [0x82, 0xFF])
        header.writeInteger(UInt64(1 << 20) + 1)
        header.writeBytes([1, 2, 3, 4])
        pair.browser.pipeline.fireChannelRead(header)
        pair.browser.pipeline.fireChannelReadComplete()
        #expect(try pair.outbound(pair.browser).first.flatMap(WebSocketWire.closeCode) == .messageTooLarge)
        #expect(try pair.outbound(pair.executor).first.flatMap(WebSocketWire.closeCode) == .goingAway)
    }

    /// A browser held back because the executor could not take more is read again once
    /// the executor's connection is gone, so its close answer is seen.
    @Test func theBrowserIsReadAgainWhenTheExecutorIsGone() throws {
        let pair = try Pair()
        let browserReads = ReadCounter()
        try pair.browser.pipeline.syncOperations.addHandler(browserReads, position: .first)
        pair.executor.isWritable = false
        pair.executor.pipeline.fireChannelWritabilityChanged()
        pair.browser.read()
        #expect(browserReads.reads == 0)
        try pair.executor.close().wait()
        pair.loop.run()
        #expect(browserReads.reads == 1)
    }

    @Test func theBrowserIsPingedOnSchedule() throws {
        let pair = try Pair()
        pair.loop.advanceTime(by: .seconds(26))
        let pings = try pair.outbound(pair.browser)
        #expect(pings.map(\.opcode) == [.ping])
        #expect(pings.first?.maskKey == nil)
    }

    @Test func aPingDueInsideAFrameGoesAfterIt() throws {
        let pair = try Pair(pingInterval: .seconds(1))
        let (_, rest) = try pair.executorSendsHalfAFrame()
        pair.loop.advanceTime(by: .milliseconds(1500))
        pair.fromExecutor(rest)
        #expect(try pair.outbound(pair.browser).map(\.opcode) == [.binary, .ping])
    }
}
