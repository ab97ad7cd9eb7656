import Foundation
import JupyterProtocol
import ProcessSupport
import ZeroMQTransport

extension Kernel {
    /// Starts a new process with fresh sockets (first start and every restart).
    func launch() {
        generation += 1
        let current = generation
        shellAnswered = false
        stdinConnected = false
        iopubSeen = false
        missedBeats = 0
        do {
            let launched = try provisioner.launch(kernelID: id, spec: spec)
            let sockets = try KernelSockets(info: launched.info, gate: iopubGate)
            self.process = launched.process
            self.sockets = sockets
            self.connectionFile = launched.connectionFile
            self.codec = WireCodec(signer: MessageSigner(key: Array(launched.info.key.utf8)))
            logger.info("kernel process started", metadata: ["kernel.pid": "\(launched.process.pid)"])
            perform(lifecycle.launched())
            Task { await self.consume(sockets.events, generation: current) }
            Task { await self.watch(launched.process, generation: current) }
            Task { await self.nudgeUntilReady(generation: current) }
        } catch {
            logger.error("kernel launch failed", metadata: ["error": "\(error)"])
            perform(lifecycle.launchFailed(now: Self.monotonicNow()))
        }
    }

    private func consume(_ events: AsyncStream<KernelEvent>, generation current: Int) async {
        for await event in events {
            if current == generation { handle(event) }
            if case .message(.iopub, let frames) = event { iopubGate.handled(IopubGate.cost(of: frames)) }
        }
    }

    private func watch(_ process: ChildProcess, generation current: Int) async {
        let status = await process.exitStatus()
        processEnded(status, generation: current)
    }

    private func processEnded(_ status: ExitStatus, generation current: Int) {
        guard current == generation else { return }
        exitedGeneration = current
        // Whatever the process left behind in its group (a kernel under a
        // wrapper script holds the ports) goes with it.
        process?.signalGroup(SIGKILL)
        sockets?.close()
        sockets = nil
        if let file = connectionFile { try? FileManager.default.removeItem(atPath: file) }
        logger.info("kernel process ended", metadata: ["kernel.exit": "\(status)"])
        cellsLostKernel()
        perform(lifecycle.processExited(now: Self.monotonicNow()))
        advanceCells()
    }

    /// Sends kernel_info_request until the kernel answers on shell and its
    /// iopub has delivered something, so no early output is lost.
    private func nudgeUntilReady(generation current: Int) async {
        let deadline = Date().addingTimeInterval(60)
        var answeredSince: Date?
        while current == generation, lifecycle.state == .starting {
            if shellAnswered, iopubSeen, !stdinConnected {
                // The stdin monitor should have spoken by now; do not hold a
                // working kernel back for it.
                let since = answeredSince ?? Date()
                answeredSince = since
                if Date().timeIntervalSince(since) > 3 {
                    logger.warning("stdin connection not confirmed; treating the kernel as ready")
                    stdinConnected = true
                    checkReady()
                }
            }
            if Date() > deadline {
                logger.warning("kernel did not become ready in time; stopping it")
                process?.signalGroup(SIGKILL)
                return
            }
            sendInternal("kernel_info_request", on: .shell)
            try? await Task.sleep(for: .milliseconds(shellAnswered ? 50 : 150))
        }
    }

    func sendInternal(_ msgType: String, on channel: Channel, content: JSONValue = [:]) {
        let message = factory.make(msgType, content: content)
        internalRequests.set(message.msgID, "")
        sockets?.send(channel, frames: codec.encode(message))
    }

    /// Carries out what the lifecycle decided.
    func perform(_ action: KernelLifecycle.Action) {
        switch action {
        case .wait:
            break
        case .announce(let state):
            announce(state.rawValue)
            if state == .idle {
                flushWaitingMessages()
                advanceCells()
            }
        case .relaunch(let delay):
            ExecutionMetrics.restarted(automatically: !restartWasRequested)
            restartWasRequested = false
            announce(KernelLifecycle.State.restarting.rawValue)
            let current = generation
            Task {
                if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
                self.relaunch(ifStill: current)
            }
        case .giveUp:
            logger.error("kernel died too often; giving up")
            announce(KernelLifecycle.State.dead.rawValue)
            advanceCells()
        case .killProcess:
            logger.warning("kernel heartbeat lost; killing the process")
            process?.signalGroup(SIGKILL)
        }
    }

    private func relaunch(ifStill current: Int) {
        guard current == generation, lifecycle.state == .restarting else { return }
        launch()
    }

    /// Sends a status message from the runtime itself to every client.
    func announce(_ executionState: String) {
        let message = factory.make("status", content: ["execution_state": .string(executionState)])
        deliver(.iopub, message)
    }
}
