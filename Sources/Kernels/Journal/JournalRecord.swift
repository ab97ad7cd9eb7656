import JupyterProtocol

/// One journaled message: its sequence number, the channel it went out on,
/// and the message as clients received it (`metadata.spin_seq` included).
public struct JournalRecord: Sendable {
    public let seq: UInt64
    public let channel: Channel
    public let message: JupyterMessage

    public init(seq: UInt64, channel: Channel, message: JupyterMessage) {
        self.seq = seq
        self.channel = channel
        self.message = message
    }

    /// Bytes the record takes in a segment file.
    public var encodedCount: Int {
        JournalRecordCodec.frameHeaderCount + JournalRecordCodec.fixedPayloadCount
            + 4 * message.buffers.count + message.byteCount
    }
}

/// The on-disk form of records, pure (no I/O).
///
/// A segment file is the 8-byte magic `SPINJNL1`, then frames:
/// `u32 payload length | u32 CRC-32 of payload | payload`, all little-endian.
/// The payload is `u64 seq | u8 channel | u8 0 | u16 buffer count |
/// u32 header, parent, metadata, content lengths | u32 buffer lengths… |`
/// the parts' bytes back to back. A frame whose length runs past the end of
/// the data, or whose checksum does not match, ends the readable part: that
/// is how a write torn by a crash is found and dropped.
public enum JournalRecordCodec {
    public static let magic = Array("SPINJNL1".utf8)
    static let frameHeaderCount = 8
    static let fixedPayloadCount = 8 + 4 + 16
    /// No real record comes near this; a larger length means damage.
    public static let maxPayloadCount = 1 << 30
    static let channels: [Channel] = [.shell, .iopub, .stdin, .control]

    /// The parts of `record`'s message, in the order the payload holds them.
    static func parts(of record: JournalRecord) -> [[UInt8]] {
        let message = record.message
        return [message.header, message.parentHeader, message.metadata, message.content] + message.buffers
    }

    /// Appends the frame of `record` up to its parts to `out`: frame header (length and
    /// checksum filled in) and fixed payload. The frame is this followed by `parts`
    /// (`parts(of: record)`), so a writer can hand the parts to `writev` where they are.
    static func appendHead(of record: JournalRecord, parts: [[UInt8]], to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: frameHeaderCount))
        append(record.seq, to: &out)
        out.append(UInt8(channels.firstIndex(of: record.channel) ?? 0))
        out.append(0)
        append(UInt16(record.message.buffers.count), to: &out)
        for part in parts { append(UInt32(part.count), to: &out) }
        var crc = CRC32()
        crc.update(out[(start + frameHeaderCount)...])
        for part in parts { crc.update(part) }
        let payloadCount = out.count - start - frameHeaderCount + parts.reduce(0) { $0 + $1.count }
        set(UInt32(payloadCount), at: start, in: &out)
        set(crc.value, at: start + 4, in: &out)
    }

    /// Appends the frame of `record` to `out`.
    public static func encode(_ record: JournalRecord, into out: inout [UInt8]) {
        let parts = parts(of: record)
        out.reserveCapacity(out.count + record.encodedCount)
        appendHead(of: record, parts: parts, to: &out)
        for part in parts { out += part }
    }

    /// Why decoding stopped before the end of the data.
    public enum Damage: Sendable, Equatable {
        /// The last frame is incomplete (a torn write).
        case torn
        /// A frame's checksum or contents are wrong.
        case corrupt
        /// The data does not start with the segment magic.
        case badMagic
    }

    public struct Decoded: Sendable {
        /// Records in the requested range, in order.
        public var records: [JournalRecord] = []
        /// Every intact frame, in range or not.
        public var frameCount = 0
        /// Bytes up to the end of the last intact frame (the magic included).
        public var validCount = 0
        public var lastSeq: UInt64?
        /// Set when the data goes on past `validCount`.
        public var damage: Damage?
    }

    /// Decodes a whole segment. Only records with `after < seq <= through`
    /// are built (and at most `limit`); every frame's checksum is verified.
    public static func decodeSegment(
        _ bytes: [UInt8], after: UInt64 = 0, through: UInt64 = .max, limit: Int = .max
    ) -> Decoded {
        var result = Decoded()
        guard bytes.count >= magic.count, bytes[0..<magic.count].elementsEqual(magic) else {
            result.damage = bytes.isEmpty ? nil : .badMagic
            return result
        }
        var offset = magic.count
        result.validCount = offset
        while offset < bytes.count {
            guard let (length, crc) = frameHeader(bytes, at: offset) else { result.damage = .torn; break }
            let start = offset + frameHeaderCount
            guard length <= maxPayloadCount, length >= fixedPayloadCount else { result.damage = .corrupt; break }
            guard start + length <= bytes.count else { result.damage = .torn; break }
            let payload = bytes[start..<(start + length)]
            guard CRC32.checksum(payload) == crc, let seq = readUInt64(payload, at: start) else {
                result.damage = .corrupt
                break
            }
            if seq > after, seq <= through, result.records.count < limit {
                guard let record = decodePayload(payload, seq: seq) else { result.damage = .corrupt; break }
                result.records.append(record)
            }
            result.frameCount += 1
            result.lastSeq = seq
            offset = start + length
            result.validCount = offset
        }
        return result
    }

    static func decodePayload(_ payload: ArraySlice<UInt8>, seq: UInt64) -> JournalRecord? {
        var offset = payload.startIndex + 8
        let channelIndex = Int(payload[offset])
        guard channelIndex < channels.count, let bufferCount = readUInt16(payload, at: offset + 2) else { return nil }
        offset += 4
        var lengths = [Int]()
        for _ in 0..<(4 + Int(bufferCount)) {
            guard let length = readUInt32(payload, at: offset) else { return nil }
            lengths.append(Int(length))
            offset += 4
        }
        guard offset + lengths.reduce(0, +) == payload.endIndex else { return nil }
        var parts = [[UInt8]]()
        for length in lengths {
            parts.append(Array(payload[offset..<(offset + length)]))
            offset += length
        }
        guard let message = try? JupyterMessage(
            header: parts[0], parentHeader: parts[1], metadata: parts[2], content: parts[3], buffers: Array(parts[4...])
        ) else { return nil }
        return JournalRecord(seq: seq, channel: channels[channelIndex], message: message)
    }

    static func frameHeader(_ bytes: [UInt8], at offset: Int) -> (Int, UInt32)? {
        guard let length = readUInt32(bytes[...], at: offset), let crc = readUInt32(bytes[...], at: offset + 4) else { return nil }
        return (Int(length), crc)
    }

    static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        var value = value.littleEndian
        withUnsafeBytes(of: &value) { out += $0 }
    }

    static func set(_ value: UInt32, at index: Int, in out: inout [UInt8]) {
        for shift in 0..<4 { out[index + shift] = UInt8(truncatingIfNeeded: value >> (8 * shift)) }
    }

    static func readUInt16(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt16? { read(bytes, at: index) }
    static func readUInt32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32? { read(bytes, at: index) }
    static func readUInt64(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt64? { read(bytes, at: index) }

    private static func read<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, at index: Int) -> T? {
        let size = MemoryLayout<T>.size
        guard index >= bytes.startIndex, index + size <= bytes.endIndex else { return nil }
        var value: T = 0
        for shift in 0..<size { value |= T(bytes[index + shift]) << (8 * shift) }
        return value
    }
}
