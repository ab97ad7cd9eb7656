import Foundation
import XCTest

@testable import CellProcessors

/// The hand-off between the session thread and the caller, without a server.
final class SSHOutputPipeTests: XCTestCase {
    /// A writer far ahead of the reader never has more than `limit` bytes waiting
    /// (plus the one chunk that crossed it).
    func testWriterIsHeldBackAtTheLimit() async throws {
        let pipe = try SSHOutputPipe(limit: 4096)
        let chunk = [UInt8](repeating: 7, count: 1024)
        Thread {
            for _ in 0..<200 { _ = pipe.write(.stdout, chunk) }
            pipe.finish(.cancelled)
        }.start()
        var received = 0
        loop: while true {
            XCTAssertLessThanOrEqual(pipe.bufferedBytes, 4096 + 1024)
            switch await pipe.next() {
            case .output(_, let bytes): received += bytes.count
            case .finished: break loop
            }
            await Task.yield()
        }
        XCTAssertEqual(received, 200 * 1024)
    }

    /// Cancelling releases a writer blocked on a full buffer and keeps the final event.
    func testCancelReleasesABlockedWriter() async throws {
        let pipe = try SSHOutputPipe(limit: 10)
        let released = expectation(description: "the writer was released")
        Thread {
            while pipe.write(.stderr, [1, 2, 3, 4, 5, 6]) {}
            pipe.finish(.cancelled)
            released.fulfill()
        }.start()
        pipe.cancel()
        await fulfillment(of: [released], timeout: 10)
        guard case .finished(.cancelled) = await pipe.next() else { return XCTFail("expected the final event") }
    }
}
