import HTTPTypes

/// Decides the CORS and Private Network Access headers of a response (SPEC §3).
public struct CORSPolicy: Sendable {
    public static let allowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    public static let defaultAllowedHeaders = "Authorization, Content-Type, X-Request-Id, X-XSRFToken"

    public let origins: OriginList

    public init(origins: OriginList) {
        self.origins = origins
    }

    /// Headers for an ordinary (non-preflight) response: `Vary: Origin`, and the CORS
    /// headers when the `Origin` is allowed.
    public func responseHeaders(origin: String?) -> HTTPFields {
        HTTPFields(self.responsePairs(origin: origin).map { HTTPField(name: $0.name, value: $0.value) })
    }

    /// `responseHeaders(origin:)` as name–value pairs (the proxy writes them in NIO's types).
    func responsePairs(origin: String?) -> [(name: HTTPField.Name, value: String)] {
        guard let origin, self.origins.allows(origin) else { return [(.vary, "Origin")] }
        return [(.vary, "Origin"), (.accessControlAllowOrigin, origin), (.accessControlExposeHeaders, Self.exposedHeaders)]
    }

    static let exposedHeaders = "X-Request-Id, Retry-After, WWW-Authenticate"

    /// The answer to an `OPTIONS` preflight: status and headers.
    public func preflight(origin: String?, requestedHeaders: String?, privateNetwork: Bool) -> (HTTPResponse.Status, HTTPFields) {
        guard let origin, self.origins.allows(origin) else {
            var fields = HTTPFields()
            fields[.vary] = "Origin"
            return (origin == nil ? .noContent : .forbidden, fields)
        }
        var fields = self.responseHeaders(origin: origin)
        fields[.accessControlAllowMethods] = Self.allowedMethods
        fields[.accessControlAllowHeaders] = Self.sanitized(requestedHeaders) ?? Self.defaultAllowedHeaders
        fields[.accessControlMaxAge] = "600"
        if privateNetwork {
            fields[Self.allowPrivateNetwork] = "true"
        }
        return (.noContent, fields)
    }

    /// Whether a WebSocket handshake from this `Origin` may proceed (WebSockets bypass CORS).
    public func allowsWebSocket(origin: String?) -> Bool {
        self.origins.allows(origin)
    }

    public static let requestPrivateNetwork = HTTPField.Name("Access-Control-Request-Private-Network")!
    public static let allowPrivateNetwork = HTTPField.Name("Access-Control-Allow-Private-Network")!

    /// Echoes a requested header list when it only holds header-name characters.
    static func sanitized(_ requested: String?) -> String? {
        guard let requested, !requested.isEmpty, requested.count < 1024 else { return nil }
        let allowed = requested.unicodeScalars.allSatisfy {
            $0.isASCII &&
            ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_, ".unicodeScalars.contains($0))
        }
        return allowed ? requested : nil
    }
}
