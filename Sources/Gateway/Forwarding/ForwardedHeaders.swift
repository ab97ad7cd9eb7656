import HTTPTypes
import NIOHTTP1

/// Builds the headers sent to the executor: no hop-by-hop headers, no token, plus
/// `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Request-Id`.
public enum ForwardedHeaders {
    /// Request headers not passed on as they came (lowercase).
    static let dropped: [String] = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length",
        "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
        "x-forwarded-proto", "x-request-id",
    ]

    public static let xRequestID = HTTPField.Name("X-Request-Id")!

    /// The executor request's headers; `authority` is the client's `Host`.
    public static func headers(
        from incoming: HTTPHeaders, authority: String?, clientAddress: String, scheme: String, requestID: String
    ) -> HTTPHeaders {
        var out: [(String, String)] = []
        out.reserveCapacity(incoming.count + 4)
        var priorForwardedFor: [String] = []
        for (name, value) in incoming {
            if HeaderName.isAny(name, of: Self.dropped) { continue }
            if HeaderName.equals(name, "authorization"), Credentials.token(fromAuthorization: value) != nil { continue }
            if HeaderName.equals(name, "x-forwarded-for") {
                priorForwardedFor.append(value)
                continue
            }
            out.append((name, value))
        }
        out.append(("X-Forwarded-For", priorForwardedFor.isEmpty ? clientAddress : (priorForwardedFor + [clientAddress]).joined(separator: ", ")))
        out.append(("X-Forwarded-Proto", scheme))
        out.append(("X-Request-Id", requestID))
        out.append(("Host", authority ?? "localhost"))
        return HTTPHeaders(out)
    }

    /// Response headers from the executor that must not be copied to the client (lowercase).
    static let responseHopByHop: [String] = ["connection", "keep-alive", "transfer-encoding", "upgrade", "trailer"]
}
