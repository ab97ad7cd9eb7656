import HTTPTypes
import NIOHTTP1

/// Builds the headers sent to the executor: no hop-by-hop headers, no token, plus
/// `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Request-Id`.
public enum ForwardedHeaders {
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length",
        "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
    ]

    public static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    public static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    public static let xRequestID = HTTPField.Name("X-Request-Id")!

    /// The executor request's headers; `authority` is the client's `Host`.
    public static func headers(
        from incoming: HTTPFields, authority: String?, clientAddress: String, scheme: String, requestID: String
    ) -> HTTPHeaders {
        var out = HTTPHeaders()
        var priorForwardedFor: [String] = []
        for field in incoming {
            let name = field.name.canonicalName
            if hopByHop.contains(name) || name == "x-forwarded-proto" || name == "x-request-id" { continue }
            if name == "authorization", Credentials.token(fromAuthorization: field.value) != nil { continue }
            if name == "x-forwarded-for" {
                priorForwardedFor.append(field.value)
                continue
            }
            out.add(name: field.name.rawName, value: field.value)
        }
        out.add(name: "X-Forwarded-For", value: priorForwardedFor.isEmpty ? clientAddress : (priorForwardedFor + [clientAddress]).joined(separator: ", "))
        out.add(name: "X-Forwarded-Proto", value: scheme)
        out.add(name: "X-Request-Id", value: requestID)
        out.add(name: "Host", value: authority ?? "localhost")
        return out
    }

    /// Response headers from the executor that must not be copied to the client.
    static let responseHopByHop: Set<String> = ["connection", "keep-alive", "transfer-encoding", "upgrade", "trailer"]
}
