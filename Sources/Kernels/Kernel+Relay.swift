import Foundation
import JupyterProtocol
import ZeroMQTransport

extension Kernel {
    /// One event from the socket thread.
    func handle(_ event: KernelEvent) {
        switch event {
        case .message(let channel, let frames):
            received(channel, frames)
        case .heartbeat(let alive):
            missedBeats = alive ? 0 : missedBeats + 1
            if !alive { logger.debug("kernel heartbeat missed", metadata: ["kernel.missed": "\(missedBeats)"]) }
            perform(lifecycle.heartbeatMissed(consecutive: missedBeats))
        case .stdinConnected:
            stdinConnected = true
            checkReady()
        case .sendFailed(let channel):
            logger.warning("kernel did not accept a message in time", metadata: ["channel": "\(channel)"])
        }
    }

    private func received(_ channel: Channel, _ frames: [[UInt8]]) {
        let message: JupyterMessage
        do {
            message = try codec.decode(frames).message
        } catch {
            logger.warning("dropped a message from the kernel", metadata: ["error": "\(error.code)"])
            return
        }
        lastActivity = Date()
        var executionState: String?
        if channel == .iopub {
            iopubSeen = true
            if message.msgType == "status", let state = message.contentString("execution_state") {
                executionState = state
                perform(lifecycle.reported(state))
            }
        }
        if let parent = message.parentMsgID, internalRequests.get(parent) != nil {
            if channel == .shell {
                shellAnswered = true
                internalExecutionReplied(message)
            }
            checkReady()
            return
        }
        checkReady()
        // An execute_reply's status is read once, for the metrics and the queue.
        let replyStatus = channel == .shell && message.msgType == "execute_reply"
            ? message.contentString("status") ?? "unknown" : nil
        if let replyStatus { executions.replied(message, status: replyStatus) }
        deliver(channel, message)
        trackCellProgress(channel, message, executionState: executionState, replyStatus: replyStatus)
    }

    func checkReady() {
        guard lifecycle.state == .starting, shellAnswered, iopubSeen, stdinConnected else { return }
        perform(lifecycle.ready())
    }

    /// Hands a message to the clients that should see it: the single point
    /// every message for clients passes, so the journal numbers them here.
    func deliver(_ channel: Channel, _ message: JupyterMessage) {
        let message = journal?.append(channel, message) ?? message
        for delivery in hub.route(channel, message) where !delivery.sink.deliver(channel, message) {
            hub.detach(delivery.client, now: Self.monotonicNow())
            delivery.sink.disconnect(reason: "client too slow")
        }
    }

    /// A message from a client for the kernel.
    public func send(_ channel: Channel, _ message: JupyterMessage, from client: ClientHub<any KernelClientSink>.ClientID) throws {
        guard channel.acceptsClientMessages else {
            throw KernelError(.badChannel, "Clients cannot send on the iopub channel.")
        }
        if lifecycle.state == .dead {
            throw KernelError(.kernelDead, "The kernel is dead; restart it to run code again.")
        }
        hub.recordRequest(message.msgID, from: client)
        lastActivity = Date()
        if channel == .shell, message.msgType == "execute_request" {
            enqueueCell(message)
        } else {
            forwardToKernel(channel, message)
        }
    }

    /// Sends a message to the kernel now, or when it is running again.
    func forwardToKernel(_ channel: Channel, _ message: JupyterMessage) {
        if lifecycle.isRunning, let sockets {
            sockets.send(channel, frames: codec.encode(message))
        } else if waitingForKernel.count < 10_000 {
            waitingForKernel.append((channel, message))
        }
    }

    func flushWaitingMessages() {
        guard let sockets else { return }
        for (channel, message) in waitingForKernel {
            sockets.send(channel, frames: codec.encode(message))
        }
        waitingForKernel.removeAll()
    }

    /// Connects a client for `session`; it first receives what the session missed.
    public func attach(session: String, sink: any KernelClientSink) -> ClientHub<any KernelClientSink>.ClientID {
        let (client, missed) = hub.attach(session: session, sink: sink)
        for (channel, message) in missed where !sink.deliver(channel, message) { break }
        return client
    }

    /// Connects a client that has seen the journal up to `after`. Atomically
    /// with the attach, this fixes `through`, the last message the client
    /// must read from the journal: everything after it reaches `sink` live.
    /// The sink must hold live messages until the caller has sent it the
    /// journal's `after < seq <= through`. What the session missed while
    /// detached is in that range, so it is dropped rather than replayed twice.
    public func attach(
        session: String, sink: any KernelClientSink, catchingUpAfter after: UInt64
    ) -> (client: ClientHub<any KernelClientSink>.ClientID, through: UInt64) {
        let (client, _) = hub.attach(session: session, sink: sink)
        return (client, journal?.lastSeq ?? 0)
    }

    public func detach(_ client: ClientHub<any KernelClientSink>.ClientID) {
        hub.detach(client, now: Self.monotonicNow())
    }
}
