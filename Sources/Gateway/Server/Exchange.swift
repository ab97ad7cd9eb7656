import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging

/// One HTTP request in flight, with what the gateway derived from it.
struct Exchange: Sendable {
    let request: Request
    let target: RequestTarget
    let requestID: String
    let clientAddress: String
    let logger: Logger

    var subject: AccessPolicy.Subject {
        AccessPolicy.Subject(
            method: self.request.method.rawValue, target: self.target, headers: self.request.headers, clientAddress: self.clientAddress
        )
    }

    /// Common response headers: CORS for the request's origin and the request id.
    func baseHeaders(cors: CORSPolicy) -> HTTPFields {
        cors.baseHeaders(origin: self.request.headers[.origin], requestID: self.requestID)
    }

    func write(_ error: GatewayError, cors: CORSPolicy, to writer: consuming ResponseWriter) async throws -> Int {
        var fields = self.baseHeaders(cors: cors)
        fields.append(contentsOf: error.headers)
        let body = error.body
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(body.count)
        try await writer.write(response: HTTPResponse(status: error.status, headerFields: fields), body: .init(byteBuffer: .init(bytes: body)))
        return error.status.code
    }

    func writeBytes(_ status: HTTPResponse.Status, contentType: String, body: [UInt8], cors: CORSPolicy, to writer: consuming ResponseWriter) async throws -> Int {
        var fields = self.baseHeaders(cors: cors)
        fields[.contentType] = contentType
        fields[.contentLength] = String(body.count)
        fields[.cacheControl] = "no-store"
        let payload: [UInt8] = self.request.method == .head ? [] : body
        try await writer.write(response: HTTPResponse(status: status, headerFields: fields), body: .init(byteBuffer: .init(bytes: payload)))
        return status.code
    }
}

extension AccessPolicy.Subject {
    /// What the access policy looks at in a request.
    init(method: String, target: RequestTarget, headers: HTTPFields, clientAddress: String) {
        self.init(
            method: method,
            path: target.path,
            origin: headers[.origin],
            isUpgrade: headers[.upgrade] != nil,
            clientAddress: clientAddress,
            credentials: Credentials(
                authorization: headers[values: .authorization],
                query: target.query,
                subprotocols: WebSocketSubprotocols(headerValues: headers[values: .secWebSocketProtocol])
            )
        )
    }
}

extension CORSPolicy {
    /// Headers every answer carries: CORS for the request's origin and the request id.
    func baseHeaders(origin: String?, requestID: String) -> HTTPFields {
        var fields = self.responseHeaders(origin: origin)
        fields[ForwardedHeaders.xRequestID] = requestID
        return fields
    }
}
