import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the kernel WebSocket route: Hummingbird's basic
/// WebSocket context plus the connection's channel, which the route's
/// `WebSocketClientSink` writes kernel messages to directly.
struct KernelSocketContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}
