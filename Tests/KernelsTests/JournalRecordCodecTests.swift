import JupyterProtocol
import Testing
@testable import Kernels

@Suite struct JournalRecordCodecTests {
    let factory = MessageFactory(session: "kernel")

    func record(_ seq: UInt64, _ channel: Channel = .iopub, text: String = "line", buffers: [[UInt8]] = []) -> JournalRecord {
        var message = factory.make("stream", content: ["name": "stdout", "text": .string(text)])
        message.metadata = SequenceStamp.stamp(message.metadata, seq: seq)
        message.buffers = buffers
        return JournalRecord(seq: seq, channel: channel, message: message)
    }

    func segment(_ records: [JournalRecord]) -> [UInt8] {
        var out = JournalRecordCodec.magic
        for record in records { JournalRecordCodec.encode(record, into: &out) }
        return out
    }

    @Test func roundTripKeepsEveryPartByteForByte() {
        let records = [record(1, .iopub, text: "ünïcödé\n"), record(2, .shell), record(3, .stdin, buffers: [[0, 1, 255], []]), record(4, .control)]
        let bytes = segment(records)
        let decoded = JournalRecordCodec.decodeSegment(bytes)
        #expect(decoded.damage == nil)
        #expect(decoded.validCount == bytes.count)
        #expect(decoded.frameCount == 4)
        #expect(decoded.lastSeq == 4)
        #expect(decoded.records.map(\.seq) == [1, 2, 3, 4])
        #expect(decoded.records.map(\.channel) == [.iopub, .shell, .stdin, .control])
        #expect(decoded.records.map(\.message) == records.map(\.message))
        #expect(records.reduce(JournalRecordCodec.magic.count) { $0 + $1.encodedCount } == bytes.count)
    }

    @Test func rangeAndLimitSelectRecordsButCountAllFrames() {
        let decoded = JournalRecordCodec.decodeSegment(segment((1...10).map { record($0) }), after: 3, through: 8, limit: 4)
        #expect(decoded.records.map(\.seq) == [4, 5, 6, 7])
        #expect(decoded.frameCount == 10)
        #expect(decoded.lastSeq == 10)
    }

    @Test func everyTornTailIsDroppedAtARecordBoundary() {
        let records = (1...3).map { record($0) }
        let whole = segment(records)
        let boundary = whole.count - records[2].encodedCount
        for cut in (boundary + 1)..<whole.count {
            let decoded = JournalRecordCodec.decodeSegment(Array(whole.prefix(cut)))
            #expect(decoded.records.map(\.seq) == [1, 2], "cut at \(cut)")
            #expect(decoded.validCount == boundary)
            #expect(decoded.damage == .torn)
        }
    }

    @Test func aCorruptedChecksumOrPayloadEndsTheReadablePart() {
        let records = (1...3).map { record($0) }
        var bytes = segment(records)
        let second = JournalRecordCodec.magic.count + records[0].encodedCount
        bytes[second + 4] ^= 0xFF // the CRC of record 2
        var decoded = JournalRecordCodec.decodeSegment(bytes)
        #expect(decoded.records.map(\.seq) == [1])
        #expect(decoded.damage == .corrupt)
        #expect(decoded.validCount == second)

        bytes = segment(records)
        bytes[bytes.count - 3] ^= 0x01 // content of record 3
        decoded = JournalRecordCodec.decodeSegment(bytes)
        #expect(decoded.records.map(\.seq) == [1, 2])
        #expect(decoded.damage == .corrupt)
    }

    @Test func anImpossibleLengthIsDamageNotAnAllocation() {
        var bytes = segment([record(1)])
        bytes += [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0]
        let decoded = JournalRecordCodec.decodeSegment(bytes)
        #expect(decoded.records.count == 1)
        #expect(decoded.damage == .corrupt)
    }

    @Test func emptyAndForeignFiles() {
        let empty = JournalRecordCodec.decodeSegment([])
        #expect(empty.records.isEmpty && empty.damage == nil && empty.validCount == 0)
        let magicOnly = JournalRecordCodec.decodeSegment(JournalRecordCodec.magic)
        #expect(magicOnly.records.isEmpty && magicOnly.damage == nil && magicOnly.validCount == 8)
        #expect(JournalRecordCodec.decodeSegment(Array("not a journal".utf8)).damage == .badMagic)
        #expect(JournalRecordCodec.decodeSegment(Array("SPIN".utf8)).damage == .badMagic)
    }

    /// The on-disk bytes of a record, built field by field from the documented layout
    /// (docs/journal.md) with the bit-at-a-time CRC: segments written by any version
    /// stay readable, and the writer's heads and parts add up to exactly this.
    @Test func aFrameIsTheDocumentedLayout() {
        let parts: [[UInt8]] = [Array("{\"msg_id\":\"m\",\"msg_type\":\"stream\"}".utf8), Array("{}".utf8),
                                Array("{\"spin_seq\":7}".utf8), Array(repeating: 0x61, count: 100)]
        let message = try! JupyterMessage(header: parts[0], parentHeader: parts[1], metadata: parts[2],
                                          content: parts[3], buffers: [[9, 8], []])
        var payload: [UInt8] = [7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0]
        for part in parts + [[9, 8], []] {
            payload += [UInt8(part.count & 0xFF), UInt8(part.count >> 8), 0, 0]
        }
        for part in parts + [[9, 8], []] { payload += part }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in payload {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        let count = UInt32(payload.count)
        let expected = (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) }
            + (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) } + payload
        var out = [UInt8]()
        JournalRecordCodec.encode(JournalRecord(seq: 7, channel: .stdin, message: message), into: &out)
        #expect(out == expected)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    /// Slicing-by-8 against the bit-at-a-time definition: every length around the 8-byte
    /// steps, unaligned starts, and a collection without contiguous storage.
    @Test func crc32SlicingMatchesTheBitwiseDefinition() {
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return crc ^ 0xFFFF_FFFF
        }
        var state: UInt32 = 12345
        let data: [UInt8] = (0..<300).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        for start in 0..<9 {
            for length in 0...(data.count - start) where length < 70 || length % 37 == 0 {
                let slice = data[start..<(start + length)]
                #expect(CRC32.checksum(slice) == bitwise(Array(slice)), "start \(start), length \(length)")
            }
        }
        #expect(CRC32.checksum(data.lazy.map { $0 }) == bitwise(data))
    }

    /// Folding (carry-less multiplication) against the tables: every length either
    /// side of the 64-byte minimum and the 16-byte steps, unaligned starts, a
    /// register that is not the initial one, and a megabyte.
    @Test(.enabled(if: CRC32.cpuFolds, "this CPU has no carry-less multiplication"))
    func crc32FoldingMatchesTheTables() {
        var state: UInt32 = 99
        let data: [UInt8] = (0..<(1 << 20)).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        func both(_ bytes: ArraySlice<UInt8>, after prefix: ArraySlice<UInt8> = []) -> (UInt32, UInt32) {
            var folded = CRC32(folding: true)
            var tabled = CRC32(folding: false)
            #expect(folded.folds && !tabled.folds)
            folded.update(prefix)
            tabled.update(prefix)
            folded.update(bytes)
            tabled.update(bytes)
            return (folded.value, tabled.value)
        }
        for start in 0..<17 {
            for length in 0...400 {
                let (folded, tabled) = both(data[start..<(start + length)])
                #expect(folded == tabled, "start \(start), length \(length)")
            }
        }
        let (foldedAfter, tabledAfter) = both(data[5..<200], after: data[0..<5])
        #expect(foldedAfter == tabledAfter)
        let (foldedWhole, tabledWhole) = both(data[...])
        #expect(foldedWhole == tabledWhole)
    }

    /// A checksum taken part by part equals the checksum of the parts joined.
    @Test func crc32UpdatedPartByPartEqualsTheWhole() {
        let parts: [[UInt8]] = [Array("header".utf8), [], Array(repeating: 0xA5, count: 1000), Array("tail".utf8)]
        var crc = CRC32()
        for part in parts { crc.update(part) }
        #expect(crc.value == CRC32.checksum(parts.flatMap { $0 }))
        #expect(CRC32.checksum(Array(repeating: 0xA5, count: 1000) + Array("x".utf8)) != crc.value)
    }
}
