import Foundation
import Logging
import Metrics

/// Appends records to segment files and applies retention. Owned by the
/// journal's writer thread: nothing here is shared, nothing here blocks a
/// kernel. A failed write (disk full) drops that batch, is logged and
/// counted, and never reaches message delivery.
struct JournalWriter {
    struct OpenSegment {
        var fd: Int32
        var firstSeq: UInt64
        var bytes: Int
    }

    let folder: JournalFolder
    let retention: JournalRetention
    let logger: Logger
    private(set) var segments: [String: [JournalRetention.Segment]] = [:]
    private var open: [String: OpenSegment] = [:]
    private var lastStamp: UInt64 = 0
    private var lastErrorLog: UInt64 = 0

    init(folder: JournalFolder, retention: JournalRetention, logger: Logger) {
        self.folder = folder
        self.retention = retention
        self.logger = logger
    }

    /// Reads what is on disk, cutting torn tails back to the last intact record.
    mutating func recover() {
        mkdir(folder.root, 0o700)
        var repaired = 0
        for kernelID in folder.kernelIDs() {
            for first in folder.segments(kernelID) {
                let path = folder.segmentPath(kernelID, firstSeq: first)
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                guard let decoded = folder.repair(kernelID, firstSeq: first) else { repaired += 1; continue }
                if decoded.validCount != size { repaired += 1 }
                let segment = JournalRetention.Segment(
                    kernelID: kernelID, firstSeq: first, bytes: decoded.validCount,
                    records: decoded.frameCount, lastWrite: folder.modificationTime(path)
                )
                segments[kernelID, default: []].append(segment)
            }
            folder.removeKernelIfEmpty(kernelID)
        }
        if repaired > 0 { logger.warning("journal: cut damaged segment tails back", metadata: ["journal.segments": "\(repaired)"]) }
        enforceRetention()
    }

    /// Appends a batch of one kernel's records.
    mutating func write(_ kernelID: String, _ records: [JournalRecord]) {
        var batch = JournalBatch()
        for record in records {
            let size = record.encodedCount
            if let current = open[kernelID], current.bytes + batch.bytes > JournalRecordCodec.magic.count,
               current.bytes + batch.bytes + size > retention.segmentBytes {
                flush(kernelID, &batch)
                close(kernelID)
            }
            if open[kernelID] == nil, !openSegment(kernelID, firstSeq: record.seq) { return }
            batch.append(record)
        }
        flush(kernelID, &batch)
    }

    private mutating func openSegment(_ kernelID: String, firstSeq: UInt64) -> Bool {
        mkdir(folder.root, 0o700)
        mkdir(folder.kernelPath(kernelID), 0o700)
        let path = folder.segmentPath(kernelID, firstSeq: firstSeq)
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            failed("open", errno)
            return false
        }
        if let code = JournalBatch.write(JournalRecordCodec.magic, to: fd) {
            failed("write", code)
            Foundation.close(fd)
            unlink(path)
            return false
        }
        open[kernelID] = OpenSegment(fd: fd, firstSeq: firstSeq, bytes: JournalRecordCodec.magic.count)
        segments[kernelID]?.removeAll { $0.firstSeq == firstSeq }
        segments[kernelID, default: []].append(.init(
            kernelID: kernelID, firstSeq: firstSeq, bytes: JournalRecordCodec.magic.count, records: 0, lastWrite: stamp()
        ))
        return true
    }

    private mutating func flush(_ kernelID: String, _ batch: inout JournalBatch) {
        let (bytes, count) = (batch.bytes, batch.count)
        guard bytes > 0, var current = open[kernelID] else {
            batch = JournalBatch()
            return
        }
        if let code = batch.write(to: current.fd) {
            failed("write", code)
            // Leave the file at its last whole record.
            _ = ftruncate(current.fd, off_t(current.bytes))
            close(kernelID)
            return
        }
        current.bytes += bytes
        open[kernelID] = current
        let now = stamp()
        if let index = segments[kernelID]?.lastIndex(where: { $0.firstSeq == current.firstSeq }) {
            segments[kernelID]?[index].bytes = current.bytes
            segments[kernelID]?[index].records += count
            segments[kernelID]?[index].lastWrite = now
        }
    }

    /// Closes a kernel's open segment (it rolled over, or the kernel is gone).
    mutating func close(_ kernelID: String, sync: Bool = false) {
        guard let current = open.removeValue(forKey: kernelID) else { return }
        if sync { _ = fsync(current.fd) }
        Foundation.close(current.fd)
    }

    mutating func closeAll() {
        for kernelID in Array(open.keys) { close(kernelID, sync: true) }
    }

    /// Deletes the segments retention chose, oldest first.
    mutating func enforceRetention() {
        let all = segments.values.flatMap { $0 }
        for doomed in retention.deletions(all) {
            if open[doomed.kernelID]?.firstSeq == doomed.firstSeq { close(doomed.kernelID) }
            unlink(folder.segmentPath(doomed.kernelID, firstSeq: doomed.firstSeq))
            segments[doomed.kernelID]?.removeAll { $0.firstSeq == doomed.firstSeq }
            if segments[doomed.kernelID]?.isEmpty == true {
                segments[doomed.kernelID] = nil
                folder.removeKernelIfEmpty(doomed.kernelID)
            }
        }
    }

    func publishMetrics() {
        let all = segments.values.flatMap { $0 }
        Gauge(label: "spin_journal_bytes").record(all.reduce(0) { $0 + $1.bytes })
        Gauge(label: "spin_journal_records").record(all.reduce(0) { $0 + $1.records })
    }

    private mutating func failed(_ operation: String, _ code: Int32) {
        Counter(label: "spin_journal_write_errors_total").increment()
        let now = stamp()
        // One line a minute at most: a full disk must not flood the log.
        guard lastErrorLog == 0 || now - lastErrorLog > 60_000_000_000 else { return }
        lastErrorLog = now
        logger.error("journal: cannot write; messages are still delivered but not journaled", metadata: [
            "journal.operation": .string(operation), "error": .string(String(cString: strerror(code))),
        ])
    }

    /// Wall-clock nanoseconds (comparable with file times), strictly increasing.
    private mutating func stamp() -> UInt64 {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1_000_000_000))
        lastStamp = max(lastStamp + 1, now)
        return lastStamp
    }
}
