import Foundation
import Testing

@testable import Gateway

@Suite struct RunAsTests {
    let token = String(repeating: "k", count: 40)

    @Test func unsetMeansStayingWhoItStartedAs() throws {
        #expect(try GatewayConfiguration.load(environment: ["SPIN_TOKEN": token]).runAs == nil)
    }

    @Test(arguments: [("10001:10001", RunAs(uid: 10001, gid: 10001)), ("10001", RunAs(uid: 10001, gid: 10001)), ("1000:20", RunAs(uid: 1000, gid: 20))])
    func numericUserAndGroup(raw: String, expected: RunAs) throws {
        #expect(try GatewayConfiguration.load(environment: ["SPIN_TOKEN": token, "SPIN_RUN_AS": raw]).runAs == expected)
    }

    @Test(arguments: ["spin", "10001:", ":10001", "1:2:3", "-5", "0", "0:0", "10001:0", "99999999999"])
    func anythingElseIsAConfigurationError(raw: String) {
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(environment: ["SPIN_TOKEN": token, "SPIN_RUN_AS": raw])
        }
    }
}

@Suite struct HeldFileTests {
    /// Runs `body` with the path of a file holding `contents`, in a folder of its own.
    func withFile(_ contents: String, _ body: (_ path: String, _ folder: URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("held-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("key.pem").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        try body(path, folder)
    }

    @Test func aFileRewrittenInPlaceIsReadThroughTheSameDescriptor() throws {
        try self.withFile("first") { path, _ in
            let held = try HeldFile(path: path)
            #expect(try held.read() == Array("first".utf8))
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data("second, longer".utf8))
            try handle.close()
            #expect(try held.read() == Array("second, longer".utf8))
        }
    }

    @Test func aFileRenamedIntoPlaceIsOpenedAnew() throws {
        try self.withFile("old") { path, folder in
            let held = try HeldFile(path: path)
            let replacement = folder.appendingPathComponent("key.tmp").path
            try Data("renewed".utf8).write(to: URL(fileURLWithPath: replacement))
            #expect(rename(replacement, path) == 0)
            #expect(try held.read() == Array("renewed".utf8))
        }
    }

    @Test func theDescriptorIsNotInheritedByChildren() throws {
        try self.withFile("secret") { path, _ in
            let held = try HeldFile(path: path)
            _ = try held.read()
            let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { Int32($0) }
            let open = descriptors.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path }
            #expect(open.count == 1)
            #expect(open.allSatisfy { fcntl($0, F_GETFD) & FD_CLOEXEC != 0 })
        }
    }

    @Test func aMissingFileSaysWhy() {
        #expect(throws: HeldFile.Failure.self) { try HeldFile(path: "/nonexistent/spin/key.pem") }
        let source = Result { try TLSSource(.init(certificatePath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")) }
        guard case .failure(let error as ConfigurationError) = source else {
            Issue.record("expected a configuration error")
            return
        }
        #expect(error.message.contains("SSL_CERT_FILE=/nonexistent/cert.pem could not be opened"))
        #expect(error.message.contains("No such file"))
    }
}
