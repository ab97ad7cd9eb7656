import NIOWebSocket

/// Masking keys for frames towards the executor (a client must mask; RFC 6455 §5.3).
///
/// The executor is a local peer over a Unix socket, so the masks only have to follow the
/// protocol, not defeat cache poisoning by a hostile page: a SplitMix64 stream seeded once
/// per relay instead of a `getrandom` call per frame.
struct MaskingKeys: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64 = .random(in: .min ... .max)) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextKey() -> WebSocketMaskingKey {
        WebSocketMaskingKey.random(using: &self)
    }
}
