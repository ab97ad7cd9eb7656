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
    /// Keeps a well-formed incoming `X-Request-Id`, else makes a new one.
    static func make(incoming: String?) -> String {
        if let incoming, (8...64).contains(incoming.count),
            incoming.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) })
        {
            return incoming
        }
        // Two 64-bit draws (one getrandom each), not sixteen.
        var generator = SystemRandomNumberGenerator()
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
}
