import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Gateway

@Suite struct TLSRecordCoalescerTests {
    /// The coalescer on the socket side, NIO's answer encoder after it (as in the gateway).
    static func answerChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(TLSRecordCoalescer())
        try channel.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
        return try Self.connected(channel)
    }

    /// The coalescer holds writes only on an open connection.
    static func connected(_ channel: EmbeddedChannel) throws -> EmbeddedChannel {
        try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func drain(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var out: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out.append(buffer) }
        return out
    }

    @Test func anAnswersHeadBodyAndEndLeaveAsOneBuffer() throws {
        let channel = try Self.answerChannel()
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": "5", "X-Request-Id": "abc"])
        var promises: [EventLoopFuture<Void>] = []
        for part: HTTPServerResponsePart in [.head(head), .body(.byteBuffer(ByteBuffer(string: "hello"))), .end(nil)] {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            channel.write(part, promise: promise)
            promises.append(promise.futureResult)
        }
        #expect(try Self.drain(channel).isEmpty, "nothing leaves before the flush")
        channel.flush()
        let out = try Self.drain(channel)
        #expect(out.count == 1)
        #expect(String(buffer: out[0]) == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Request-Id: abc\r\n\r\nhello")
        for future in promises { try future.wait() }
        _ = try channel.finish()
    }

    @Test func eachFlushIsItsOwnBuffer() throws {
        let channel = try Self.connected(EmbeddedChannel(handler: TLSRecordCoalescer()))
        try channel.writeOutbound(ByteBuffer(string: "one"))
        try channel.writeOutbound(ByteBuffer(string: "two"))
        #expect(try Self.drain(channel).map { String(buffer: $0) } == ["one", "two"])
        _ = try channel.finish()
    }

    @Test func aJoinedBufferNeverOutgrowsOneRecord() throws {
        let channel = try Self.connected(EmbeddedChannel(handler: TLSRecordCoalescer()))
        let tenK = ByteBuffer(repeating: UInt8(ascii: "a"), count: 10 * 1024)
        let sixK = ByteBuffer(repeating: UInt8(ascii: "b"), count: 6 * 1024)
        let small = ByteBuffer(string: "end")
        channel.write(tenK, promise: nil)
        channel.write(sixK, promise: nil)  // 16 KiB together: one record's worth
        channel.write(small, promise: nil)  // would overflow it: starts the next
        channel.flush()
        let out = try Self.drain(channel)
        #expect(out.map(\.readableBytes) == [16 * 1024, 3])
        #expect(out[0].getSlice(at: out[0].readerIndex + 10 * 1024, length: 6 * 1024) == sixK)
        _ = try channel.finish()
    }

    @Test func aLargeWriteGoesOnUncopiedAfterWhatWasHeld() throws {
        let channel = try Self.connected(EmbeddedChannel(handler: TLSRecordCoalescer()))
        let large = ByteBuffer(repeating: 7, count: 100_000)
        channel.write(ByteBuffer(string: "frame header"), promise: nil)
        channel.write(large, promise: nil)
        channel.write(ByteBuffer(string: "next"), promise: nil)
        channel.flush()
        let out = try Self.drain(channel)
        #expect(out.map(\.readableBytes) == [12, 100_000, 4])
        #expect(String(buffer: out[0]) == "frame header")
        // The same storage, not a copy.
        let same = out[1].withUnsafeReadableBytes { a in large.withUnsafeReadableBytes { b in a.baseAddress == b.baseAddress } }
        #expect(same)
        _ = try channel.finish()
    }

    @Test func emptyWritesJoinAndTheirPromisesComplete() throws {
        let channel = try Self.connected(EmbeddedChannel(handler: TLSRecordCoalescer()))
        let first = channel.eventLoop.makePromise(of: Void.self)
        let empty = channel.eventLoop.makePromise(of: Void.self)
        channel.write(ByteBuffer(string: "data"), promise: first)
        channel.write(ByteBuffer(), promise: empty)
        channel.flush()
        #expect(try Self.drain(channel).map { String(buffer: $0) } == ["data"])
        try first.futureResult.wait()
        try empty.futureResult.wait()
        _ = try channel.finish()
    }

    /// Notes every write that reaches the socket side, flushed or not.
    final class WriteRecorder: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var writes: [String] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            self.writes.append(String(buffer: self.unwrapOutboundIn(data)))
            context.write(data, promise: promise)
        }
    }

    static func recorded() throws -> (EmbeddedChannel, TLSRecordCoalescer, WriteRecorder) {
        let recorder = WriteRecorder()
        let coalescer = TLSRecordCoalescer()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.pipeline.syncOperations.addHandler(coalescer)
        return (try Self.connected(channel), coalescer, recorder)
    }

    @Test func aCloseSendsWhatWasHeldAheadOfIt() throws {
        let (channel, coalescer, recorder) = try Self.recorded()
        channel.write(ByteBuffer(string: "un"), promise: nil)
        channel.write(ByteBuffer(string: "flushed"), promise: nil)
        #expect(coalescer.heldBytes == 9)
        #expect(recorder.writes.isEmpty)
        channel.close(mode: .output, promise: nil)
        #expect(coalescer.heldBytes == 0)
        #expect(recorder.writes == ["unflushed"])
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    @Test func aHeldWriteIsPassedOnWhenTheConnectionEnds() throws {
        let (channel, coalescer, recorder) = try Self.recorded()
        channel.write(ByteBuffer(string: "held"), promise: nil)
        #expect(coalescer.heldBytes == 4)
        channel.pipeline.fireChannelInactive()
        #expect(coalescer.heldBytes == 0, "passed on, to fail with the channel's other writes")
        #expect(recorder.writes == ["held"])
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    @Test func afterTheConnectionEndedWritesPassStraightOn() throws {
        let (channel, coalescer, recorder) = try Self.recorded()
        channel.pipeline.fireChannelInactive()
        _ = try? channel.close().wait()
        channel.write(ByteBuffer(string: "late"), promise: nil)
        #expect(coalescer.heldBytes == 0)
        #expect(recorder.writes == ["late"])
    }
}
