import Foundation
import JupyterProtocol
import Logging
import Testing
@testable import Kernels

/// The journal against real files in a temporary folder.
@Suite struct JournalStoreTests {
    let factory = MessageFactory(session: "kernel")
    let kernelID = "0b7c4a3e-1111-4222-8333-944445555666"

    func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "spin-journal-test-" + MessageFactory.newID()
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func store(_ folder: String, kernelBytes: Int = 64 << 20, totalBytes: Int = 1 << 30, tailBytes: Int = 4 << 20) -> JournalStore {
        JournalStore(
            configuration: .init(folder: folder, maxKernelBytes: kernelBytes, maxTotalBytes: totalBytes, batchDelay: .milliseconds(1), tailBytes: tailBytes),
            logger: Logger(label: "test")
        )
    }

    func line(_ number: Int) -> JupyterMessage {
        factory.make("stream", content: ["name": "stdout", "text": .string("line \(number)\n")])
    }

    func texts(_ records: [JournalRecord]) -> [String] {
        records.compactMap { try? $0.message.decodedContent()["text"]?.stringValue }
    }

    @Test func appendStampsNumbersAndReadsBackFromMemoryAndDisk() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = store(folder)
        let journal = first.journal(for: kernelID)
        let stamped = (1...50).map { journal.append(.iopub, line($0)) }
        #expect(stamped.map { SequenceStamp.read($0.metadata) } == (1...50).map { UInt64($0) })
        #expect(try stamped[0].decodedContent() == line(1).decodedContent(), "content is untouched")
        #expect(first.read(kernelID, after: 45, limit: 100)?.map(\.seq) == [46, 47, 48, 49, 50])
        #expect(first.read(kernelID, after: 10, through: 12, limit: 100)?.map(\.seq) == [11, 12])
        #expect(first.read(kernelID, after: 0, limit: 3)?.map(\.seq) == [1, 2, 3])
        #expect(first.read("no-such-kernel", after: 0, limit: 3) == nil)
        #expect(first.read("../../etc", after: 0, limit: 3) == nil)
        first.close()

        let second = store(folder)
        defer { second.close() }
        let records = try #require(second.read(kernelID, after: 0, limit: 1000))
        #expect(records.map(\.seq) == (1...50).map { UInt64($0) })
        #expect(texts(records) == (1...50).map { "line \($0)\n" })
        #expect(second.journal(for: kernelID).lastSeq == 50, "an id with a journal continues its numbering")
    }

    @Test func aTornTailIsCutBackOnOpen() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = store(folder)
        let journal = first.journal(for: kernelID)
        let stamped = (1...20).map { journal.append(.iopub, line($0)) }
        first.close()
        let segment = JournalFolder(root: folder).segmentPath(kernelID, firstSeq: 1)
        let size = try #require(FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int)
        truncate(segment, off_t(size - 5))

        let second = store(folder)
        second.close() // the writer has recovered the folder by the time it stops
        let after = try #require(FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int)
        #expect(after == size - JournalRecord(seq: 20, channel: .iopub, message: stamped[19]).encodedCount)
        let third = store(folder)
        defer { third.close() }
        let records = try #require(third.read(kernelID, after: 0, limit: 1000))
        #expect(records.map(\.seq) == (1...19).map { UInt64($0) })
    }

    @Test func retentionKeepsEachKernelAndTheTotalUnderTheirLimits() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let limited = store(folder, kernelBytes: 64 << 10, totalBytes: 96 << 10, tailBytes: 4096)
        let big = String(repeating: "x", count: 1000)
        for kernel in ["a-kernel", "b-kernel"] {
            let journal = limited.journal(for: kernel)
            for number in 1...300 {
                _ = journal.append(.iopub, factory.make("stream", content: ["text": .string("\(number) \(big)")]))
            }
            journal.retire()
        }
        limited.close()
        let bytes = { (kernel: String) -> Int in
            let path = "\(folder)/\(kernel)"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: "\(path)/\($1)")[.size] as? Int) ?? 0) }
        }
        #expect(bytes("a-kernel") <= 64 << 10)
        #expect(bytes("b-kernel") <= 64 << 10)
        #expect(bytes("a-kernel") + bytes("b-kernel") <= 96 << 10)
        #expect(bytes("b-kernel") > bytes("a-kernel"), "the least recently written kernel gives way first")
        let reopened = store(folder)
        defer { reopened.close() }
        let records = try #require(reopened.read("b-kernel", after: 0, limit: 10_000))
        #expect(records.last?.seq == 300, "the newest records survive")
        #expect(records.first.map { $0.seq > 1 } == true, "the oldest went")
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.seq + 1 == $1.seq })
    }

    @Test func aFolderThatCannotBeWrittenNeverStopsAppending() throws {
        let parent = temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let blocked = parent + "/journal"
        _ = FileManager.default.createFile(atPath: blocked, contents: Data("not a folder".utf8))
        let broken = store(blocked)
        let journal = broken.journal(for: kernelID)
        let stamped = (1...30).map { journal.append(.iopub, line($0)) }
        #expect(stamped.map { SequenceStamp.read($0.metadata) } == (1...30).map { UInt64($0) })
        broken.close()
        let records = try #require(broken.read(kernelID, after: 0, limit: 100))
        #expect(records.map(\.seq) == (1...30).map { UInt64($0) }, "recent output still comes from memory")
        #expect(FileManager.default.contents(atPath: blocked) == Data("not a folder".utf8))
    }
}

@Suite struct KernelJournalTests {
    @Test func aWriterFarBehindDropsTheOldestQueuedRecordsNotMemory() {
        let journal = KernelJournal(kernelID: "k", lastSeq: 0, tailBytes: 10_000, maxPendingBytes: 20_000) { _ in }
        let factory = MessageFactory(session: "kernel")
        let message = factory.make("stream", content: ["text": .string(String(repeating: "x", count: 900))])
        for _ in 1...200 { _ = journal.append(.iopub, message) }
        let (pending, _) = journal.takePending()
        let bytes = pending.reduce(0) { $0 + $1.message.byteCount }
        #expect(bytes <= 20_000 && !pending.isEmpty)
        #expect(pending.last?.seq == 200, "the newest are kept")
        #expect(zip(pending, pending.dropFirst()).allSatisfy { $0.seq + 1 == $1.seq })
        #expect(journal.lastSeq == 200)
        let (memory, tailStart) = journal.memorySlice(after: 0, through: .max, limit: 1000)
        #expect(memory.last?.seq == 200 && tailStart > 1)
        #expect(memory.reduce(0) { $0 + $1.message.byteCount } <= 20_000 + message.byteCount, "bounded by the queue limit")
    }
}
