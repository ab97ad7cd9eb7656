import Foundation
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Builds and runs the gateway: configuration → logging → services → `ServiceGroup`.
public enum GatewayApp {
    /// Runs until SIGTERM/SIGINT; returns the process exit code (2 for configuration errors).
    public static func run(environment: [String: String]) async -> Int32 {
        let configuration: GatewayConfiguration
        let tls: TLSMaterial?
        do {
            configuration = try GatewayConfiguration.load(environment: environment)
            tls = try configuration.tls.map { files throws(ConfigurationError) in try TLSMaterial.load(files) }
        } catch {
            FileHandle.standardError.write(Data("spin-gateway: \(error.message)\n".utf8))
            return error.exitCode
        }
        let logger = Self.bootstrapLogging(configuration)
        configuration.warnings.forEach { logger.warning("\($0)") }
        do {
            try await Self.serve(configuration, tls: tls, environment: environment, logger: logger)
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

    static func serve(_ configuration: GatewayConfiguration, tls: TLSMaterial?, environment: [String: String], logger: Logger) async throws {
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

    static func makeServer(_ channel: GatewayChannel, configuration: GatewayConfiguration, tls: TLSMaterial?, group: any EventLoopGroup, logger: Logger) throws -> any Service {
        let address = ServerConfiguration(address: .hostname(configuration.bindHost, port: configuration.port))
        let scheme = configuration.isTLS ? "https" : "http"
        let onRunning: @Sendable (any Channel) async -> Void = { listener in
            let port = listener.localAddress?.port ?? configuration.port
            logger.info("spin-gateway listening on \(scheme)://\(configuration.bindHost):\(port)", metadata: ["executor.mode": "\(configuration.executorMode.rawValue)"])
        }
        guard let tls, let files = configuration.tls else {
            return Server(childChannelSetup: channel, configuration: address, onServerRunning: onRunning, eventLoopGroup: group, logger: logger)
        }
        let reloader = CertificateReloader(files: files, initial: tls, logger: logger)
        let secured = try TLSChannel(channel, tlsConfiguration: reloader.serverConfiguration())
        return Server(childChannelSetup: secured, configuration: address, onServerRunning: onRunning, eventLoopGroup: group, logger: logger)
    }
}
