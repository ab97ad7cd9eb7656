import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// Forwards one authenticated request to the executor and streams its answer back.
struct ProxyExchange: Sendable {
    let core: GatewayCore
    let exchange: Exchange

    func forward(writer: consuming ResponseWriter) async throws -> Int {
        let headers = ForwardedHeaders.build(
            from: self.exchange.request.headers,
            authority: self.exchange.request.head.authority,
            clientAddress: self.exchange.clientAddress,
            scheme: self.core.scheme,
            requestID: self.exchange.requestID
        )
        let response: HTTPClientResponse
        do {
            response = try await self.core.forwarder.send(self.exchange.request, uri: self.exchange.target.forwardedTarget, headers: headers)
        } catch {
            if error.status.code >= 500 {
                self.exchange.logger.warning("Executor request failed", metadata: ["error.code": "\(error.code)"])
            }
            return try await self.exchange.write(error, cors: self.core.cors, to: writer)
        }
        var fields = self.exchange.baseHeaders(cors: self.core.cors)
        for header in response.headers where !ForwardedHeaders.responseHopByHop.contains(header.name.lowercased()) {
            guard let name = HTTPField.Name(header.name), !Self.gatewayOwned(name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        var body = try await writer.writeHead(HTTPResponse(status: status, headerFields: fields))
        for try await chunk in response.body {
            try await body.write(chunk)
        }
        try await body.finish(nil)
        return status.code
    }

    /// Headers the gateway sets itself and does not take from the executor.
    static func gatewayOwned(_ name: HTTPField.Name) -> Bool {
        name == ForwardedHeaders.xRequestID || name == .vary || name.canonicalName.hasPrefix("access-control-")
    }
}
