import Foundation
import HTTPTypes

/// An error answer of the gateway: status, snake_case code and a sentence (SPEC §8).
public struct GatewayError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// `{"error":{"code":…,"message":…},"message":…,"reason":…}` — the last two for Jupyter clients.
    public var body: [UInt8] {
        let payload = Payload(error: .init(code: self.code, message: self.message), message: self.message, reason: self.code)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(payload))) ?? Array(#"{"error":{"code":"internal_error","message":"Internal error."}}"#.utf8)
    }

    private struct Payload: Encodable {
        struct Detail: Encodable { var code: String; var message: String }
        var error: Detail
        var message: String
        var reason: String
    }
}

extension GatewayError {
    static func unauthorized() -> Self {
        .init(.unauthorized, code: "unauthorized",
              message: "A valid token is required: send `Authorization: Bearer <SPIN_TOKEN>` (or `token <SPIN_TOKEN>`), or `?token=`.",
              headers: [.wwwAuthenticate: #"Bearer realm="spin""#])
    }

    static func tooManyFailures(retryAfter seconds: Int) -> Self {
        .init(.tooManyRequests, code: "too_many_auth_failures",
              message: "Too many failed authentication attempts from this address; retry after \(seconds) seconds.",
              headers: [.retryAfter: String(seconds)])
    }

    static func originNotAllowed() -> Self {
        .init(.forbidden, code: "origin_not_allowed",
              message: "This Origin is not allowed to open WebSockets here; add it to SPIN_ALLOWED_ORIGINS.")
    }

    static func bodyTooLarge(limit: Int) -> Self {
        .init(.contentTooLarge, code: "body_too_large",
              message: "The request body is larger than the gateway accepts (\(limit) bytes).")
    }

    static func executorUnavailable() -> Self {
        .init(.serviceUnavailable, code: "executor_unavailable",
              message: "The executor is not reachable right now; retry in a few seconds.",
              headers: [.retryAfter: "2"])
    }

    static func executorTimeout() -> Self {
        .init(.gatewayTimeout, code: "executor_timeout", message: "The executor did not answer in time.")
    }

    static func badRequest(_ message: String) -> Self {
        .init(.badRequest, code: "bad_request", message: message)
    }

    static func notFound() -> Self {
        .init(.notFound, code: "not_found", message: "No such resource on this gateway.")
    }
}
