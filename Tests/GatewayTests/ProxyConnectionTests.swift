import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Gateway

/// The proxy handler keeps the connection's idle timeout and holds a graceful shutdown
/// until its own answer is out (it sits in front of Hummingbird's connection handler).
@Suite struct ProxyConnectionTests {
    /// Records the events and requests that reach the handlers behind the proxy.
    final class Behind: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        var events: [String] = []
        var heads: [String] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = Self.unwrapInboundIn(data) { self.heads.append(head.uri) }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            self.events.append(String(describing: type(of: event)))
        }
    }

    static func core() throws -> GatewayCore {
        let configuration = try GatewayConfiguration.load(environment: ["SPIN_TOKEN": String(repeating: "k", count: 40)])
        let quiet = LogSink { _ in }
        return GatewayCore(
            configuration: configuration, group: EmbeddedEventLoop(), metrics: GatewayMetrics(),
            logger: Logger(label: "test"), accessLog: AccessLog(level: .info, format: .text, redactor: Redactor(secret: "k"), sink: quiet)
        )
    }

    /// An active channel with the proxy (120 s idle timeout) and a recorder behind it.
    static func channel(_ loop: EmbeddedEventLoop) throws -> (EmbeddedChannel, Behind) {
        let behind = Behind()
        let proxy = HTTPProxyHandler(core: try core(), requestTimeout: .seconds(300), idleTimeout: .seconds(120))
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandlers(proxy, behind)
        try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        return (channel, behind)
    }

    static func head(_ method: HTTPMethod, _ uri: String, _ headers: HTTPHeaders = ["Host": "gw.test"]) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers))
    }

    /// The channel stays open `seconds - 1` more seconds and is closed 1 s after that.
    static func expectClose(_ channel: EmbeddedChannel, _ loop: EmbeddedEventLoop, in seconds: Int64) {
        loop.advanceTime(by: .seconds(seconds - 1))
        #expect(channel.isActive)
        loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func anIdleConnectionClosesAfterTheTimeout() throws {
        let loop = EmbeddedEventLoop()
        let (channel, _) = try Self.channel(loop)
        Self.expectClose(channel, loop, in: 120)
    }

    @Test func aFinishedAnswerStartsTheIdleTimeAgain() throws {
        let loop = EmbeddedEventLoop()
        let (channel, behind) = try Self.channel(loop)
        loop.advanceTime(by: .seconds(100))
        try channel.writeInbound(Self.head(.GET, "/healthz"))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        #expect(behind.heads == ["/healthz"])
        // The responder takes 200 s to answer: the connection is not idle meanwhile.
        loop.advanceTime(by: .seconds(200))
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        Self.expectClose(channel, loop, in: 120)
    }

    @Test func aRequestThatStopsArrivingHalfWayIsIdle() throws {
        let loop = EmbeddedEventLoop()
        let (channel, _) = try Self.channel(loop)
        try channel.writeInbound(Self.head(.POST, "/healthz", ["Host": "gw.test", "Content-Length": "10"]))
        loop.advanceTime(by: .seconds(60))
        try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: "12345")))
        Self.expectClose(channel, loop, in: 120)
    }

    @Test func aShutdownWhileIdleGoesOnToTheConnectionHandler() throws {
        let loop = EmbeddedEventLoop()
        let (channel, behind) = try Self.channel(loop)
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(behind.events == ["ChannelShouldQuiesceEvent"])
        _ = try? channel.finish()
    }

    /// A refused upload is answered at once, but the request is the proxy's until its body
    /// has arrived: the shutdown waits for that, then the connection closes.
    @Test func aShutdownDuringTheProxysOwnRequestWaitsForItsEnd() throws {
        let loop = EmbeddedEventLoop()
        let (channel, behind) = try Self.channel(loop)
        try channel.writeInbound(Self.head(.POST, "/api/contents", ["Host": "gw.test", "Content-Length": "4"]))
        guard case .head(let answer) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no answer head")
            return
        }
        #expect(answer.status == .unauthorized)
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(behind.events.isEmpty)
        #expect(channel.isActive)
        try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: "data")))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        loop.run()
        #expect(!channel.isActive)
        #expect(behind.heads.isEmpty)
    }

    @Test func aParseErrorBetweenAnswersGetsA400AndCloses() throws {
        let loop = EmbeddedEventLoop()
        let (channel, _) = try Self.channel(loop)
        channel.pipeline.fireErrorCaught(HTTPParserError.invalidCharactersUsed)
        guard case .head(let head) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no 400 head")
            return
        }
        #expect(head.status == .badRequest)
        #expect(head.headers["Connection"] == ["close"])
        #expect(!channel.isActive)
    }

    /// An answer under way is not interrupted by a 400 (the connection just closes).
    @Test func aParseErrorDuringAnAnswerOnlyCloses() throws {
        let loop = EmbeddedEventLoop()
        let (channel, _) = try Self.channel(loop)
        try channel.writeInbound(Self.head(.GET, "/healthz"))
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        _ = try channel.readOutbound(as: HTTPServerResponsePart.self)
        channel.pipeline.fireErrorCaught(HTTPParserError.invalidCharactersUsed)
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == nil)
        #expect(!channel.isActive)
    }
}
