/// The request target split into path and query, with the `token` parameter removed.
public struct RequestTarget: Sendable, Equatable {
    public var path: String
    public var query: String?
    /// The query without `token=` (what is forwarded and logged).
    public var strippedQuery: String?

    public init(_ target: String) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else {
            self.path = target
            return
        }
        self.path = String(target[..<mark])
        self.query = String(target[target.utf8.index(after: mark)...])
        self.strippedQuery = QueryString.removing("token", from: self.query)
    }

    /// Path and stripped query, as sent to the executor and written to logs.
    public var forwardedTarget: String {
        self.strippedQuery.map { "\(self.path)?\($0)" } ?? self.path
    }

    public var isValid: Bool { self.path.hasPrefix("/") }
}

enum RequestID {
    /// Keeps a well-formed incoming `X-Request-Id` (8–64 of `A-Z a-z 0-9 - _ .`), else
    /// makes a new one of 32 hex digits from `generator`. The proxy passes a per-connection
    /// `SplitMix64`: ids only have to be unique, not unpredictable (they grant nothing),
    /// and a request then costs no system call.
    static func make<G: RandomNumberGenerator>(incoming: String?, using generator: inout G) -> String {
        if let incoming, (8...64).contains(incoming.utf8.count), incoming.utf8.allSatisfy(Self.isAllowed) {
            return incoming
        }
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for var word in [generator.next(), generator.next()] as [UInt64] {
            for _ in 0..<8 {
                let byte = UInt8(truncatingIfNeeded: word)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0f)])
                word >>= 8
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// With the system's generator (two `getrandom` calls).
    static func make(incoming: String?) -> String {
        var generator = SystemRandomNumberGenerator()
        return Self.make(incoming: incoming, using: &generator)
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
