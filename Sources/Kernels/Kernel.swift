import Foundation
import JupyterProtocol
import Logging
import ProcessSupport
import Synchronization
import ZeroMQTransport

/// One running kernel: its process, its sockets, its lifecycle and its clients.
///
/// The process and sockets are replaced on restart; the kernel's id, its
/// clients and their open WebSockets stay.
public actor Kernel {
    public nonisolated let id: String
    public nonisolated let spec: KernelSpec
    let provisioner: KernelProvisioner
    var logger: Logger

    var lifecycle = KernelLifecycle() { didSet { publishSummary() } }
    var hub = ClientHub<any KernelClientSink>() { didSet { publishSummary() } }
    var process: ChildProcess?
    var sockets: KernelSockets?
    var codec = WireCodec(signer: MessageSigner(key: []))
    var connectionFile: String?
    /// Bumped on every launch; events from older processes are ignored.
    var generation = 0
    var exitedGeneration = 0
    var shellAnswered = false
    var stdinConnected = false
    var iopubSeen = false
    var missedBeats = 0
    var lastActivity = Date() { didSet { publishSummary() } }
    /// What the REST API shows, readable without entering the actor (`KernelSummary`).
    nonisolated let summary = Mutex(KernelSummary())
    var waitingForKernel: [(Channel, JupyterMessage)] = []
    var internalRequests = RecentMap(capacity: 256)
    var executions = ExecutionMetrics()
    var restartWasRequested = false
    var cells = CellQueue()
    var typedCellTask: Task<Void, Never>?
    var internalExecutions: [String: CheckedContinuation<[String: JSONValue], any Error>] = [:]
    /// Runs SQL, shell and HTTP cells; nil in tests that need only Python.
    let cellRunner: (any TypedCellRunner)?
    let factory: MessageFactory
    /// Numbers and journals every message for clients; nil when the journal is off.
    public nonisolated let journal: KernelJournal?
    /// When the socket thread may read iopub: clients' backlogs and the
    /// messages this actor has not handled yet, in bytes. Kept across restarts.
    public nonisolated let iopubGate: IopubGate

    public init(
        id: String, spec: KernelSpec, provisioner: KernelProvisioner, logger: Logger, journal: KernelJournal? = nil,
        cellRunner: (any TypedCellRunner)? = nil, iopubGate: IopubGate = IopubGate()
    ) {
        self.id = id
        self.cellRunner = cellRunner
        self.spec = spec
        self.provisioner = provisioner
        self.journal = journal
        self.iopubGate = iopubGate
        if let journal {
            let limit = iopubGate.limits.pendingBytes * 2
            iopubGate.setHoldback { journal.unwrittenBytes > limit }
        }
        self.factory = MessageFactory(session: "spin-executor-" + id)
        var logger = logger
        logger[metadataKey: "kernel.id"] = .string(id)
        self.logger = logger
    }

    public var state: KernelLifecycle.State { lifecycle.state }

    /// True while any cell of this kernel, typed or Python, has not finished.
    public var isBusy: Bool { lifecycle.state == .busy || !cells.isEmpty }

    /// Starts the first process and waits until the kernel answers.
    public func start(timeout: Double = 60) async throws {
        launch()
        try await waitUntilReady(timeout: timeout)
    }

    /// Waits until the kernel is idle or busy; throws if it died or timed out.
    public func waitUntilReady(timeout: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !lifecycle.isRunning {
            if lifecycle.isOver {
                throw KernelError(.kernelDead, "The kernel stopped before it was ready.")
            }
            if Date() > deadline {
                throw KernelError(.startTimeout, "The kernel did not answer within \(Int(timeout)) seconds.")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    static func monotonicNow() -> Double {
        ProcessInfo.processInfo.systemUptime
    }
}
