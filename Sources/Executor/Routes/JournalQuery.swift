import Hummingbird
import HummingbirdCore

/// The query of a journal request: `after=N` (default 0) and `limit=M`
/// (default 1000, at most 10 000). Anything else is a 400, never a guess.
struct JournalQuery: Sendable, Equatable {
    static let defaultLimit = 1000
    static let maxLimit = 10_000

    var after: UInt64 = 0
    var limit = JournalQuery.defaultLimit

    init(after: UInt64 = 0, limit: Int = JournalQuery.defaultLimit) {
        self.after = after
        self.limit = limit
    }

    init(_ parameters: FlatDictionary<Substring, Substring>) throws(APIError) {
        if let text = try Self.single(parameters, "after") {
            guard let value = Self.number(text) else {
                throw APIError.badRequest("invalid_parameter", "'after' must be a whole number of at least 0 (a spin_seq), not '\(text.prefix(32))'.")
            }
            after = value
        }
        if let text = try Self.single(parameters, "limit") {
            guard let value = Self.number(text), value >= 1, value <= UInt64(Self.maxLimit) else {
                throw APIError.badRequest("invalid_parameter", "'limit' must be a whole number from 1 to \(Self.maxLimit), not '\(text.prefix(32))'.")
            }
            limit = Int(value)
        }
    }

    /// The `after` of a WebSocket URL, nil when absent.
    static func webSocketAfter(_ parameters: FlatDictionary<Substring, Substring>) throws(APIError) -> UInt64? {
        guard parameters.has("after") else { return nil }
        return try JournalQuery(parameters).after
    }

    static func isValidWebSocketQuery(_ parameters: FlatDictionary<Substring, Substring>) -> Bool {
        do {
            _ = try webSocketAfter(parameters)
            return true
        } catch {
            return false
        }
    }

    private static func single(_ parameters: FlatDictionary<Substring, Substring>, _ name: Substring) throws(APIError) -> Substring? {
        let values = parameters[values: name]
        guard values.count <= 1 else {
            throw APIError.badRequest("invalid_parameter", "'\(name)' may be given only once.")
        }
        return values.first
    }

    /// Plain decimal digits only: no sign, no spaces, no exponent, no overflow.
    static func number(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 20, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(text)
    }
}
