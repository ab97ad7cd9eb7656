import Foundation
import XCTest

/// A real HTTPS server for the transfer tests: a test CA and a server certificate
/// for localhost/127.0.0.1 made with `openssl` in a temp folder, and Python's
/// http.server behind ssl on a free loopback port. It exits when the test process
/// closes its stdin (so it never outlives the tests) or on `stop()`.
///
/// `@unchecked Sendable`: only immutable fields.
/// The shared server's folder, removed when the test process exits (tests of
/// several classes use its files until then).
nonisolated(unsafe) private var serverFolder: String?

final class HTTPTestServer: @unchecked Sendable {
    let folder: URL
    let port: Int
    /// Serves a certificate from the test CA issued for `wrong.example` only.
    let wrongNamePort: Int
    private let process: Process
    private let stdin: Pipe

    var caFile: String { folder.appendingPathComponent("ca.pem").path }
    var unrelatedCAFile: String { folder.appendingPathComponent("other.pem").path }
    var caDirectory: String { folder.appendingPathComponent("cadir").path }
    var unrelatedCADirectory: String { folder.appendingPathComponent("otherdir").path }
    var plainDirectory: String { folder.appendingPathComponent("plain").path }

    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    /// One server for all tests; nil (tests skip) when openssl or python3 is missing.
    static let shared: Result<HTTPTestServer, any Error> = Result { try HTTPTestServer() }

    static func require() throws -> HTTPTestServer {
        switch shared {
        case .success(let server): return server
        case .failure(let error): throw XCTSkip("no local HTTPS server: \(error)")
        }
    }

    private init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("spin-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        serverFolder = folder.path
        atexit { if let folder = serverFolder { try? FileManager.default.removeItem(atPath: folder) } }
        try Self.shell(Self.certificateScript, in: folder)
        try Self.serverScript.write(to: folder.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "server.py"]
        process.currentDirectoryURL = folder
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw ServerError(text: "the python server exited before printing its port") }
            line.append(chunk)
        }
        let ports = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard ports.count == 2 else { throw ServerError(text: "the python server printed no ports") }
        port = ports[0]
        wrongNamePort = ports[1]
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }

    struct ServerError: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }

    static func shell(_ script: String, in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ServerError(text: "shell script failed (\(process.terminationStatus))") }
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, then closed).
    static func closedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static let certificateScript = """
        set -e
        EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        CA_EXT="-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
        openssl req -x509 $EC -keyout ca.key -out ca.pem -days 2 -subj "/CN=SPIN Test CA" $CA_EXT
        openssl req -x509 $EC -keyout other.key -out other.pem -days 2 -subj "/CN=Unrelated Test CA" $CA_EXT
        openssl req $EC -keyout server.key -out server.csr -subj "/CN=localhost"
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext.cnf
        openssl req $EC -keyout wrong.key -out wrong.csr -subj "/CN=wrong.example"
        printf 'subjectAltName=DNS:wrong.example\\nextendedKeyUsage=serverAuth\\n' > wrong.cnf
        openssl x509 -req -in wrong.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out wrong.pem -days 2 -extfile wrong.cnf
        mkdir cadir otherdir plain
        cp ca.pem cadir/ && cp other.pem otherdir/ && cp ca.pem plain/
        openssl rehash cadir otherdir
        """
}
