import Foundation
import XCTest

@testable import CellProcessors

/// Key types, formats and passphrases, and the errors for keys that cannot work.
final class SSHAuthTests: XCTestCase {
    var server: SSHTestServer!

    override func setUpWithError() throws {
        server = try SSHTestServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func whoami(_ key: String, passphrase: String? = nil) async throws -> String {
        let recorder = SSHOutputRecorder()
        let exit = try await runSSH(server.target(key: key, passphrase: passphrase), "whoami") { await recorder.append($0, $1) }
        XCTAssertEqual(exit.exitStatus, 0)
        return await recorder.stdoutText
    }

    func testEd25519OpenSSHFormat() async throws {
        let key = try server.makeKey("ed25519")
        XCTAssertTrue(key.contains("BEGIN OPENSSH PRIVATE KEY"))
        let result = try await whoami(key)
        XCTAssertEqual(result, server.username + "\n")
    }

    func testEd25519WithPassphrase() async throws {
        let key = try server.makeKey("ed25519", passphrase: "correct horse")
        let result = try await whoami(key, passphrase: "correct horse")
        XCTAssertEqual(result, server.username + "\n")
    }

    func testEcdsaPEMFormat() async throws {
        let key = try server.makeKey("ecdsa", extra: ["-m", "PEM"])
        XCTAssertTrue(key.contains("BEGIN EC PRIVATE KEY"))
        let result = try await whoami(key)
        XCTAssertEqual(result, server.username + "\n")
    }

    func testEcdsaPEMWithPassphraseAndCRLFLineEnds() async throws {
        let key = try server.makeKey("ecdsa", passphrase: "pem-secret", extra: ["-m", "PEM"])
        let result = try await whoami(key.replacingOccurrences(of: "\n", with: "\r\n"), passphrase: "pem-secret")
        XCTAssertEqual(result, server.username + "\n")
    }

    func testWrongPassphraseIsBadPassphrase() async throws {
        let key = try server.makeKey("ed25519", passphrase: "right-one")
        let error = await sshError(server.target(key: key, passphrase: "wrong-one"))
        XCTAssertEqual(error?.code, SSHError.Code.badPassphrase)
        XCTAssertFalse(error?.message.contains("wrong-one") ?? true)
        let missing = await sshError(server.target(key: key))
        XCTAssertEqual(missing?.code, SSHError.Code.badPassphrase)
    }

    func testRSAKeyIsRefusedWithAnExplanation() async throws {
        let key = try server.makeKey("rsa")
        let error = await sshError(server.target(key: key))
        XCTAssertEqual(error?.code, SSHError.Code.rsaSHA1Refused)
        XCTAssertTrue(error?.message.contains("ssh-keygen -t ed25519") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("PubkeyAcceptedAlgorithms +ssh-rsa") ?? false, error?.message ?? "")
    }

    func testRSAKeyWorksWhereTheServerAllowsSSHRSA() async throws {
        server.stop()
        server = try SSHTestServer(extraConfig: "PubkeyAcceptedAlgorithms +ssh-rsa")
        let key = try server.makeKey("rsa", extra: ["-m", "PEM"])
        let result = try await whoami(key)
        XCTAssertEqual(result, server.username + "\n")
    }

    func testUnauthorizedKeyIsAuthFailedNamingUserAndHost() async throws {
        let key = try server.makeKey("ed25519", authorize: false)
        let error = await sshError(server.target(key: key))
        XCTAssertEqual(error?.code, SSHError.Code.authFailed)
        XCTAssertTrue(error?.message.contains("'\(server.username)'") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("127.0.0.1:\(server.port)") ?? false, error?.message ?? "")
    }

    func testGarbageKeyIsBadPrivateKeyWithoutEchoingIt() async throws {
        let garbage = "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90LWEta2V5LXN1cGVyc2VjcmV0\n-----END OPENSSH PRIVATE KEY-----\n"
        let error = await sshError(server.target(key: garbage))
        XCTAssertEqual(error?.code, SSHError.Code.badPrivateKey)
        XCTAssertFalse(error?.message.contains("bm90LWEta2V5") ?? true)
        let text = "super secret not a key"
        let plain = await sshError(server.target(key: text))
        XCTAssertEqual(plain?.code, SSHError.Code.badPrivateKey)
        XCTAssertFalse(plain?.message.contains("secret") ?? true)
        XCTAssertFalse("\(server.target(key: text, passphrase: "pw-xyz"))".contains("secret"))
    }

    func testCorruptKeyBodyIsBadPrivateKey() async throws {
        let key = try server.makeKey("ecdsa", extra: ["-m", "PEM"])
        let lines = key.split(separator: "\n")
        let corrupt = ([lines[0], "QUJDREVGR0hJSktMTU5PUA=="] + [lines[lines.count - 1]]).joined(separator: "\n")
        let error = await sshError(server.target(key: corrupt))
        XCTAssertEqual(error?.code, SSHError.Code.badPrivateKey)
        XCTAssertFalse(error?.message.contains("QUJDREVG") ?? true)
    }
}
