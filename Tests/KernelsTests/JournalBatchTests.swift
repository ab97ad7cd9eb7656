import Foundation
import JupyterProtocol
import Testing
@testable import Kernels

@Suite struct JournalBatchTests {
    let factory = MessageFactory(session: "kernel")

    func record(_ seq: UInt64, text: String, buffers: [[UInt8]] = []) -> JournalRecord {
        var message = factory.make("stream", content: ["name": "stdout", "text": .string(text)])
        message.metadata = SequenceStamp.stamp(message.metadata, seq: seq)
        message.buffers = buffers
        return JournalRecord(seq: seq, channel: .iopub, message: message)
    }

    /// Small records, parts past the copy limit, empty buffers, and more pieces than
    /// one `writev` takes: the file holds exactly what encoding one record after
    /// another gives, and every record decodes.
    @Test func aBatchWritesTheSameBytesAsEncodingEachRecord() throws {
        let big = String(repeating: "x", count: JournalBatch.copyLimit + 3)
        var records: [JournalRecord] = []
        for seq in 1...150 {
            let text = seq % 3 == 0 ? big : "line \(seq)\n"
            let buffers: [[UInt8]] = seq % 5 == 0 ? [[], Array(repeating: 7, count: JournalBatch.copyLimit)] : []
            records.append(record(UInt64(seq), text: text, buffers: buffers))
        }
        var expected = [UInt8]()
        var batch = JournalBatch()
        for record in records {
            JournalRecordCodec.encode(record, into: &expected)
            batch.append(record)
        }
        #expect(batch.bytes == expected.count)
        #expect(batch.count == 150)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)").path
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(fd >= 0)
        let failure = batch.write(to: fd)
        close(fd)
        #expect(failure == nil)
        #expect(batch.bytes == 0 && batch.count == 0)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == expected)
        let decoded = JournalRecordCodec.decodeSegment(JournalRecordCodec.magic + written)
        #expect(decoded.damage == nil)
        #expect(decoded.records.map(\.seq) == Array(1...150))
        #expect(decoded.records.map(\.message) == records.map(\.message))
    }

    /// A file that takes a few bytes at a time: each call resumes mid-piece, past
    /// empty pieces, until every byte is there in order.
    @Test func shortWritesResumeWhereTheyStopped() {
        let pieces: [[UInt8]] = [Array(0..<10), [], Array(10..<13), [], [], Array(13..<40)]
        var sink = [UInt8]()
        var calls = 0
        let done = pieces[0].withUnsafeBytes { a in
            pieces[2].withUnsafeBytes { b in
                pieces[5].withUnsafeBytes { c in
                    let vectors = [a, UnsafeRawBufferPointer(start: nil, count: 0), b,
                                   UnsafeRawBufferPointer(start: nil, count: 0), UnsafeRawBufferPointer(start: nil, count: 0), c]
                        .map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
                    return JournalBatch.writeAll(vectors) { rest in
                        calls += 1
                        var budget = 7
                        for vector in rest where budget > 0 {
                            let take = min(budget, vector.iov_len)
                            if take > 0 { sink += UnsafeRawBufferPointer(start: vector.iov_base, count: take) }
                            budget -= take
                        }
                        return 7 - budget
                    }
                }
            }
        }
        #expect(done == nil)
        #expect(sink == Array(0..<40))
        #expect(calls == 6)
    }

    /// A full disk: the write reports failure and its errno, it does not spin.
    @Test func aFullDiskFailsTheWrite() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        var batch = JournalBatch()
        batch.append(record(1, text: String(repeating: "y", count: JournalBatch.copyLimit)))
        let failure = batch.write(to: fd)
        #expect(failure == ENOSPC)
    }

    /// A file that takes nothing and reports no error fails rather than looping; an
    /// interrupted call is retried; another error is reported as it was.
    @Test func failedAndInterruptedWrites() {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 3, alignment: 1)
        defer { raw.deallocate() }
        let vectors = [iovec(iov_base: raw.baseAddress, iov_len: 3)]
        #expect(JournalBatch.writeAll(vectors) { _ in 0 } == EIO)
        let calls = Calls()
        let retried = JournalBatch.writeAll(vectors) { _ in calls.interruptFirst() }
        #expect(retried == nil)
        #expect(calls.count == 2)
        #expect(JournalBatch.writeAll(vectors) { _ in Calls.fail(EFBIG) } == EFBIG)
    }
}

/// A stand-in for `writev` that is interrupted once, then takes everything.
private final class Calls {
    var count = 0

    func interruptFirst() -> Int {
        count += 1
        return count == 1 ? Self.fail(EINTR) : 3
    }

    static func fail(_ code: Int32) -> Int {
        errno = code
        return -1
    }
}
