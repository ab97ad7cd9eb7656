import HTTPTypes
import NIOCore
import NIOHTTP1

/// One request the proxy handler answers itself (forwarded to the executor, or refused),
/// tracked in both directions: the request may still be arriving when its answer ends.
final class ProxiedRequest {
    let id: String
    let method: HTTPRequest.Method
    let target: RequestTarget
    let origin: String?
    let clientAddress: String
    let started = ContinuousClock.now
    /// The browser asked for `Connection: close`.
    let closeWhenDone: Bool
    /// Sent to the executor (false: answered by the gateway).
    var forwarding = false
    var requestEnded = false
    var responseStarted = false
    var responseEnded = false
    var status = 0
    var bodyBytes = 0
    /// The connection closes after this answer (refused body, `Connection: close`).
    var closing = false
    /// The request's end has gone out to the executor (not only been queued).
    var requestWritten = false
    /// The executor said `Connection: close`: its connection is not used again.
    var executorCloses = false
    /// When the answer must have begun (the proxy's timeout).
    var deadline = NIODeadline.uptimeNanoseconds(0)

    init(head: HTTPRequest, target: RequestTarget, clientAddress: String) {
        self.id = RequestID.make(incoming: head.headerFields[ForwardedHeaders.xRequestID])
        self.method = head.method
        self.target = target
        self.origin = head.headerFields[.origin]
        self.clientAddress = clientAddress
        self.closeWhenDone = head.headerFields[.connection]?.lowercased().contains("close") ?? false
    }

    /// The executor's answer as the browser gets it: its headers without hop-by-hop and
    /// gateway-owned ones, plus CORS for the request's origin and the request id.
    func browserHead(for response: HTTPResponseHead, cors: CORSPolicy) -> HTTPResponse {
        var fields = cors.baseHeaders(origin: self.origin, requestID: self.id)
        for (name, value) in response.headers {
            guard let fieldName = HTTPField.Name(name),
                !ForwardedHeaders.responseHopByHop.contains(fieldName.canonicalName), !Self.gatewayOwned(fieldName)
            else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        if self.closeWhenDone { fields[.connection] = "close" }
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        return HTTPResponse(status: status, headerFields: fields)
    }

    /// The gateway's own JSON error answer (SPEC §8) for this request.
    func errorParts(_ error: GatewayError, cors: CORSPolicy, close: Bool) -> (HTTPResponse, ByteBuffer) {
        var fields = cors.baseHeaders(origin: self.origin, requestID: self.id)
        fields.append(contentsOf: error.headers)
        let body = error.body
        fields[.contentType] = "application/json"
        fields[.contentLength] = String(body.count)
        if close || self.closeWhenDone { fields[.connection] = "close" }
        return (HTTPResponse(status: error.status, headerFields: fields), ByteBuffer(bytes: body))
    }

    /// Headers the gateway sets itself and does not take from the executor.
    static func gatewayOwned(_ name: HTTPField.Name) -> Bool {
        name == ForwardedHeaders.xRequestID || name == .vary || name.canonicalName.hasPrefix("access-control-")
    }

    /// The access log line and the request metric, once the answer has ended.
    func record(_ core: GatewayCore) {
        core.metrics.request(route: RouteClass(path: self.target.path, isUpgrade: false), status: self.status)
        let millis = (ContinuousClock.now - self.started) / .milliseconds(1)
        core.accessLog.record(
            requestID: self.id, method: self.method.rawValue, target: self.target.forwardedTarget, status: self.status,
            milliseconds: Int(millis), clientAddress: self.clientAddress
        )
    }
}
