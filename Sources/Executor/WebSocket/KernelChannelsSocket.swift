import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import JupyterProtocol
import Kernels
import Logging
import Metrics
import NIOCore
import NIOWebSocket
import ZeroMQTransport

/// `GET /api/kernels/{id}/channels` as a WebSocket: client messages go to the
/// kernel, the kernel's messages come back through a `WebSocketClientSink`,
/// which writes them to the connection's channel.
struct KernelChannelsSocket {
    let services: ExecutorServices
    let maxMessageBytes: Int

    func register(on router: Router<KernelSocketContext>) {
        router.ws("api/kernels/:id/channels") { request, context in
            guard let id = context.parameters.get("id"), (try? await services.kernels.kernel(id)) != nil,
                  JournalQuery.isValidWebSocketQuery(request.uri.queryParameters)
            else {
                return .dontUpgrade
            }
            let wire = WireProtocol.negotiate(offered: request.headers[.secWebSocketProtocol])
            var headers = HTTPFields()
            if let selected = wire.selectedSubprotocol { headers[.secWebSocketProtocol] = selected }
            return .upgrade(headers)
        } onUpgrade: { inbound, outbound, context in
            // A kernel's traffic runs on Swift's global executor, not on the connection's
            // event loop its handling prefers (`EventLoopTaskExecutor`): a busy kernel's
            // messages must not hold up the other connections on that loop.
            try await withTaskExecutorPreference(globalConcurrentExecutor) {
                try await serve(inbound: inbound, outbound: outbound, context: context)
            }
        }
    }

    private func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        context: WebSocketRouterContext<KernelSocketContext>
    ) async throws {
        guard let id = context.requestContext.parameters.get("id"),
              let kernel = try? await services.kernels.kernel(id)
        else { return }
        try await CloseFrameGate.install(on: context.requestContext.channel)
        let wire = WireProtocol.negotiate(offered: context.request.headers[.secWebSocketProtocol])
        let session = context.request.uri.queryParameters.get("session_id").flatMap { $0.isEmpty ? nil : String($0.prefix(128)) }
            ?? MessageFactory.newID()
        let after = services.journal == nil ? nil : (try? JournalQuery.webSocketAfter(context.request.uri.queryParameters)) ?? nil
        let sink = WebSocketClientSink(
            channel: context.requestContext.channel, wire: wire, backlog: kernel.iopubGate.makeBacklog(), holding: after != nil
        )
        var logger = context.logger
        logger[metadataKey: "kernel.id"] = .string(id)
        let client = try await connect(kernel, session: session, sink: sink, after: after, wire: wire)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Self.close(outbound, whenAskedBy: sink) }
            defer { group.cancelAll() }
            do {
                try await read(inbound, into: kernel, client: client, wire: wire, sink: sink)
            } catch {
                logger.debug("kernel websocket ended", metadata: ["error": "\(error)"])
                await kernel.detach(client)
                sink.finish()
                throw error
            }
            await kernel.detach(client)
            sink.finish()
        }
    }

    /// Attaches the client; with `after`, first sends it the journal after
    /// `after` (the sink holds live messages meanwhile).
    private func connect(
        _ kernel: Kernel, session: String, sink: WebSocketClientSink, after: UInt64?, wire: WireProtocol
    ) async throws -> Int {
        guard let after else { return await kernel.attach(session: session, sink: sink) }
        let attached = await kernel.attach(session: session, sink: sink, catchingUpAfter: after)
        do {
            try await catchUp(kernel.id, after: after, through: attached.through, wire: wire, to: sink)
        } catch {
            await kernel.detach(attached.client)
            sink.finish()
            throw error
        }
        sink.release()
        return attached.client
    }

    /// Sends the journal's `after < seq <= through` straight to the socket,
    /// page by page (each written before the next is read), while the sink
    /// holds the live messages that follow.
    private func catchUp(
        _ kernelID: String, after: UInt64, through: UInt64, wire: WireProtocol, to sink: WebSocketClientSink
    ) async throws {
        guard let journal = services.journal else { return }
        Counter(label: "spin_journal_catchup_requests_total", dimensions: [("transport", "websocket")]).increment()
        var cursor = after
        while cursor < through {
            let page = journal.read(kernelID, after: cursor, through: through, limit: 1000, maxBytes: JournalRoutes.pageBytes) ?? []
            guard let last = page.last else { return }
            try await sink.writeAndWait(page.map { OutboundFrame(wire, $0.channel, $0.message) })
            cursor = last.seq
        }
    }

    private func read(
        _ inbound: WebSocketInboundStream, into kernel: Kernel, client: Int, wire: WireProtocol, sink: WebSocketClientSink
    ) async throws {
        for try await message in inbound.messages(maxSize: maxMessageBytes) {
            let frame: WireProtocol.Frame = switch message {
            case .text(let text): .text(Array(text.utf8))
            case .binary(let buffer): .binary(Array(buffer.readableBytesView))
            }
            do {
                let (channel, decoded) = try wire.decode(frame)
                try await kernel.send(channel, decoded, from: client)
            } catch {
                _ = sink.deliver(ClientErrorMessage.make(for: error, wire: wire))
            }
        }
    }

    /// Sends the close the kernel asks for (a client too slow, say) through
    /// the WebSocket's own handshake; ends with the sink.
    private static func close(_ outbound: WebSocketOutboundWriter, whenAskedBy sink: WebSocketClientSink) async throws {
        for await reason in sink.closeRequests {
            try await outbound.close(reason == "client too slow" ? .policyViolation : .goingAway, reason: reason)
            return
        }
    }
}
