import Foundation
import XCTest

@testable import CellProcessors

/// Collects what a run printed, in arrival order.
actor SSHOutputRecorder {
    private(set) var stdout: [UInt8] = []
    private(set) var stderr: [UInt8] = []
    private(set) var chunks: [(SSHOutputStream, String)] = []

    func append(_ stream: SSHOutputStream, _ bytes: [UInt8]) {
        switch stream {
        case .stdout: stdout += bytes
        case .stderr: stderr += bytes
        }
        chunks.append((stream, String(decoding: bytes, as: UTF8.self)))
    }

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

extension XCTestCase {
    /// Runs over SSH, failing the test (instead of hanging it) if the run has not ended
    /// within `bound` seconds — a generous "did not hang" bound, not a timing assertion.
    func runSSH(
        _ target: SSHTarget,
        _ command: String,
        bound: TimeInterval = 60,
        connectTimeout: Double = 10,
        output: @escaping @Sendable (SSHOutputStream, [UInt8]) async -> Void = { _, _ in }
    ) async throws -> SSHExit {
        let ended = expectation(description: "the SSH run ended")
        let task = Task {
            defer { ended.fulfill() }
            return try await SSHRunner.run(target, command: command, connectTimeout: connectTimeout, output: output)
        }
        await fulfillment(of: [ended], timeout: bound)
        task.cancel()
        return try await task.value
    }

    /// The error a run threw, or a test failure if it did not throw one.
    func sshError(_ target: SSHTarget, _ command: String = "true", connectTimeout: Double = 10) async -> SSHError? {
        do {
            _ = try await runSSH(target, command, connectTimeout: connectTimeout)
            XCTFail("expected an SSHError")
        } catch let error as SSHError {
            return error
        } catch {
            XCTFail("expected an SSHError, got \(error)")
        }
        return nil
    }
}
