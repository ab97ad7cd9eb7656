import Foundation

/// The executor's settings, read from the environment (SPEC §2).
public struct ExecutorConfiguration: Sendable {
    public var home: String
    public var socketPath: String
    public var poolSize: Int
    public var maxMessageBytes: Int
    public var shutdownGrace: Double
    public var environment: [String: String]
    /// `SPIN_JOURNAL`: `on` (default) or `off`.
    public var journalEnabled: Bool
    public var journalMaxKernelBytes: Int
    public var journalMaxTotalBytes: Int

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(environment: [String: String]) throws(Invalid) {
        self.environment = environment
        home = environment["SPIN_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/opt/spin"
        socketPath = environment["SPIN_EXECUTOR_SOCKET"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/run/executor.sock"
        poolSize = try Self.integer(environment, "SPIN_KERNEL_POOL", default: 1, range: 0...32)
        maxMessageBytes = try Self.integer(environment, "SPIN_MAX_MESSAGE_BYTES", default: 16 << 20, range: 1024...(1 << 30))
        shutdownGrace = Double(try Self.integer(environment, "SPIN_SHUTDOWN_GRACE", default: 10, range: 0...3600))
        journalEnabled = try Self.switch(environment, "SPIN_JOURNAL", default: true)
        journalMaxKernelBytes = try Self.integer(environment, "SPIN_JOURNAL_MAX_KERNEL_BYTES", default: 64 << 20, range: 4096...(1 << 40))
        journalMaxTotalBytes = try Self.integer(environment, "SPIN_JOURNAL_MAX_TOTAL_BYTES", default: 1 << 30, range: 4096...(1 << 44))
        guard socketPath.utf8.count < 108 else {
            throw Invalid(description: "SPIN_EXECUTOR_SOCKET is too long for a Unix socket path (at most 107 bytes): choose a shorter path.")
        }
    }

    public var stateFolder: String { "\(home)/var" }
    public var connectionFolder: String { "\(home)/var/kernels" }
    public var journalFolder: String { "\(home)/var/journal" }

    private static func `switch`(_ environment: [String: String], _ name: String, default value: Bool) throws(Invalid) -> Bool {
        guard let text = environment[name], !text.isEmpty else { return value }
        switch text.lowercased() {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default: throw Invalid(description: "\(name) must be 'on' or 'off', not '\(text.prefix(32))'.")
        }
    }

    private static func integer(_ environment: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>) throws(Invalid) -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Invalid(description: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(32))'.")
        }
        return number
    }
}
