import CChecksum

/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), pure.
///
/// Every byte of a kernel's output passes through here on its way to the journal.
/// Long runs are folded 64 bytes a step by carry-less multiplication where the CPU
/// has it (CChecksum); the rest, and every run on other CPUs, goes through
/// slicing-by-8 tables, eight bytes per step (bench/findings.md, scenario 2).
///
/// A value is a running checksum: `update` it with each part of a record in turn,
/// then read `value`.
public struct CRC32: Sendable {
    private var register: UInt32 = 0xFFFF_FFFF
    /// Whether `update` may fold (tests turn it off to check one way against the other).
    let folds: Bool

    public init() { folds = Self.cpuFolds }

    init(folding: Bool) { folds = folding && Self.cpuFolds }

    /// The checksum of everything given to `update` so far.
    public var value: UInt32 { register ^ 0xFFFF_FFFF }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes
        if folds, rest.count >= Self.foldMinimum, let base = rest.baseAddress {
            let folded = rest.count & ~15
            register = spin_crc32_fold(register, base, folded)
            rest = UnsafeRawBufferPointer(rebasing: rest[folded...])
        }
        register = Self.tableUpdate(register, with: rest)
    }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { update($0) } }
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// Shorter runs gain nothing from folding's setup and final reduction.
    static let foldMinimum = 64
    static let cpuFolds = spin_crc32_fold_supported() != 0

    /// `tables[k * 256 + i]`: the CRC of byte `i` followed by `k` zero bytes.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = (value & 1) != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            tables[index] = value
        }
        for slice in 1..<8 {
            for index in 0..<256 {
                let previous = tables[(slice - 1) * 256 + index]
                tables[slice * 256 + index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    private static func tableUpdate(_ start: UInt32, with bytes: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            var crc = start
            var offset = 0
            while offset + 8 <= bytes.count {
                let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                let low = UInt32(truncatingIfNeeded: word) ^ crc
                let high = UInt32(truncatingIfNeeded: word >> 32)
                crc = table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                offset += 8
            }
            while offset < bytes.count {
                crc = table[Int((crc ^ UInt32(bytes[offset])) & 0xFF)] ^ (crc >> 8)
                offset += 1
            }
            return crc
        }
    }
}
