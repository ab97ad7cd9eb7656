import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// Relays frames between the browser and the executor, both ways, frame by frame:
/// text/binary/continuation keep their opcode and `fin`, close codes pass through, pings
/// are answered locally, and the browser side is pinged every `pingInterval`.
struct WebSocketRelay: Sendable {
    typealias FrameChannel = NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
    typealias Writer = NIOAsyncChannelOutboundWriter<WebSocketFrame>

    let browser: FrameChannel
    let executor: FrameChannel
    let pingInterval: Duration
    let logger: Logger

    func run() async {
        do {
            try await self.browser.executeThenClose { browserIn, browserOut in
                try await self.executor.executeThenClose { executorIn, executorOut in
                    await self.relay(browserIn, browserOut, executorIn, executorOut)
                }
            }
        } catch {
            self.logger.debug("WebSocket relay ended", metadata: ["error": "\(error)"])
        }
    }

    private func relay(
        _ browserIn: NIOAsyncChannelInboundStream<WebSocketFrame>, _ browserOut: Writer,
        _ executorIn: NIOAsyncChannelInboundStream<WebSocketFrame>, _ executorOut: Writer
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let sawClose = await Self.pump(browserIn, to: executorOut, pongTo: browserOut, maskOutgoing: true)
                if !sawClose { try? await executorOut.write(Self.close(code: .goingAway, mask: true)) }
            }
            group.addTask {
                let sawClose = await Self.pump(executorIn, to: browserOut, pongTo: executorOut, maskOutgoing: false)
                if !sawClose { try? await browserOut.write(Self.close(code: .unexpectedServerError, mask: false)) }
            }
            group.addTask { await self.keepAlive(browserOut) }
            group.addTask { await Self.closeOnShutdown(browserOut, executorOut) }
            await group.next()
            // Give the other direction a moment to deliver the answering close frame.
            group.addTask { try? await Task.sleep(for: .seconds(5)) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Forwards frames until a close frame (forwarded too) or the end of input.
    /// Returns whether a close frame was seen.
    static func pump(_ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, to out: Writer, pongTo reply: Writer, maskOutgoing: Bool) async -> Bool {
        do {
            for try await frame in inbound {
                switch frame.opcode {
                case .ping:
                    // The answer goes back to the source, which is masked the other way round.
                    try await reply.write(WebSocketFrame(fin: true, opcode: .pong, maskKey: maskOutgoing ? nil : .random(), data: frame.unmaskedData))
                case .pong:
                    continue
                case .connectionClose:
                    try await out.write(Self.relayed(frame, mask: maskOutgoing))
                    return true
                default:
                    try await out.write(Self.relayed(frame, mask: maskOutgoing))
                }
            }
        } catch {
            return false
        }
        return false
    }

    static func relayed(_ frame: WebSocketFrame, mask: Bool) -> WebSocketFrame {
        WebSocketFrame(fin: frame.fin, opcode: frame.opcode, maskKey: mask ? .random() : nil, data: frame.unmaskedData)
    }

    static func close(code: WebSocketErrorCode, mask: Bool) -> WebSocketFrame {
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        return WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: mask ? .random() : nil, data: data)
    }

    private func keepAlive(_ browserOut: Writer) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: self.pingInterval)
                try await browserOut.write(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "spin")))
            } catch {
                return
            }
        }
    }

    private static func closeOnShutdown(_ browserOut: Writer, _ executorOut: Writer) async {
        do {
            try await gracefulShutdown()
        } catch {
            return
        }
        try? await browserOut.write(Self.close(code: .goingAway, mask: false))
        try? await executorOut.write(Self.close(code: .goingAway, mask: true))
    }
}
