import AsyncHTTPClient
import Foundation
import NIOCore

/// Small requests of the gateway's own to the executor's Unix socket (readiness, `/metrics`,
/// a kernel's existence before a WebSocket); browsers' requests go through `HTTPProxyHandler`.
struct ExecutorHTTPForwarder: Sendable {
    let client: HTTPClient
    let socketPath: String
    /// `http+unix://<percent-encoded socket path>`, built once rather than per request.
    private let base: String

    init(client: HTTPClient, socketPath: String) {
        self.client = client
        self.socketPath = socketPath
        let host = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath
        self.base = "http+unix://\(host)"
    }

    /// `GET` a path on the executor and collect a small body (readiness checks).
    func get(_ uri: String, timeout: TimeAmount) async throws -> (status: Int, body: ByteBuffer) {
        var request = HTTPClientRequest(url: self.url(for: uri))
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Host", value: "localhost")
        let response = try await self.client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return (Int(response.status.code), body)
    }

    func url(for uri: String) -> String {
        self.base + (uri.hasPrefix("/") ? uri : "/" + uri)
    }
}
