/// Where a presented token came from.
public enum CredentialSource: String, Sendable {
    case authorizationHeader = "header"
    case queryParameter = "query"
    case webSocketSubprotocol = "subprotocol"
}

/// The token candidates a request presents, in every accepted form (SPEC §3).
public struct Credentials: Sendable {
    public var candidates: [(source: CredentialSource, bytes: [UInt8])] = []

    public init(authorization: [String], query: String?, subprotocols: WebSocketSubprotocols) {
        for value in authorization {
            if let token = Self.token(fromAuthorization: value) {
                self.candidates.append((.authorizationHeader, Array(token.utf8)))
            }
        }
        for value in QueryString.values(of: "token", in: query) {
            self.candidates.append((.queryParameter, Array(value.utf8)))
        }
        for bytes in subprotocols.tokenCandidates {
            self.candidates.append((.webSocketSubprotocol, bytes))
        }
    }

    public var isEmpty: Bool { self.candidates.isEmpty }

    /// The first source whose token matches, or `nil`. Every candidate is compared.
    public func authenticate(with matcher: TokenMatcher) -> CredentialSource? {
        var found: CredentialSource?
        for candidate in self.candidates where matcher.matches(bytes: candidate.bytes) {
            found = found ?? candidate.source
        }
        return found
    }

    /// `Authorization: token T` or `Authorization: Bearer T` (scheme case-insensitive).
    public static func token(fromAuthorization value: String) -> String? {
        let parts = value.trimmingSpaces().split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        guard scheme == "token" || scheme == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }
}
