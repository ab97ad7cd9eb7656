import NIOWebSocket

/// Masking keys for frames towards the executor (a client must mask; RFC 6455 §5.3).
///
/// The executor is a local peer over a Unix socket, so the masks only have to follow the
/// protocol, not defeat cache poisoning by a hostile page: a SplitMix64 stream seeded once
/// per relay instead of a `getrandom` call per frame.
struct MaskingKeys {
    private var generator: SplitMix64

    init(seed: UInt64 = .random(in: .min ... .max)) {
        self.generator = SplitMix64(seed: seed)
    }

    mutating func nextKey() -> WebSocketMaskingKey {
        WebSocketMaskingKey.random(using: &self.generator)
    }
}
