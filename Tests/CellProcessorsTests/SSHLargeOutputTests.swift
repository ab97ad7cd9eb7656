import Foundation
import XCTest

@testable import CellProcessors

/// Much output arrives completely, and a slow consumer does not make memory grow.
final class SSHLargeOutputTests: XCTestCase {
    var server: SSHTestServer!

    override func setUpWithError() throws {
        server = try SSHTestServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func testFiftyMegabytesArriveCompletelyWithBoundedMemory() async throws {
        let key = try server.makeKey("ed25519")
        let total = 50 * 1024 * 1024
        let counter = ByteCounter()
        let baseline = ByteCounter.residentBytes()
        let exit = try await runSSH(server.target(key: key), "head -c \(total) /dev/zero", bound: 300) { stream, bytes in
            // Stall on the first chunk: an unbounded buffer would now take in all 50 MB.
            if await counter.add(stream, bytes.count) == bytes.count {
                try? await Task.sleep(for: .seconds(1))
            }
            await counter.sampleMemory()
        }
        XCTAssertEqual(exit.exitStatus, 0)
        let counted = await counter.stdout
        let stderr = await counter.stderr
        let peak = await counter.peakResident
        XCTAssertEqual(counted, total)
        XCTAssertEqual(stderr, 0)
        XCTAssertLessThan(peak - baseline, 30 * 1024 * 1024, "resident memory grew by \(peak - baseline) bytes")
    }
}

/// Counts bytes without keeping them, and the highest resident memory seen.
actor ByteCounter {
    private(set) var stdout = 0
    private(set) var stderr = 0
    private(set) var peakResident = 0

    func add(_ stream: SSHOutputStream, _ count: Int) -> Int {
        switch stream {
        case .stdout: stdout += count
        case .stderr: stderr += count
        }
        return stdout + stderr
    }

    func sampleMemory() {
        peakResident = max(peakResident, ByteCounter.residentBytes())
    }

    /// Resident set size from /proc/self/statm (pages × page size).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
