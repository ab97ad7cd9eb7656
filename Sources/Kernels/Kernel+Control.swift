import Foundation
import JupyterProtocol
import ProcessSupport

extension Kernel {
    /// Interrupts the running cell, by signal or by message as the spec says.
    public func interrupt() {
        guard lifecycle.isRunning || lifecycle.state == .starting else { return }
        interruptTypedCell()
        if spec.interruptsBySignal {
            process?.signalGroup(SIGINT)
        } else {
            sendInternal("interrupt_request", on: .control)
        }
    }

    /// Restarts the process under the same kernel id; waits until it answers.
    public func restart() async throws {
        guard !lifecycle.isOver else {
            if lifecycle.state == .dead { return try await revive() }
            throw KernelError(.kernelDead, "The kernel is shutting down.")
        }
        restartWasRequested = true
        perform(lifecycle.restartRequested())
        await stopProcess(restart: true)
        try await waitUntilReady()
    }

    /// A dead kernel can be restarted by hand.
    private func revive() async throws {
        lifecycle = KernelLifecycle()
        launch()
        try await waitUntilReady()
    }

    /// Shuts the kernel down for good and disconnects its clients.
    public func shutdown() async {
        perform(lifecycle.shutdownRequested())
        await stopProcess(restart: false)
        for delivery in hub.everyone() {
            delivery.sink.disconnect(reason: "kernel shut down")
            hub.detach(delivery.client, now: Self.monotonicNow())
        }
        journal?.retire()
    }

    /// shutdown_request, then SIGTERM, then SIGKILL, each after a grace period.
    func stopProcess(restart: Bool) async {
        let current = generation
        guard let process, exitedGeneration != current else { return }
        sendInternal("shutdown_request", on: .control, content: ["restart": .bool(restart)])
        if await waitForExit(of: current, seconds: 3) { return }
        process.signalGroup(SIGTERM)
        if await waitForExit(of: current, seconds: 2) { return }
        process.signalGroup(SIGKILL)
        _ = await waitForExit(of: current, seconds: 5)
    }

    private func waitForExit(of current: Int, seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while exitedGeneration < current, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return exitedGeneration >= current
    }
}
