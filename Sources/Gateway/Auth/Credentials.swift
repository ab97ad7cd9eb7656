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

    /// `Authorization: token T` or `Authorization: Bearer T` (scheme case-insensitive;
    /// spaces and tabs around the parts ignored). Read as bytes: every API request and
    /// every forwarded header set asks.
    public static func token(fromAuthorization value: String) -> String? {
        let bytes = value.utf8
        let start = Self.skipBlanks(bytes, from: bytes.startIndex)
        guard let space = bytes[start...].firstIndex(of: UInt8(ascii: " ")),
            Self.isScheme(bytes[start..<space], "token".utf8) || Self.isScheme(bytes[start..<space], "bearer".utf8)
        else { return nil }
        let tokenStart = Self.skipBlanks(bytes, from: space)
        var tokenEnd = bytes.endIndex
        while tokenEnd > tokenStart, Self.isBlank(bytes[bytes.index(before: tokenEnd)]) { bytes.formIndex(before: &tokenEnd) }
        return tokenStart < tokenEnd ? String(value[tokenStart..<tokenEnd]) : nil
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    private static func skipBlanks(_ bytes: String.UTF8View, from index: String.Index) -> String.Index {
        var index = index
        while index < bytes.endIndex, Self.isBlank(bytes[index]) { bytes.formIndex(after: &index) }
        return index
    }

    /// ASCII case-insensitive comparison with a lowercase scheme name.
    private static func isScheme(_ bytes: Substring.UTF8View, _ name: String.UTF8View) -> Bool {
        bytes.elementsEqual(name) { $0 | 0x20 == $1 }
    }
}
