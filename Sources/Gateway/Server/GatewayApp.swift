import Foundation
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Builds and runs the gateway: configuration and TLS files (`prepare`, as root if started
/// so) → logging → services → `ServiceGroup`.
public enum GatewayApp {
    /// What start-up settled before anything runs: the configuration, the TLS files (held
    /// open) and whether the process gave up root.
    public struct Prepared: Sendable {
        let configuration: GatewayConfiguration
        let tls: (source: TLSSource, material: TLSMaterial)?
        let changedUser: Bool
    }

    /// Reads the configuration, opens the TLS files and becomes `SPIN_RUN_AS`'s user.
    /// Call it on the main thread before any task runs: Swift's async main leaves the
    /// main thread, which then keeps the credentials it had (`ps` would show root).
    /// On a configuration error, the message is written to stderr and the exit code returned.
    public static func prepare(environment: [String: String]) -> Result<Prepared, ExitCode> {
        do {
            let configuration = try GatewayConfiguration.load(environment: environment)
            // The TLS files are opened before root is given up (`RunAs`), and held.
            let source = try configuration.tls.map { files throws(ConfigurationError) in try TLSSource(files) }
            let tls = try source.map { source throws(ConfigurationError) in (source, try TLSMaterial.load(source)) }
            let changedUser = try configuration.runAs?.apply() ?? false
            return .success(Prepared(configuration: configuration, tls: tls, changedUser: changedUser))
        } catch {
            FileHandle.standardError.write(Data("spin-gateway: \(error.message)\n".utf8))
            return .failure(ExitCode(value: error.exitCode))
        }
    }

    public struct ExitCode: Error, Sendable {
        public let value: Int32
    }

    /// Runs until SIGTERM/SIGINT; returns the process exit code.
    public static func run(_ prepared: Prepared, environment: [String: String]) async -> Int32 {
        let configuration = prepared.configuration
        let logger = Self.bootstrapLogging(configuration)
        configuration.warnings.forEach { logger.warning("\($0)") }
        if prepared.changedUser, let runAs = configuration.runAs {
            logger.info("Started as root; running as uid \(runAs.uid), gid \(runAs.gid) (SPIN_RUN_AS)")
        } else if geteuid() == 0 {
            logger.warning("Running as root, and so will the executor and kernels: set SPIN_RUN_AS=uid:gid to give root up once the TLS files are open (the image sets 10001:10001).")
        }
        do {
            try await Self.serve(configuration, tls: prepared.tls, environment: environment, logger: logger)
            return 0
        } catch {
            logger.critical("spin-gateway stopped: \(error)")
            return 1
        }
    }

    static func bootstrapLogging(_ configuration: GatewayConfiguration) -> Logger {
        let redactor = Redactor(secret: configuration.token)
        LoggingSystem.bootstrap { label in
            GatewayLogHandler(label: label, level: configuration.logLevel, format: configuration.logFormat, redactor: redactor)
        }
        return Logger(label: "spin.gateway")
    }

    static func serve(_ configuration: GatewayConfiguration, tls: (TLSSource, TLSMaterial)?, environment: [String: String], logger: Logger) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let metrics = GatewayMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let accessLog = AccessLog(level: configuration.logLevel, format: configuration.logFormat, redactor: Redactor(secret: configuration.token))
        let core = GatewayCore(
            configuration: configuration, group: group, metrics: metrics, logger: logger, accessLog: accessLog
        )
        let readiness = ReadinessProbe(forwarder: core.forwarder)
        let channel = GatewayChannel(core: core, readiness: readiness)
        let server = try Self.makeServer(channel, configuration: configuration, tls: tls, group: group, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if configuration.executorMode == .spawn {
            let launch = ExecutorLaunch(configuration: configuration, environment: environment, gatewayExecutable: ExecutorLaunch.currentExecutable())
            let stopTimeout = Duration.seconds(configuration.shutdownGraceSeconds + 5)
            services.append(.init(service: ExecutorSupervisor(launch: launch, logger: logger, metrics: metrics, stopTimeout: stopTimeout)))
        }
        services.append(.init(service: server))
        services.append(.init(service: StartupCompletion(readiness: readiness, logger: logger), successTerminationBehavior: .ignore))
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGraceSeconds + 15)
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("spin-gateway stopped")
    }

    static func makeServer(_ channel: GatewayChannel, configuration: GatewayConfiguration, tls: (TLSSource, TLSMaterial)?, group: any EventLoopGroup, logger: Logger) throws -> any Service {
        let address = ServerConfiguration(address: .hostname(configuration.bindHost, port: configuration.port))
        let scheme = configuration.isTLS ? "https" : "http"
        let onRunning: @Sendable (any Channel) async -> Void = { listener in
            let port = listener.localAddress?.port ?? configuration.port
            logger.info("spin-gateway listening on \(scheme)://\(configuration.bindHost):\(port)", metadata: ["executor.mode": "\(configuration.executorMode.rawValue)"])
        }
        guard let (source, material) = tls else {
            return Server(childChannelSetup: channel, configuration: address, onServerRunning: onRunning, eventLoopGroup: group, logger: logger)
        }
        let reloader = CertificateReloader(source: source, initial: material, logger: logger)
        let secured = try TLSChannel(channel, tlsConfiguration: reloader.serverConfiguration())
        return Server(childChannelSetup: secured, configuration: address, onServerRunning: onRunning, eventLoopGroup: group, logger: logger)
    }
}
