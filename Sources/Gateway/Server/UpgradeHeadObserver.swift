import NIOCore
import NIOHTTP1

/// Notes whether the first request head asked for an `Upgrade`, then steps aside.
///
/// NIO's upgrade handler does not pass on the head of an upgrade attempt it declines, so
/// the gateway answers such requests itself (`400`, or the gate's refusal).
final class UpgradeHeadObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let requestedUpgrade: NIOLoopBoundBox<Bool>

    init(requestedUpgrade: NIOLoopBoundBox<Bool>) {
        self.requestedUpgrade = requestedUpgrade
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = self.unwrapInboundIn(data) {
            self.requestedUpgrade.value = head.headers.contains(name: "Upgrade")
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireChannelRead(data)
    }
}

/// Closes the connection after an HTTP parse error; NIO's protocol error handler has
/// already answered `400` with `Connection: close` by then.
final class ParseErrorCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            context.close(promise: nil)
        }
        context.fireErrorCaught(error)
    }
}
