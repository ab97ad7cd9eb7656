import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Forwards HTTP requests to the executor's Unix socket, streaming bodies both ways.
struct ExecutorHTTPForwarder: Sendable {
    let client: HTTPClient
    let socketPath: String
    let maxBodyBytes: Int
    let timeout: TimeAmount
    /// `http+unix://<percent-encoded socket path>`, built once rather than per request.
    private let base: String

    init(client: HTTPClient, socketPath: String, maxBodyBytes: Int, timeout: TimeAmount) {
        self.client = client
        self.socketPath = socketPath
        self.maxBodyBytes = maxBodyBytes
        self.timeout = timeout
        let host = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath
        self.base = "http+unix://\(host)"
    }

    /// Sends the request; returns the executor's response with its body still streaming.
    func send(_ request: Request, uri: String, headers: [(String, String)]) async throws(GatewayError) -> HTTPClientResponse {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > self.maxBodyBytes {
            throw .bodyTooLarge(limit: self.maxBodyBytes)
        }
        var outbound = HTTPClientRequest(url: self.url(for: uri))
        outbound.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        outbound.headers = HTTPHeaders(headers)
        if Self.hasBody(request) {
            let length = request.headers[.contentLength].flatMap(Int64.init)
            let body = LimitedBody(base: request.body, limit: self.maxBodyBytes)
            outbound.body = .stream(body, length: length.map { .known($0) } ?? .unknown)
        }
        do {
            return try await self.client.execute(outbound, timeout: self.timeout)
        } catch {
            throw Self.map(error, limit: self.maxBodyBytes)
        }
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

    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength], length != "0" { return true }
        return request.headers[.transferEncoding] != nil
    }

    static func map(_ error: any Error, limit: Int) -> GatewayError {
        if error is BodyTooLargeError { return .bodyTooLarge(limit: limit) }
        if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded || clientError == .readTimeout {
            return .executorTimeout()
        }
        return .executorUnavailable()
    }
}
