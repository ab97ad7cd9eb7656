/// CRC-32 (IEEE 802.3, the polynomial of zlib and PNG), table-driven, pure.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = (value & 1) != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        let crc = table.withUnsafeBufferPointer { table -> UInt32 in
            func run(_ bytes: some Sequence<UInt8>) -> UInt32 {
                var crc: UInt32 = 0xFFFF_FFFF
                for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
                return crc
            }
            return bytes.withContiguousStorageIfAvailable { run($0) } ?? run(bytes)
        }
        return crc ^ 0xFFFF_FFFF
    }
}
