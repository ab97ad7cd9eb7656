/// SplitMix64 (Steele, Lea and Flood, 2014): a fast generator whose outputs are distinct
/// for 2^64 draws from one seed. For values that only have to be unique or follow a
/// protocol (request ids, masking keys towards the local executor), never for secrets.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// Seeded from the system's generator (one `getrandom`) unless a seed is given.
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
}
