import HTTPTypes

/// Builds the header set sent to the executor: no hop-by-hop headers, no token, plus
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

    /// `(name, value)` pairs for the executor request; `authority` is the client's `Host`.
    public static func build(
        from incoming: HTTPFields, authority: String?, clientAddress: String, scheme: String, requestID: String
    ) -> [(String, String)] {
        var out = fields(from: incoming, clientAddress: clientAddress, scheme: scheme, requestID: requestID)
            .map { ($0.name.rawName, $0.value) }
        out.append(("Host", authority ?? "localhost"))
        return out
    }

    /// The executor request's fields without `Host` (HTTPTypes carries it as the authority).
    public static func fields(from incoming: HTTPFields, clientAddress: String, scheme: String, requestID: String) -> HTTPFields {
        var out = HTTPFields()
        var priorForwardedFor: [String] = []
        for field in incoming {
            let name = field.name.canonicalName
            if hopByHop.contains(name) || name == "x-forwarded-proto" || name == "x-request-id" { continue }
            if name == "authorization", Credentials.token(fromAuthorization: field.value) != nil { continue }
            if name == "x-forwarded-for" {
                priorForwardedFor.append(field.value)
                continue
            }
            out.append(field)
        }
        out[xForwardedFor] = (priorForwardedFor + [clientAddress]).joined(separator: ", ")
        out[xForwardedProto] = scheme
        out[xRequestID] = requestID
        return out
    }

    /// Response headers from the executor that must not be copied to the client.
    static let responseHopByHop: Set<String> = ["connection", "keep-alive", "transfer-encoding", "upgrade", "trailer"]
}
