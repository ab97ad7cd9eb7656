import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import JupyterProtocol
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The executor's HTTP server: Hummingbird's router and server, run the way
/// `Application.run` runs them but without its `DateCache` service. That
/// cache wakes the process every second to format the date through
/// Foundation's `Calendar`, which loads ICU's time-zone data (about 1 MB
/// resident); here each answer's `Date` comes from `HTTPDate`.
struct HTTPService<Responder: HTTPResponder, WebSocketResponder: HTTPResponder>: Service
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource>, WebSocketResponder.Context: WebSocketRequestContext {
    let responder: Responder
    let webSocketResponder: WebSocketResponder
    let channelConfiguration: HTTP1WebSocketUpgradeChannel.Configuration
    let configuration: ServerConfiguration
    let onServerRunning: @Sendable (any NIOCore.Channel) async -> Void
    let logger: Logger

    func run() async throws {
        let channel = ExecutorChildChannel(
            inner: HTTP1WebSocketUpgradeChannel(
                responder: { request, responseWriter, channel in
                    let response = try await answer(request, channel: channel)
                    do {
                        try await responseWriter.write(response: response.head, body: response.body)
                    } catch is HTTPParserError {
                        // The parser error would make the channel answer a second time;
                        // any other error just closes the connection.
                        throw ParseErrorWhileWritingResponse()
                    }
                },
                webSocketResponder: webSocketResponder,
                configuration: channelConfiguration
            )
        )
        let service = channel.server(
            configuration: configuration, onServerRunning: onServerRunning,
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger
        )
        try await service.run()
    }

    private func answer(_ request: Request, channel: any NIOCore.Channel) async throws -> Response {
        var logger = self.logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
        let context = Responder.Context(source: .init(channel: channel, logger: logger))
        var response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as HTTPParserError {
            // A malformed request: the channel answers 400 and closes.
            throw error
        } catch {
            // The router's error middleware has already answered every error it
            // knows; what reaches here gets a bare 500, as Hummingbird does.
            logger.debug("Unrecognised error", metadata: ["error.type": "\(error)"])
            response = Response(status: .internalServerError, body: .init())
        }
        response.headers[.date] = HTTPDate.now()
        if let serverName = configuration.serverName {
            response.headers[.server] = serverName
        }
        return response
    }
}

struct ParseErrorWhileWritingResponse: Error {}

extension HTTPService: CustomStringConvertible {
    /// How the service is named in lifecycle logs (the default would print the whole router).
    var description: String { "HTTPService(\(configuration.serverName ?? "http"))" }
}
