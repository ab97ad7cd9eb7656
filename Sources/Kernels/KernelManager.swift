import Foundation
import JupyterProtocol
import Logging

/// All kernels of the runtime, plus a warm pool of started kernels for the
/// default kernelspec, so that a new kernel is handed out already running.
public actor KernelManager {
    public struct Configuration: Sendable {
        public var poolSize: Int
        public var connectionFolder: String
        public var environment: [String: String]
        public var catalog: KernelSpecCatalog
        /// The output journal; nil when it is turned off.
        public var journal: JournalStore?
        /// Runs typed cells (SQL, shell, HTTP); nil runs Python cells only.
        public var cellRunner: (any TypedCellRunner)?

        public init(
            poolSize: Int, connectionFolder: String, environment: [String: String], catalog: KernelSpecCatalog,
            journal: JournalStore? = nil, cellRunner: (any TypedCellRunner)? = nil
        ) {
            self.cellRunner = cellRunner
            self.poolSize = poolSize
            self.connectionFolder = connectionFolder
            self.environment = environment
            self.catalog = catalog
            self.journal = journal
        }
    }

    let configuration: Configuration
    let provisioner: KernelProvisioner
    let logger: Logger
    var kernels: [String: Kernel] = [:]
    var pool: [Kernel] = []
    /// Pooled kernels still starting: shut down with the rest on SIGTERM.
    var warming: [String: Kernel] = [:]
    var poolStarting = 0
    var stopping = false

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.provisioner = KernelProvisioner(
            connectionFolder: configuration.connectionFolder, runtimeEnvironment: configuration.environment
        )
        self.logger = logger
    }

    /// Kernelspecs as found now (the folders are read on each call, as Jupyter does).
    public nonisolated func specs() -> (defaultName: String?, specs: [String: KernelSpec]) {
        let specs = configuration.catalog.discover()
        return (KernelSpecCatalog.defaultName(in: specs), specs)
    }

    public func kernel(_ id: String) throws -> Kernel {
        guard let kernel = kernels[id] else {
            throw KernelError(.noSuchKernel, "No kernel with id '\(id.prefix(64))' is running.")
        }
        return kernel
    }

    public func list() -> [Kernel] {
        kernels.values.sorted { $0.id < $1.id }
    }

    /// Starts a kernel of `name` (the default kernelspec when nil) and waits
    /// until it answers. A pooled kernel is used when one is ready.
    public func startKernel(name: String?) async throws -> Kernel {
        guard !stopping else { throw KernelError(.shuttingDown, "The runtime is shutting down.") }
        let (defaultName, specs) = specs()
        guard let specName = name ?? defaultName, let spec = specs[specName] else {
            throw KernelError(.noSuchKernelSpec, "No kernelspec named '\((name ?? "default").prefix(64))' is installed.")
        }
        if specName == defaultName, let pooled = takeFromPool() {
            kernels[pooled.id] = pooled
            refillPool()
            try await pooled.waitUntilReady()
            return pooled
        }
        let kernel = makeKernel(spec)
        kernels[kernel.id] = kernel
        do {
            try await kernel.start()
        } catch {
            kernels[kernel.id] = nil
            await kernel.shutdown()
            throw error
        }
        return kernel
    }

    func makeKernel(_ spec: KernelSpec) -> Kernel {
        let id = MessageFactory.newID()
        return Kernel(
            id: id, spec: spec, provisioner: provisioner, logger: logger,
            journal: configuration.journal?.journal(for: id), cellRunner: configuration.cellRunner
        )
    }

    public func shutdownKernel(_ id: String) async throws {
        let kernel = try kernel(id)
        kernels[id] = nil
        await kernel.shutdown()
    }

    /// Refuses new kernels from now on (the runtime is stopping).
    public func stopAccepting() {
        stopping = true
    }

    /// Waits until no kernel is busy, or `grace` seconds have passed.
    public func drain(grace: Double) async {
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            var busy = false
            for kernel in kernels.values where await kernel.isBusy { busy = true }
            if !busy { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops every kernel, the pool's included (SIGTERM of the runtime).
    public func shutdownAll() async {
        stopping = true
        let all = Array(kernels.values) + pool + Array(warming.values)
        kernels.removeAll()
        pool.removeAll()
        warming.removeAll()
        await withTaskGroup(of: Void.self) { group in
            for kernel in all { group.addTask { await kernel.shutdown() } }
        }
    }
}
