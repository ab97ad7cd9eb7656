import Crypto

/// HMAC-SHA256 signing of the four JSON parts, as Jupyter's `Session` does.
///
/// An empty key disables signing (the signature part is empty), which
/// Jupyter also allows.
public struct MessageSigner: Sendable {
    private let key: [UInt8]
    /// HMAC's state after the key: keyed once here rather than for each of
    /// the ~7 messages of an execute (padding and hashing the key was half
    /// the cost of a signature).
    private let keyed: KeyedHMAC?

    public init(key: [UInt8]) {
        self.key = key
        self.keyed = key.isEmpty ? nil : KeyedHMAC(HMAC<SHA256>(key: SymmetricKey(data: key)))
    }

    public var isEnabled: Bool { !key.isEmpty }

    /// The lowercase hex signature over header, parent header, metadata and content.
    public func signature(_ parts: [UInt8]...) -> [UInt8] {
        signature(of: parts)
    }

    public func signature(of parts: [[UInt8]]) -> [UInt8] {
        guard var hmac = keyed?.state else { return [] }
        for part in parts { hmac.update(data: part) }
        return Self.hex(Array(hmac.finalize()))
    }

    /// Constant-time comparison of `candidate` against the expected signature.
    public func verify(_ candidate: [UInt8], parts: [[UInt8]]) -> Bool {
        guard isEnabled else { return true }
        return Self.constantTimeEqual(candidate, signature(of: parts))
    }

    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        // Lengths are public (a hex digest has a fixed length); contents are not.
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }
}

/// A keyed HMAC state, copied for each signature. The hash contexts inside
/// are copy-on-write (a copy that is updated gets its own context), so
/// sharing the original across threads only ever reads it.
private struct KeyedHMAC: @unchecked Sendable {
    let state: HMAC<SHA256>

    init(_ state: HMAC<SHA256>) {
        self.state = state
    }
}
