import CellProcessors
import Connections
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Kernels
import Logging
import Metrics
import NIOCore
import ProcessSupport
import Prometheus
import ServiceLifecycle

/// The executor: the Jupyter-Server-compatible API on a Unix socket, and the
/// kernels behind it.
public struct ExecutorServer: Sendable {
    public static let version = "0.1.0"

    let configuration: ExecutorConfiguration
    let logger: Logger

    public init(configuration: ExecutorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then shuts every kernel down.
    public func run() async throws {
        try StateFolder(path: configuration.stateFolder).prepare()
        try UnixSocketGuard.prepare(configuration.socketPath)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let journal = configuration.journalEnabled ? JournalStore(
            configuration: .init(
                folder: configuration.journalFolder, maxKernelBytes: configuration.journalMaxKernelBytes,
                maxTotalBytes: configuration.journalMaxTotalBytes
            ),
            logger: logger
        ) : nil
        let cells = try prepareCells()
        let kernels = KernelManager(
            configuration: .init(
                poolSize: configuration.poolSize, connectionFolder: configuration.connectionFolder,
                environment: cells.kernelEnvironment, catalog: KernelSpecCatalog(environment: configuration.environment),
                journal: journal, cellRunner: CellRouter(store: cells.store, settings: cells.settings)
            ),
            logger: logger
        )
        let services = ExecutorServices(
            kernels: kernels, sessions: SessionStore(), version: Self.version, journal: journal,
            connections: cells.store, connectionTester: ConnectionTester(store: cells.store, settings: cells.settings)
        )
        let application = makeApplication(services, registry: registry)
        var groupConfiguration = ServiceGroupConfiguration(
            // Shut down in reverse order: kernels drain while the sockets
            // are still open, so clients see their cells finish.
            services: [
                .init(service: application),
                .init(service: KernelService(kernels: kernels, journal: journal, grace: configuration.shutdownGrace, logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // A client that stopped reading must not hold the runtime up: after
        // the drain and a margin, what is still open is cancelled.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownGrace + 10)
        try await ServiceGroup(configuration: groupConfiguration).run()
    }

    func makeApplication(_ services: ExecutorServices, registry: PrometheusCollectorRegistry) -> some Service {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: ErrorBodyMiddleware())
        router.add(middleware: OffLoopMiddleware())
        StatusRoutes(services: services).register(on: router)
        KernelSpecRoutes(services: services).register(on: router)
        KernelRoutes(services: services).register(on: router)
        SessionRoutes(services: services).register(on: router)
        JournalRoutes(services: services).register(on: router)
        ConnectionRoutes(services: services).register(on: router)
        MethodNotAllowedRoutes().register(on: router)
        MetricsRoute(services: services, registry: registry).register(on: router)
        let webSocketRouter = Router(context: KernelSocketContext.self)
        webSocketRouter.add(middleware: ErrorBodyMiddleware())
        KernelChannelsSocket(services: services, maxMessageBytes: configuration.maxMessageBytes).register(on: webSocketRouter)
        let socketPath = configuration.socketPath
        let logger = self.logger
        return HTTPService(
            responder: router.buildResponder(),
            webSocketResponder: webSocketRouter.buildResponder(),
            channelConfiguration: .init(
                http1: .init(idleTimeout: .seconds(300)),
                ws: .init(maxFrameSize: configuration.maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(25)))
            ),
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "spin-executor"),
            onServerRunning: { _ in
                chmod(socketPath, 0o600)
                logger.info("executor listening", metadata: ["socket": .string(socketPath)])
            },
            logger: logger
        )
    }
}

/// Fills the warm pool at start, which ends start-up (its pages are handed
/// back then); on shutdown lets running cells finish (up to the grace period),
/// stops every kernel, then writes out the journal.
struct KernelService: Service {
    let kernels: KernelManager
    let journal: JournalStore?
    let grace: Double
    let logger: Logger

    func run() async throws {
        let warmUps = await kernels.refillPool()
        // Not awaited here: a SIGTERM during a slow kernel start must not wait for it.
        let startUpEnd = Task { [logger] in
            for warmUp in warmUps {
                await warmUp.value
            }
            guard !Task.isCancelled else { return }
            StartupPages.releaseAndLog(logger)
        }
        try? await gracefulShutdown()
        startUpEnd.cancel()
        await kernels.stopAccepting()
        await kernels.drain(grace: grace)
        await kernels.shutdownAll()
        journal?.close()
    }
}
