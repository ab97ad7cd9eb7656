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
    /// spaces and tabs around the parts ignored). Read as bytes in place: every API
    /// request and every forwarded header set asks.
    public static func token(fromAuthorization value: String) -> String? {
        let utf8 = value.utf8
        let found = utf8.withContiguousStorageIfAvailable(Self.tokenRange) ?? Array(utf8).withUnsafeBufferPointer(Self.tokenRange)
        guard let range = found else { return nil }
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(utf8.startIndex, offsetBy: range.upperBound)
        return String(value[start..<end])
    }

    /// The token's byte range: blanks, a scheme up to the first space, blanks, the token.
    private static func tokenRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var index = 0
        while index < bytes.count, Self.isBlank(bytes[index]) { index += 1 }
        let schemeStart = index
        while index < bytes.count, bytes[index] != UInt8(ascii: " ") { index += 1 }
        guard index < bytes.count else { return nil }
        let scheme = UnsafeBufferPointer(rebasing: bytes[schemeStart..<index])
        guard Self.isScheme(scheme, "token") || Self.isScheme(scheme, "bearer") else { return nil }
        while index < bytes.count, Self.isBlank(bytes[index]) { index += 1 }
        var end = bytes.count
        while end > index, Self.isBlank(bytes[end - 1]) { end -= 1 }
        return index < end ? index..<end : nil
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// ASCII case-insensitive comparison with a lowercase scheme name (letters only, so
    /// setting the case bit matches exactly the two cases of each letter).
    private static func isScheme(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        bytes.count == name.utf8.count && bytes.elementsEqual(name.utf8) { $0 | 0x20 == $1 }
    }
}
