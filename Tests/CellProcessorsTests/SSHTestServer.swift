import Foundation
import XCTest

@testable import CellProcessors

/// A real OpenSSH server for the SSH tests: its own config, host keys and authorized_keys
/// in a temp folder, listening on a free loopback port, stopped by its PID.
final class SSHTestServer: @unchecked Sendable {
    let directory: URL
    let port: Int
    let username: String
    private var pid: pid_t = 0

    /// Starts `sshd -D -e`; skips the test when OpenSSH's server is not installed.
    init(hostKeyTypes: [String] = ["ed25519"], extraConfig: String = "") throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            throw XCTSkip("/usr/sbin/sshd is not installed (apt-get install openssh-server)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spin-sshd-\(UUID().uuidString)")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SSHTestServer.tool("/bin/mkdir", "-p", "-m0755", "/run/sshd")
        for type in hostKeyTypes {
            try SSHTestServer.tool("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-f", directory.appendingPathComponent("host_\(type)").path)
        }
        try Data().write(to: directory.appendingPathComponent("authorized_keys"))
        username = try SSHTestServer.tool("/usr/bin/whoami").trimmingCharacters(in: .whitespacesAndNewlines)
        port = try SSHTestServer.freePort()
        let config = ["Port \(port)", "ListenAddress 127.0.0.1"]
            + hostKeyTypes.map { "HostKey \(directory.path)/host_\($0)" }
            + [
                "PidFile \(directory.path)/sshd.pid", "AuthorizedKeysFile \(directory.path)/authorized_keys",
                "UsePAM no", "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password", extraConfig,
            ]
        let configPath = directory.appendingPathComponent("sshd_config").path
        try config.joined(separator: "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        pid = try SSHTestServer.spawn("/usr/sbin/sshd", ["-D", "-e", "-f", configPath], stdout: "/dev/null", stderr: directory.appendingPathComponent("sshd.log").path)
        try waitUntilListening()
    }

    /// Stops sshd by its PID and removes the folder.
    func stop() {
        if pid > 0 {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            pid = 0
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The fingerprint `ssh-keygen -lf` prints for one of the host keys.
    func hostKeyFingerprint(_ type: String = "ed25519") throws -> String {
        let line = try SSHTestServer.tool("/usr/bin/ssh-keygen", "-lf", directory.appendingPathComponent("host_\(type).pub").path)
        return String(line.split(separator: " ")[1])
    }

    /// Makes a key pair with ssh-keygen (extra arguments such as `-m PEM`), authorizes its
    /// public key unless told not to, and returns the private key text.
    func makeKey(_ type: String, passphrase: String = "", extra: [String] = [], authorize: Bool = true) throws -> String {
        let path = directory.appendingPathComponent("id_\(UUID().uuidString)").path
        let size = type == "rsa" ? ["-b", "2048"] : []
        try SSHTestServer.tool("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", passphrase, "-f", path] + size + extra)
        if authorize {
            let publicKey = try String(contentsOfFile: path + ".pub", encoding: .utf8)
            let handle = try FileHandle(forWritingTo: directory.appendingPathComponent("authorized_keys"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(publicKey.utf8))
            try handle.close()
        }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    func target(key: String, passphrase: String? = nil, expectedHostKey: String? = nil) -> SSHTarget {
        SSHTarget(host: "127.0.0.1", port: port, username: username, privateKey: key, passphrase: passphrase, expectedHostKey: expectedHostKey)
    }

    @discardableResult
    static func tool(_ path: String, _ arguments: String...) throws -> String {
        try tool(path, arguments)
    }

    /// Runs a tool to completion and returns its stdout. (posix_spawn + waitpid: Foundation's
    /// Process hung here waiting for a child that had already exited.)
    @discardableResult
    static func tool(_ path: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("spin-tool-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try spawn(path, arguments, stdout: output)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else { throw XCTSkip("\(path) failed with wait status \(status)") }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// Starts a program with stdout (and stderr) sent to a file; returns its PID.
    static func spawn(_ path: String, _ arguments: [String], stdout: String, stderr: String = "/dev/null") throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard result == 0 else { throw XCTSkip("could not start \(path): \(String(cString: strerror(result)))") }
        return pid
    }

    /// A loopback port nothing listens on right now.
    static func freePort() throws -> Int {
        let listener = try SSHTestListener()
        defer { listener.close() }
        return listener.port
    }

    private func waitUntilListening() throws {
        for _ in 0..<200 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                break
            }
            if SSHTestListener.canConnect(port: port) { return }
            usleep(25_000)
        }
        stop()
        throw XCTSkip("sshd did not start on port \(port)")
    }
}
