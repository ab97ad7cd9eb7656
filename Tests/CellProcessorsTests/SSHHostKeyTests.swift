import Foundation
import XCTest

@testable import CellProcessors

/// Host key pinning, trust on first use, and failures before authentication.
final class SSHHostKeyTests: XCTestCase {
    var server: SSHTestServer!

    override func tearDown() {
        server?.stop()
    }

    func testFirstUseReportsTheFingerprintSSHKeygenPrints() async throws {
        server = try SSHTestServer(hostKeyTypes: ["ed25519", "ecdsa"])
        let key = try server.makeKey("ed25519")
        let exit = try await runSSH(server.target(key: key), "true")
        XCTAssertEqual(exit.hostKey, try server.hostKeyFingerprint("ed25519"))
        XCTAssertEqual(exit.hostKeyAlgorithm, "ssh-ed25519")
    }

    func testPinnedKeyIsAccepted() async throws {
        server = try SSHTestServer()
        let key = try server.makeKey("ed25519")
        let pinned = try server.hostKeyFingerprint()
        let exit = try await runSSH(server.target(key: key, expectedHostKey: pinned), "exit 0")
        XCTAssertEqual(exit.exitStatus, 0)
        XCTAssertEqual(exit.hostKey, pinned)
    }

    func testOtherPinnedKeyIsAMismatchShowingBoth() async throws {
        server = try SSHTestServer()
        let key = try server.makeKey("ed25519")
        let wrong = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        let error = await sshError(server.target(key: key, expectedHostKey: wrong))
        XCTAssertEqual(error?.code, SSHError.Code.hostKeyMismatch)
        let message = error?.message ?? ""
        XCTAssertTrue(message.contains(wrong), message)
        XCTAssertTrue(message.contains(try server.hostKeyFingerprint()), message)
        XCTAssertTrue(message.contains("clear the pinned host key"), message)
    }

    func testClosedPortIsConnectFailed() async throws {
        let port = try SSHTestServer.freePort()
        let target = SSHTarget(host: "127.0.0.1", port: port, username: "nobody", privateKey: SSHHostKeyTests.someKey)
        let error = await sshError(target)
        XCTAssertEqual(error?.code, SSHError.Code.connectFailed)
        XCTAssertTrue(error?.message.contains("127.0.0.1:\(port)") ?? false)
    }

    func testSilentServerTimesOut() async throws {
        let listener = try SSHTestListener()
        defer { listener.close() }
        let target = SSHTarget(host: "127.0.0.1", port: listener.port, username: "nobody", privateKey: SSHHostKeyTests.someKey)
        let error = await sshError(target, connectTimeout: 0.5)
        XCTAssertEqual(error?.code, SSHError.Code.timeout)
    }

    /// A syntactically valid ed25519 key (never authorized anywhere).
    static let someKey = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACBzcGluLXJ1bnRpbWUtdGVzdC1vbmx5LXB1YmxpYy1rAAAAAAAAAAAAAAAA
        -----END OPENSSH PRIVATE KEY-----
        """
}
