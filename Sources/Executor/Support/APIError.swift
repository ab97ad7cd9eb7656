import Connections
import Foundation
import HTTPTypes
import Hummingbird
import JupyterProtocol
import Kernels
import NIOCore
import NIOHTTP1

/// An error answer in the runtime's one format (SPEC §8):
/// `{"error": {"code": "...", "message": "..."}}`, plus Jupyter Server's
/// top-level `message` and `reason` so that Jupyter clients show it too.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        let body: JSONValue = [
            "error": ["code": .string(code), "message": .string(message)],
            "message": .string(message),
            "reason": .string(status.reasonPhrase),
        ]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONCoding.encode(body))))
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, "not_found", what)
    }

    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(.badRequest, code, message)
    }
}

extension APIError {
    /// Maps any error a handler throws to the answer a client sees; detail of
    /// unexpected errors stays in the log.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as KernelError: return from(error)
        case let error as ConnectionError: return from(error)
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "body_too_large", "The request body is larger than the runtime accepts.")
        case let error as DecodingError: return from(error)
        case let error as ProtocolError:
            return APIError(.badRequest, error.code.description, "The request is not a valid Jupyter message: \(error.detail).")
        case let error as HTTPError: return from(error)
        case is HTTPParserError:
            // The body's framing broke (a bad chunk size, say): the rest of the
            // connection cannot be read, so it ends with this answer.
            var answer = APIError(.badRequest, "malformed_request", "The request body's framing is not valid HTTP/1.1.")
            answer.headers[.connection] = "close"
            return answer
        default:
            return APIError(.internalServerError, "internal_error", "The runtime hit an unexpected error; its log has the details.")
        }
    }

    private static func from(_ error: ConnectionError) -> APIError {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalid: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .storage: .internalServerError
        }
        return APIError(status, error.code, error.message)
    }

    private static func from(_ error: KernelError) -> APIError {
        let status: HTTPResponse.Status = switch error.code {
        case .noSuchKernel, .noSuchKernelSpec: .notFound
        case .kernelDead: .conflict
        case .shuttingDown: .serviceUnavailable
        case .startTimeout: .gatewayTimeout
        case .badChannel: .badRequest
        default: .internalServerError
        }
        return APIError(status, error.code.rawValue, error.message)
    }

    private static func from(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "the body" : "'\(path)'"
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return .badRequest("invalid_field", "Field \(path(context)) has the wrong type.")
        case .keyNotFound(let key, _):
            return .badRequest("missing_field", "Field '\(key.stringValue)' is required.")
        case .dataCorrupted(let context):
            return .badRequest("invalid_json", context.codingPath.isEmpty
                ? "The body is not valid JSON." : "Field \(path(context)) is invalid.")
        @unknown default:
            return .badRequest("invalid_body", "The body could not be read.")
        }
    }

    private static func from(_ error: HTTPError) -> APIError {
        switch error.status {
        case .notFound: return .notFound("No such resource.")
        case .methodNotAllowed: return APIError(.methodNotAllowed, "method_not_allowed", "This method is not allowed here.")
        case .contentTooLarge: return APIError(.contentTooLarge, "body_too_large", "The request body is larger than the runtime accepts.")
        default:
            return APIError(error.status, error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                            error.body ?? error.status.reasonPhrase)
        }
    }
}
