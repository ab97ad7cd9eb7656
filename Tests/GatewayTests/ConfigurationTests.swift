import Testing

@testable import Gateway

@Suite struct ConfigurationTests {
    let token = String(repeating: "k", count: 40)

    func load(_ env: [String: String]) throws(ConfigurationError) -> GatewayConfiguration {
        try GatewayConfiguration.load(environment: env)
    }

    func error(_ env: [String: String]) -> ConfigurationError? {
        do {
            _ = try load(env)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaults() throws {
        let config = try load(["SPIN_TOKEN": token])
        #expect(config.bindHost == "0.0.0.0")
        #expect(config.port == 8888)
        #expect(config.tls == nil)
        #expect(config.executorSocket == "/opt/spin/run/executor.sock")
        #expect(config.executorMode == .spawn)
        #expect(config.allowedOrigins == .any)
        #expect(config.warnings.isEmpty)
    }

    @Test func socketFollowsSpinHome() throws {
        #expect(try load(["SPIN_TOKEN": token, "SPIN_HOME": "/srv/spin"]).executorSocket == "/srv/spin/run/executor.sock")
        #expect(try load(["SPIN_TOKEN": token, "SPIN_EXECUTOR_SOCKET": "/x.sock"]).executorSocket == "/x.sock")
    }

    @Test(arguments: [[:], ["SPIN_TOKEN": ""]])
    func missingTokenExitsWithTwo(_ env: [String: String]) {
        let failure = error(env)
        #expect(failure?.code == .missingToken)
        #expect(failure?.exitCode == 2)
    }

    @Test func shortTokenWarnsWithoutEchoingIt() throws {
        let config = try load(["SPIN_TOKEN": "short-secret"])
        #expect(config.warnings.count == 1)
        #expect(!config.warnings[0].contains("short-secret"))
    }

    @Test func certificateAloneExplainsTheGlobalCABundleCase() {
        let failure = error(["SPIN_TOKEN": token, "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"])
        #expect(failure?.code == .incompleteTLS)
        #expect(failure?.message.contains("CA bundle") == true)
        #expect(failure?.message.contains("SSL_KEY_FILE") == true)
    }

    @Test func keyAloneIsAnError() {
        #expect(error(["SPIN_TOKEN": token, "SSL_KEY_FILE": "/k.pem"])?.code == .incompleteTLS)
    }

    @Test func bothTLSFiles() throws {
        let config = try load(["SPIN_TOKEN": token, "SSL_CERT_FILE": "/c.pem", "SSL_KEY_FILE": "/k.pem"])
        #expect(config.tls == .init(certificatePath: "/c.pem", privateKeyPath: "/k.pem"))
        #expect(config.isTLS)
    }

    @Test(arguments: ["0", "65536", "http", "-1", "88 88"])
    func badPorts(_ port: String) {
        #expect(error(["SPIN_TOKEN": token, "SPIN_PORT": port])?.code == .invalidPort)
    }

    @Test func badEnumsAndLevels() {
        #expect(error(["SPIN_TOKEN": token, "SPIN_EXECUTOR": "fork"])?.code == .invalidValue)
        #expect(error(["SPIN_TOKEN": token, "SPIN_LOG_FORMAT": "xml"])?.code == .invalidValue)
        #expect(error(["SPIN_TOKEN": token, "SPIN_LOG_LEVEL": "loud"])?.code == .invalidValue)
    }

    @Test func parsedValues() throws {
        let config = try load([
            "SPIN_TOKEN": token, "SPIN_EXECUTOR": "external", "SPIN_LOG_FORMAT": "JSON", "SPIN_LOG_LEVEL": "warn",
            "SPIN_ALLOWED_ORIGINS": "https://a.example", "SPIN_PORT": "9000", "SPIN_BIND": "127.0.0.1",
        ])
        #expect(config.executorMode == .external)
        #expect(config.logFormat == .json)
        #expect(config.logLevel == .warning)
        #expect(config.allowedOrigins == .only(["https://a.example"]))
        #expect(config.port == 9000)
        #expect(config.bindHost == "127.0.0.1")
    }

    @Test func errorMessagesNeverContainTheToken() {
        let secret = "super-secret-token-value-that-is-long-enough"
        for env in [["SPIN_TOKEN": secret, "SPIN_PORT": "x"], ["SPIN_TOKEN": secret, "SSL_CERT_FILE": "/c"]] {
            #expect(error(env)?.message.contains(secret) == false)
        }
    }
}
