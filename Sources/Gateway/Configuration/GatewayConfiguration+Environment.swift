import Logging

extension GatewayConfiguration {
    /// Reads and validates the configuration; every problem is a `ConfigurationError` (exit code 2).
    public static func load(environment env: [String: String]) throws(ConfigurationError) -> Self {
        guard let token = env["SPIN_TOKEN"], !token.isEmpty else {
            throw ConfigurationError(.missingToken, "SPIN_TOKEN is not set or empty: set SPIN_TOKEN to a long random secret (e.g. `openssl rand -hex 32`).")
        }
        var config = GatewayConfiguration(token: token)
        if token.count < 32 {
            config.warnings.append("SPIN_TOKEN is shorter than 32 characters; use a long random token.")
        }
        config.bindHost = env.nonEmpty("SPIN_BIND") ?? "0.0.0.0"
        config.port = try parsePort(env["SPIN_PORT"])
        config.tls = try tlsFiles(env)
        config.home = env.nonEmpty("SPIN_HOME") ?? "/opt/spin"
        config.executorSocket = env.nonEmpty("SPIN_EXECUTOR_SOCKET") ?? config.home + "/run/executor.sock"
        config.executorMode = try parseEnum("SPIN_EXECUTOR", env["SPIN_EXECUTOR"], default: .spawn)
        config.executorBinary = env.nonEmpty("SPIN_EXECUTOR_BINARY")
        config.allowedOrigins = OriginList(parsing: env.nonEmpty("SPIN_ALLOWED_ORIGINS") ?? "*")
        config.logFormat = try parseEnum("SPIN_LOG_FORMAT", env["SPIN_LOG_FORMAT"], default: .text)
        config.logLevel = try parseLevel(env["SPIN_LOG_LEVEL"])
        config.maxBodyBytes = try parseInt("SPIN_MAX_BODY_BYTES", env["SPIN_MAX_BODY_BYTES"], default: config.maxBodyBytes, range: 1...(1 << 40))
        config.headerTimeoutSeconds = try parseInt("SPIN_HEADER_TIMEOUT", env["SPIN_HEADER_TIMEOUT"], default: 10, range: 1...600)
        config.executorTimeoutSeconds = try parseInt("SPIN_EXECUTOR_TIMEOUT", env["SPIN_EXECUTOR_TIMEOUT"], default: 300, range: 1...86400)
        config.webSocketPingSeconds = try parseInt("SPIN_WS_PING_INTERVAL", env["SPIN_WS_PING_INTERVAL"], default: 25, range: 1...30)
        config.shutdownGraceSeconds = try parseInt("SPIN_SHUTDOWN_GRACE", env["SPIN_SHUTDOWN_GRACE"], default: 10, range: 0...3600)
        config.runAs = try env.nonEmpty("SPIN_RUN_AS").map { raw throws(ConfigurationError) in try RunAs.parse(raw) }
        if EventLoopCount.isInvalidOverride(env) {
            config.warnings.append("\(EventLoopCount.overrideVariable) is set but not a positive number: the gateway uses its default event-loop count.")
        }
        return config
    }

    static func parsePort(_ raw: String?) throws(ConfigurationError) -> Int {
        guard let raw, !raw.isEmpty else { return 8888 }
        guard let port = Int(raw), (1...65535).contains(port) else {
            throw ConfigurationError(.invalidPort, "SPIN_PORT=\(raw.prefix(20)) is not a port number: use an integer from 1 to 65535.")
        }
        return port
    }

    static func tlsFiles(_ env: [String: String]) throws(ConfigurationError) -> TLSFiles? {
        switch (env.nonEmpty("SSL_CERT_FILE"), env.nonEmpty("SSL_KEY_FILE")) {
        case (nil, nil):
            return nil
        case (let cert?, let key?):
            return TLSFiles(certificatePath: cert, privateKeyPath: key)
        case (let cert?, nil):
            throw ConfigurationError(
                .incompleteTLS,
                "SSL_CERT_FILE is set (\(cert)) but SSL_KEY_FILE is not: set both for HTTPS, or neither for HTTP. Many systems set SSL_CERT_FILE globally to a CA bundle; start the gateway with `env -u SSL_CERT_FILE` (or SSL_CERT_FILE=) for plain HTTP."
            )
        case (nil, _):
            throw ConfigurationError(.incompleteTLS, "SSL_KEY_FILE is set but SSL_CERT_FILE is not: set both PEM files for HTTPS, or neither for HTTP.")
        }
    }

    static func parseEnum<T: RawRepresentable<String>>(_ name: String, _ raw: String?, default value: T) throws(ConfigurationError) -> T {
        guard let raw, !raw.isEmpty else { return value }
        guard let parsed = T(rawValue: raw.lowercased()) else {
            throw ConfigurationError(.invalidValue, "\(name)=\(raw.prefix(40)) is not a valid value.")
        }
        return parsed
    }

    static func parseLevel(_ raw: String?) throws(ConfigurationError) -> Logger.Level {
        guard let raw, !raw.isEmpty else { return .info }
        let aliases = ["warn": "warning", "err": "error", "fatal": "critical"]
        let name = aliases[raw.lowercased()] ?? raw.lowercased()
        guard let level = Logger.Level(rawValue: name) else {
            throw ConfigurationError(.invalidValue, "SPIN_LOG_LEVEL=\(raw.prefix(20)) is not one of trace, debug, info, notice, warning, error, critical.")
        }
        return level
    }

    static func parseInt(_ name: String, _ raw: String?, default value: Int, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let raw, !raw.isEmpty else { return value }
        guard let parsed = Int(raw), range.contains(parsed) else {
            throw ConfigurationError(.invalidValue, "\(name)=\(raw.prefix(20)) must be an integer from \(range.lowerBound) to \(range.upperBound).")
        }
        return parsed
    }
}

extension Dictionary where Key == String, Value == String {
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }
}
