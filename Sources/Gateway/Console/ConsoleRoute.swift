import HTTPTypes

/// The static console under `/console/` (open without a token, SPEC §3): only
/// the embedded files, each with a strict Content-Security-Policy.
enum ConsoleRoute {
    static let prefix = "/console/"

    /// Scripts and styles only from the console itself; `fetch` to the gateway and
    /// WebSockets to it; images from outputs come as `data:` URLs.
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self' ws: wss:", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static let referrerPolicyName = HTTPField.Name("Referrer-Policy")!

    /// The embedded file for a request path under `/console/` (`/console/` itself is `index.html`).
    static func asset(forPath path: String) -> ConsoleAsset? {
        guard path.hasPrefix(self.prefix) else { return nil }
        let name = path.dropFirst(self.prefix.count)
        return ConsoleAssets.files[name.isEmpty ? "index.html" : String(name)]
    }

    /// Headers of every console answer: no caching without revalidation, no sniffing, no framing.
    static func headers(for asset: ConsoleAsset) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = asset.contentType
        fields[.cacheControl] = "no-cache"
        fields[.eTag] = asset.etag
        fields[.contentSecurityPolicy] = self.contentSecurityPolicy
        fields[.xContentTypeOptions] = "nosniff"
        fields[self.referrerPolicyName] = "no-referrer"
        return fields
    }

    /// True when the client's `If-None-Match` already names this version.
    static func isUnchanged(_ asset: ConsoleAsset, ifNoneMatch: String?) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { $0.trimmingSpaces() == asset.etag || $0.trimmingSpaces() == "*" }
    }
}
