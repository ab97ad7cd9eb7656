import XCTest

@testable import CellProcessors

/// Reading a key's armour without libssh2 (no server needed).
final class SSHPrivateKeyTests: XCTestCase {
    func testRecognisesPEMKinds() throws {
        let rsa = try SSHPrivateKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----")
        XCTAssertEqual(rsa.kind, .rsa)
        XCTAssertEqual(rsa.format, .pem)
        XCTAssertFalse(rsa.isEncrypted)
        let ec = try SSHPrivateKey("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----")
        XCTAssertEqual(ec.kind, .ecdsa)
        XCTAssertTrue(ec.isEncrypted)
    }

    func testRestoresLinesOfAKeyPastedOnOneLine() throws {
        let key = try SSHPrivateKey("  -----BEGIN RSA PRIVATE KEY----- AAAA BBBB -----END RSA PRIVATE KEY-----  ")
        XCTAssertEqual(key.text, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\nBBBB\n-----END RSA PRIVATE KEY-----\n")
    }

    func testRejectsAPublicKey() {
        XCTAssertThrowsError(try SSHPrivateKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@host")) { error in
            XCTAssertEqual((error as? SSHError)?.code, SSHError.Code.badPrivateKey)
            XCTAssertTrue((error as? SSHError)?.message.contains("public key") ?? false)
        }
    }

    func testRejectsEd25519InPKCS8WithAWayOut() {
        // PKCS#8 ed25519 as `openssl genpkey -algorithm ed25519` writes it.
        let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGk6d8Y0aLqVv8GZ1Z3o3dG5x2j8hC2Yh0jJkzWm9p3N\n-----END PRIVATE KEY-----"
        XCTAssertThrowsError(try SSHPrivateKey(pem)) { error in
            XCTAssertTrue((error as? SSHError)?.message.contains("ssh-keygen -p") ?? false)
        }
    }

    func testHostKeyMatchingIsLenientAboutForm() {
        let key = SSHHostKey(sha256: Array(repeating: 0, count: 32), algorithm: "ssh-ed25519")
        XCTAssertEqual(key.fingerprint, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        XCTAssertTrue(key.matches(" sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "))
        XCTAssertTrue(key.matches("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        XCTAssertFalse(key.matches("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"))
    }
}
