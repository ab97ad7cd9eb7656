import Foundation
import NIOCore
import NIOPosix
import NIOWebSocket
import Synchronization
import Testing
import ZeroMQTransport

@testable import Executor

@Suite struct WebSocketClientSinkOrderTests {
    /// Notes the text of every frame written to the channel, in order, and drops it.
    final class FrameRecorder: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = WebSocketFrame
        let texts = Mutex<[String]>([])

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let text = String(buffer: self.unwrapOutboundIn(data).unmaskedData)
            self.texts.withLock { $0.append(text) }
            promise?.succeed(())
        }
    }

    /// A kernel driven from a connection's handler delivers on that connection's loop;
    /// its frame must still go out after frames other threads delivered before it.
    @Test func aDeliveryOnTheLoopGoesOutAfterOnesQueuedFromAnotherThread() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let recorder = FrameRecorder()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(recorder) }
            }
            .withConnectedSocket(fds[0]).get()
        let sink = WebSocketClientSink(channel: channel, wire: .json(selected: nil), backlog: IopubGate().makeBacklog())
        try await channel.eventLoop.submit {
            // While the loop is busy here, another thread delivers: its write waits in
            // the loop's queue. Then this loop delivers.
            let queued = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                _ = sink.deliver(.text(Array("first".utf8)))
                queued.signal()
            }
            queued.wait()
            _ = sink.deliver(.text(Array("second".utf8)))
        }.get()
        try await channel.eventLoop.submit {}.get()  // behind both writes
        #expect(recorder.texts.withLock { $0 } == ["first", "second"])
        try await channel.close()
        close(fds[1])
        try await group.shutdownGracefully()
    }
}
