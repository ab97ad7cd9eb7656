/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), pure.
///
/// Slicing-by-8: eight bytes per step through eight 256-entry tables, instead of one byte
/// per table lookup. Every byte of a kernel's output passes through here on its way to
/// the journal, and the byte-at-a-time loop was a third of the executor's CPU time while
/// a cell streamed output (bench/findings.md, scenario 2).
public enum CRC32 {
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

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        let crc = bytes.withContiguousStorageIfAvailable { update(0xFFFF_FFFF, with: UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { update(0xFFFF_FFFF, with: $0) }
        return crc ^ 0xFFFF_FFFF
    }

    private static func update(_ start: UInt32, with bytes: UnsafeRawBufferPointer) -> UInt32 {
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
