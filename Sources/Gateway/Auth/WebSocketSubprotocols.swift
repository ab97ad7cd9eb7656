/// The `Sec-WebSocket-Protocol` offer of a browser, split into the token carrier and the real protocols.
public struct WebSocketSubprotocols: Sendable, Equatable {
    public static let tokenPrefix = "spin.token."

    /// Protocols to forward to the executor, in the client's order.
    public var forwarded: [String]
    /// The base64url payloads of every `spin.token.` entry offered.
    public var tokenPayloads: [String]

    /// Parses every `Sec-WebSocket-Protocol` header value (each a comma list).
    public init(headerValues: [String]) {
        var forwarded: [String] = []
        var tokens: [String] = []
        for value in headerValues {
            for item in value.split(separator: ",") {
                let name = item.trimmingSpaces()
                guard !name.isEmpty else { continue }
                if name.hasPrefix(Self.tokenPrefix) {
                    tokens.append(String(name.dropFirst(Self.tokenPrefix.count)))
                } else {
                    forwarded.append(name)
                }
            }
        }
        self.forwarded = forwarded
        self.tokenPayloads = tokens
    }

    /// The header value to send to the executor, or `nil` when nothing is left.
    public var forwardedHeaderValue: String? {
        self.forwarded.isEmpty ? nil : self.forwarded.joined(separator: ", ")
    }

    /// Decoded token candidates (undecodable payloads are skipped).
    public var tokenCandidates: [[UInt8]] {
        self.tokenPayloads.compactMap { Base64URL.decode($0) }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
