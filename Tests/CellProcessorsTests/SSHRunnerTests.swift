import Foundation
import XCTest

@testable import CellProcessors

/// Running scripts against a real sshd started by the test.
final class SSHRunnerTests: XCTestCase {
    var server: SSHTestServer!
    var key = ""

    override func setUpWithError() throws {
        server = try SSHTestServer()
        key = try server.makeKey("ed25519")
    }

    override func tearDown() {
        server?.stop()
    }

    func testWhoamiRunsAsTheUser() async throws {
        let recorder = SSHOutputRecorder()
        let exit = try await runSSH(server.target(key: key), "whoami") { await recorder.append($0, $1) }
        let stdout = await recorder.stdoutText
        let stderr = await recorder.stderrText
        XCTAssertEqual(stdout, server.username + "\n")
        XCTAssertEqual(stderr, "")
        XCTAssertEqual(exit.exitStatus, 0)
        XCTAssertNil(exit.exitSignal)
    }

    func testExitStatusIsReported() async throws {
        let exit = try await runSSH(server.target(key: key), "echo bye; exit 3")
        XCTAssertEqual(exit.exitStatus, 3)
        XCTAssertNil(exit.exitSignal)
    }

    func testKillingSignalIsReported() async throws {
        let exit = try await runSSH(server.target(key: key), "kill -KILL $$")
        XCTAssertNil(exit.exitStatus)
        XCTAssertEqual(exit.exitSignal, "KILL")
    }

    func testStderrIsSeparateFromStdout() async throws {
        let recorder = SSHOutputRecorder()
        _ = try await runSSH(server.target(key: key), "echo out; echo err >&2; echo out2") { await recorder.append($0, $1) }
        let stdout = await recorder.stdoutText
        let stderr = await recorder.stderrText
        XCTAssertEqual(stdout, "out\nout2\n")
        XCTAssertEqual(stderr, "err\n")
    }

    func testMultiLineScriptRunsInTheLoginShell() async throws {
        let recorder = SSHOutputRecorder()
        let script = "x=41\nif [ $x -lt 42 ]; then\n  echo \"$((x + 1))\"\nfi\ncat; echo stdin-closed"
        _ = try await runSSH(server.target(key: key), script) { await recorder.append($0, $1) }
        let stdout = await recorder.stdoutText
        XCTAssertEqual(stdout, "42\nstdin-closed\n")
    }

    /// The script prints a line and then waits until the test has *received* that line:
    /// if output were delivered only at the end, the run could never finish.
    func testOutputArrivesWhileTheScriptRuns() async throws {
        let gate = server.directory.appendingPathComponent("gate").path
        let script = "echo first; while [ ! -e '\(gate)' ]; do sleep 0.05; done; sleep 1; echo second"
        let recorder = SSHOutputRecorder()
        let exit = try await runSSH(server.target(key: key), script, bound: 30) { stream, bytes in
            await recorder.append(stream, bytes)
            if String(decoding: bytes, as: UTF8.self).contains("first") {
                _ = FileManager.default.createFile(atPath: gate, contents: Data())
            }
        }
        XCTAssertEqual(exit.exitStatus, 0)
        let chunks = await recorder.chunks.map(\.1)
        XCTAssertEqual(chunks.first, "first\n")
        XCTAssertEqual(chunks.joined(), "first\nsecond\n")
    }

    func testCancellationEndsARunningScriptPromptly() async throws {
        let started = expectation(description: "the script started")
        let ended = expectation(description: "the run ended")
        let target = server.target(key: key)
        let task = Task {
            defer { ended.fulfill() }
            return try await SSHRunner.run(target, command: "echo started; sleep 30") { _, bytes in
                if String(decoding: bytes, as: UTF8.self).contains("started") { started.fulfill() }
            }
        }
        await fulfillment(of: [started], timeout: 30)
        task.cancel()
        await fulfillment(of: [ended], timeout: 10)  // well below the script's 30 s
        do {
            _ = try await task.value
            XCTFail("a cancelled run must throw")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
    }

    func testCancelledBeforeStartThrowsCancellation() async throws {
        let target = server.target(key: key)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await SSHRunner.run(target, command: "true") { _, _ in }
        }
        do {
            _ = try await task.value
            XCTFail("a cancelled run must throw")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
    }
}
