import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Answers `400` (with `Connection: close`) when the first request head on a
/// connection does not parse, then ends the connection.
///
/// Hummingbird's WebSocket-upgrade channel turns NIO's error handling off and
/// answers parse errors only once the upgrade handler has passed the
/// connection on, which it does when a head arrives: an error before the first
/// head reached no one, and the connection stayed open, unanswered, for good.
/// Once a head has passed, this handler steps aside: Hummingbird answers later
/// parse errors of plain HTTP requests itself. (One case stays unanswered, as
/// before: a WebSocket upgrade request whose body breaks, which leaves NIO's
/// upgrade handler waiting for the request's end; only the gateway reaches this
/// socket, and it sends upgrade requests without a body.)
final class FirstRequestParseErrorAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let isHead = if case .head = self.unwrapInboundIn(data) { true } else { false }
        context.fireChannelRead(data)
        if isHead {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: ["connection": "close", "content-length": "0"])
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        // The upgrade handler, told the input is over while it still waits for
        // a request, closes the connection and ends its wait quietly.
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }
}

/// Hummingbird's HTTP/1 + WebSocket-upgrade channel with
/// `FirstRequestParseErrorAnswer` ahead of its upgrade handler.
struct ExecutorChildChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value
    let inner: HTTP1WebSocketUpgradeChannel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        self.inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let sync = channel.pipeline.syncOperations
            let upgradeHandler = try sync.handler(type: NIOTypedHTTPServerUpgradeHandler<HTTP1WebSocketUpgradeChannel.UpgradeResult>.self)
            try sync.addHandler(FirstRequestParseErrorAnswer(), position: .before(upgradeHandler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await self.inner.handle(value: value, logger: logger)
        }
    }
}
