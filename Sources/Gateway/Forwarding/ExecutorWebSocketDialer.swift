import NIOCore
import NIOHTTP1
import NIOPosix

/// Opens the executor side of a forwarded WebSocket over the Unix socket.
struct ExecutorWebSocketDialer: Sendable {
    /// An upgraded executor connection whose bytes wait in its `RelayHandler` for the browser side.
    struct Upgraded: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<RelayHandler>

        func closeUnlessRelaying() {
            let handler = self.handler
            let channel = self.channel
            channel.eventLoop.execute {
                if !handler.value.isJoined { channel.close(promise: nil) }
            }
        }
    }

    typealias HTTPChannel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    enum Outcome: Sendable {
        case upgraded(Upgraded, selectedProtocol: String?)
        /// The executor answered the handshake with an ordinary HTTP response.
        case refused(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer)
    }

    private enum Negotiation: Sendable {
        case upgraded(Upgraded, String?)
        case notUpgraded(HTTPChannel)
    }

    let socketPath: String
    let group: any EventLoopGroup
    /// No limit on the executor's frames: the relay holds none of them whole, and the
    /// executor bounds its own messages (`SPIN_MAX_MESSAGE_BYTES`, up to 1 GiB).
    static let maxFrameBytes = Int.max
    static let maxRefusalBody = 64 * 1024

    /// Dials the executor and performs the handshake for `uri` with `headers`, on
    /// `eventLoop` (the browser connection's, so the relay never hops between loops).
    func dial(uri: String, headers: HTTPHeaders, on eventLoop: (any EventLoop)? = nil) async throws -> Outcome {
        let group: any EventLoopGroup = eventLoop.map { $0 as any EventLoopGroup } ?? self.group
        let negotiation = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(2))
            .connect(unixDomainSocketPath: self.socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.configure(channel: channel, uri: uri, headers: headers)
                }
            }
        switch try await negotiation.get() {
        case .upgraded(let channel, let selected):
            return .upgraded(channel, selectedProtocol: selected)
        case .notUpgraded(let channel):
            return try await Self.readRefusal(channel)
        }
    }

    private func configure(channel: any Channel, uri: String, headers: HTTPHeaders) throws -> EventLoopFuture<Negotiation> {
        let upgrader = RelayClientUpgrader<Negotiation>(
            relay: { channel, response in
                channel.eventLoop.makeCompletedFuture {
                    let handler = RelayHandler(side: .executor, maxFrameBytes: Self.maxFrameBytes)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    let upgraded = Upgraded(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    return .upgraded(upgraded, response.headers.first(name: "Sec-WebSocket-Protocol"))
                }
            }
        )
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Negotiation>(
            upgradeRequestHead: head,
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    .notUpgraded(try HTTPChannel(wrappingChannelSynchronously: channel))
                }
            }
        )
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        // Frames the executor sends right after its 101 may share a read with it: keep them.
        pipeline.leftOverBytesStrategy = .forwardBytes
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
    }

    /// Reads the executor's non-101 answer (head and a bounded body), then closes.
    private static func readRefusal(_ channel: HTTPChannel) async throws -> Outcome {
        try await channel.executeThenClose { inbound, _ in
            var head: HTTPResponseHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let value): head = value
                case .body(var chunk):
                    let room = max(0, maxRefusalBody - body.readableBytes)
                    if let slice = chunk.readSlice(length: min(room, chunk.readableBytes)) { body.writeImmutableBuffer(slice) }
                case .end: return .refused(status: head?.status ?? .badGateway, headers: head?.headers ?? [:], body: body)
                }
            }
            return .refused(status: head?.status ?? .badGateway, headers: head?.headers ?? [:], body: body)
        }
    }
}
