import NIOCore
import NIOPosix
import Testing

@testable import Executor

@Suite struct EventLoopTaskExecutorTests {
    /// A connection's handling preferring its loop stays on it, across suspensions and
    /// in its child tasks.
    @Test func aPreferringTaskAndItsChildrenRunOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (start, resumed, child) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let start = loop.inEventLoop
            try? await Task.sleep(for: .milliseconds(5))
            let resumed = loop.inEventLoop
            async let child = Self.isOn(loop)
            return (start, resumed, await child)
        }
        #expect(start && resumed && child)
        #expect(!loop.inEventLoop, "the caller is back where it was")
        try await group.shutdownGracefully()
    }

    /// The kernel WebSocket's handling names Swift's global executor, and leaves the loop.
    @Test func theGlobalExecutorOverridesThePreference() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let (before, inside) = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let before = loop.inEventLoop
            let inside = await withTaskExecutorPreference(globalConcurrentExecutor) { await Self.isOn(loop) }
            return (before, inside)
        }
        #expect(before)
        #expect(!inside)
        try await group.shutdownGracefully()
    }

    nonisolated static func isOn(_ loop: any EventLoop) async -> Bool {
        loop.inEventLoop
    }
}
