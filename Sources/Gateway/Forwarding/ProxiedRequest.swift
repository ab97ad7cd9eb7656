import HTTPTypes
import NIOCore
import NIOHTTP1

/// One request the proxy handler answers itself (forwarded to the executor, or refused),
/// tracked in both directions: the request may still be arriving when its answer ends.
final class ProxiedRequest {
    let id: String
    let method: String
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
    /// The request has a body on the wire (`Content-Length` above 0, or chunked).
    var hasBody = false
    /// The connection closes after this answer (refused body, `Connection: close`).
    var closing = false
    /// The request's end has gone out to the executor (not only been queued).
    var requestWritten = false
    /// The executor said `Connection: close`: its connection is not used again.
    var executorCloses = false
    /// When the answer must have begun (the proxy's timeout).
    var deadline = NIODeadline.uptimeNanoseconds(0)

    init(head: HTTPRequestHead, target: RequestTarget, clientAddress: String, ids: inout SplitMix64) {
        self.id = RequestID.make(incoming: head.headers.first(name: "X-Request-Id"), using: &ids)
        self.method = head.method.rawValue
        self.target = target
        self.origin = head.headers.first(name: "Origin")
        self.clientAddress = clientAddress
        self.closeWhenDone = !head.isKeepAlive
    }

    /// The executor's answer as the browser gets it: its headers without hop-by-hop and
    /// gateway-owned ones, plus CORS for the request's origin and the request id.
    func browserHead(for response: HTTPResponseHead, cors: CORSPolicy) -> HTTPResponseHead {
        var headers = self.baseHeaders(cors: cors, extra: response.headers.count)
        for (name, value) in response.headers
        where HeaderName.isToken(name) && !HeaderName.isAny(name, of: ForwardedHeaders.responseHopByHop) && !Self.gatewayOwned(name) {
            headers.append((name, value))
        }
        if self.closeWhenDone { headers.append(("Connection", "close")) }
        return HTTPResponseHead(version: .http1_1, status: response.status, headers: HTTPHeaders(headers))
    }

    /// The gateway's own JSON error answer (SPEC §8) for this request.
    func errorParts(_ error: GatewayError, cors: CORSPolicy, close: Bool) -> (HTTPResponseHead, ByteBuffer) {
        var headers = self.baseHeaders(cors: cors, extra: error.headers.count + 3)
        headers.append(contentsOf: error.headers.map { ($0.name.rawName, $0.value) })
        let body = error.body
        headers.append(("Content-Type", "application/json"))
        headers.append(("Content-Length", String(body.count)))
        if close || self.closeWhenDone { headers.append(("Connection", "close")) }
        let status = HTTPResponseStatus(statusCode: error.status.code, reasonPhrase: error.status.reasonPhrase)
        return (HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders(headers)), ByteBuffer(bytes: body))
    }

    /// CORS for the request's origin and the request id, with room for `extra` more.
    private func baseHeaders(cors: CORSPolicy, extra: Int) -> [(String, String)] {
        let pairs = cors.responsePairs(origin: self.origin)
        var headers: [(String, String)] = []
        headers.reserveCapacity(pairs.count + 1 + extra)
        for pair in pairs { headers.append((pair.name.rawName, pair.value)) }
        headers.append(("X-Request-Id", self.id))
        return headers
    }

    /// Headers the gateway sets itself and does not take from the executor.
    static func gatewayOwned(_ name: String) -> Bool {
        HeaderName.equals(name, "x-request-id") || HeaderName.equals(name, "vary") || HeaderName.hasPrefix(name, "access-control-")
    }

    /// The access log line and the request metric, once the answer has ended.
    func record(_ core: GatewayCore) {
        core.metrics.request(route: RouteClass(path: self.target.path, isUpgrade: false), status: self.status)
        let millis = (ContinuousClock.now - self.started) / .milliseconds(1)
        core.accessLog.record(
            requestID: self.id, method: self.method, target: self.target.forwardedTarget, status: self.status,
            milliseconds: Int(millis), clientAddress: self.clientAddress
        )
    }
}
