import Foundation
import ProcessSupport

/// How to start the executor: its binary and the environment it gets.
struct ExecutorLaunch: Sendable {
    let binary: String
    let environment: [String: String]
    let socketPath: String

    /// Variables the executor never receives: the token, and the gateway's server key/cert.
    static let withheld: Set<String> = ["SPIN_TOKEN", "SSL_CERT_FILE", "SSL_KEY_FILE"]

    init(configuration: GatewayConfiguration, environment: [String: String], gatewayExecutable: String) {
        self.binary = configuration.executorBinary
            ?? URL(fileURLWithPath: gatewayExecutable).deletingLastPathComponent().appendingPathComponent("spin-executor").path
        self.socketPath = configuration.executorSocket
        var env = environment.filter { !Self.withheld.contains($0.key) }
        env["SPIN_HOME"] = configuration.home
        env["SPIN_EXECUTOR_SOCKET"] = configuration.executorSocket
        env["SPIN_LOG_LEVEL"] = configuration.logLevel.rawValue
        env["SPIN_LOG_FORMAT"] = configuration.logFormat.rawValue
        env[Lifeline.environmentVariable] = "\(Lifeline.childDescriptor)"
        self.environment = env
    }

    /// Creates the socket's folder (mode 0700) before each start.
    func prepare() throws {
        let folder = URL(fileURLWithPath: self.socketPath).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// The running gateway's own executable path.
    static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
