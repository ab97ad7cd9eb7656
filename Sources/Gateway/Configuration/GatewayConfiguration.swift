import Logging

/// Everything the gateway needs to run, read once from the environment at start-up.
public struct GatewayConfiguration: Sendable {
    public enum ExecutorMode: String, Sendable { case spawn, external }
    public enum LogFormat: String, Sendable { case json, text }

    public struct TLSFiles: Sendable, Equatable {
        public var certificatePath: String
        public var privateKeyPath: String
        public init(certificatePath: String, privateKeyPath: String) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
        }
    }

    public var token: String
    public var bindHost: String = "0.0.0.0"
    public var port: Int = 8888
    public var tls: TLSFiles?
    public var home: String = "/opt/spin"
    public var executorSocket: String = "/opt/spin/run/executor.sock"
    public var executorMode: ExecutorMode = .spawn
    /// Overrides the `spin-executor` binary found beside the gateway (tests, packaging).
    public var executorBinary: String?
    public var allowedOrigins: OriginList = .any
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .text
    public var maxBodyBytes: Int = 32 * 1024 * 1024
    public var maxHeaderBytes: Int = 64 * 1024
    public var headerTimeoutSeconds: Int = 10
    /// Seconds a forwarded API request waits for the executor's answer to begin (then 504).
    public var executorTimeoutSeconds: Int = 300
    public var webSocketPingSeconds: Int = 25
    public var shutdownGraceSeconds: Int = 10
    /// `SPIN_RUN_AS`: the user to become when started as root (`RunAs`).
    public var runAs: RunAs?
    /// Lines to log as warnings once logging is set up (never containing the token).
    public var warnings: [String] = []

    public init(token: String) {
        self.token = token
    }

    public var isTLS: Bool { self.tls != nil }
}
