import Foundation
import Logging
import ProcessSupport
import ServiceLifecycle

/// Runs `spin-executor` as a child (SPIN_EXECUTOR=spawn): restarts it with backoff when it
/// dies; on graceful shutdown sends SIGTERM to its process group, waits, then SIGKILL.
actor ExecutorSupervisor: Service {
    private let launch: ExecutorLaunch
    private let logger: Logger
    private let metrics: GatewayMetrics
    private let stopTimeout: Duration
    private var current: ChildProcess?
    private var stopping = false

    init(launch: ExecutorLaunch, logger: Logger, metrics: GatewayMetrics, stopTimeout: Duration) {
        self.launch = launch
        self.logger = logger
        self.metrics = metrics
        self.stopTimeout = stopTimeout
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await self.superviseLoop()
        } onGracefulShutdown: {
            Task { await self.stop() }
        }
    }

    private func superviseLoop() async {
        var backoff = Backoff()
        while !self.stopping && !Task.isCancelled {
            let started = ContinuousClock.now
            guard let (child, lifeline) = self.start() else {
                await self.pause(backoff.next())
                continue
            }
            let status = await child.exitStatus()
            lifeline.release()
            self.current = nil
            if self.stopping { break }
            self.metrics.executorRestart()
            if ContinuousClock.now - started > .seconds(60) { backoff.reset() }
            let delay = backoff.next()
            self.logger.error("spin-executor ended (\(status)); restarting", metadata: ["restart.delay_ms": "\(delay / .milliseconds(1))"])
            await self.pause(delay)
        }
    }

    /// Starts the executor with a lifeline (`SPIN_LIFELINE_FD`): should the gateway die without
    /// stopping it, even by SIGKILL, the executor sees the pipe close and shuts down.
    private func start() -> (ChildProcess, Lifeline)? {
        do {
            try self.launch.prepare()
            let lifeline = try Lifeline()
            defer { lifeline.closeReadEnd() }
            let child: ChildProcess
            do {
                child = try ChildProcess.spawn(
                    executable: self.launch.binary, arguments: [], environment: self.launch.environment,
                    inheritStandardOutput: true, lifeline: lifeline
                )
            } catch {
                lifeline.release()
                throw error
            }
            self.current = child
            self.logger.info("Started spin-executor", metadata: ["pid": "\(child.pid)", "executor.socket": "\(self.launch.socketPath)"])
            return (child, lifeline)
        } catch {
            self.logger.error("Could not start spin-executor: \(error)")
            return nil
        }
    }

    private func pause(_ delay: Duration) async {
        try? await Task.sleep(for: delay)
    }

    /// SIGTERM to the executor's process group, then SIGKILL after the timeout.
    func stop() async {
        self.stopping = true
        guard let child = self.current else { return }
        self.logger.info("Stopping spin-executor", metadata: ["pid": "\(child.pid)"])
        child.signalGroup(SIGTERM)
        let deadline = ContinuousClock.now + self.stopTimeout
        while self.current != nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if self.current != nil {
            self.logger.warning("spin-executor did not stop in time; killing it")
            child.signalGroup(SIGKILL)
        }
    }
}

/// Exponential backoff from 0.25 s to 30 s.
struct Backoff: Sendable {
    private var attempt = 0

    mutating func next() -> Duration {
        let millis = min(30_000, 250 * (1 << min(self.attempt, 7)))
        self.attempt += 1
        return .milliseconds(millis)
    }

    mutating func reset() {
        self.attempt = 0
    }
}
