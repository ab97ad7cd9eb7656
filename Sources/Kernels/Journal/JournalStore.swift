import Dispatch
import Foundation
import Logging
import ProcessSupport
import Synchronization

/// The runtime's output journal: one `KernelJournal` per running kernel,
/// segment files under `$SPIN_HOME/var/journal`, and the writer thread that
/// fills them (batched: it gathers for `batchDelay`, then writes).
public final class JournalStore: Sendable {
    public let configuration: JournalConfiguration
    let folder: JournalFolder
    let logger: Logger
    private let live = Mutex<[String: KernelJournal]>([:])
    private let dirty = Mutex<Dirty>(Dirty())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    struct Dirty: Sendable {
        var journals: [String: KernelJournal] = [:]
        var stopping = false
        var stopped = false
    }

    /// Opens the journal folder and starts the writer thread, which first
    /// repairs torn segment tails left by a crash.
    public init(configuration: JournalConfiguration, logger: Logger) {
        self.configuration = configuration
        self.folder = JournalFolder(root: configuration.folder)
        var logger = logger
        logger[metadataKey: "component"] = "journal"
        self.logger = logger
        NamedThread.start("journal-writer") { [self] in runWriter() }
    }

    /// The journal of a kernel that is starting; an id with a journal on
    /// disk continues its numbering.
    public func journal(for kernelID: String) -> KernelJournal {
        let lastSeq = folder.exists(kernelID) ? lastSeqOnDisk(kernelID) : 0
        let journal = KernelJournal(kernelID: kernelID, lastSeq: lastSeq, tailBytes: configuration.tailBytes) { [weak self] in
            self?.markDirty($0)
        }
        live.withLock { $0[kernelID] = journal }
        return journal
    }

    /// Whether `kernelID` has a journal, running or on disk.
    public func knows(_ kernelID: String) -> Bool {
        guard JournalFolder.isValidKernelID(kernelID) else { return false }
        return live.withLock { $0[kernelID] != nil } || folder.exists(kernelID)
    }

    /// Records with `after < seq <= through`, oldest first: from the files,
    /// then from the running kernel's memory tail (which also holds what the
    /// writer has not written yet). Nil when the kernel has no journal.
    public func read(
        _ kernelID: String, after: UInt64, through: UInt64 = .max, limit: Int, maxBytes: Int = 16 << 20
    ) -> [JournalRecord]? {
        guard knows(kernelID) else { return nil }
        guard let journal = live.withLock({ $0[kernelID] }) else {
            return folder.read(kernelID, after: after, through: through, limit: limit, maxBytes: maxBytes)
        }
        let (memory, tailStart) = journal.memorySlice(after: after, through: through, limit: limit)
        guard after &+ 1 < tailStart else { return memory }
        let disk = folder.read(kernelID, after: after, through: min(through, tailStart - 1), limit: limit, maxBytes: maxBytes)
        let bytes = disk.reduce(0) { $0 + $1.message.byteCount }
        guard disk.count < limit, bytes < maxBytes else { return disk }
        return disk + memory.prefix(limit - disk.count)
    }

    /// Writes everything queued, closes the files and stops the thread.
    public func close(timeout: Double = 10) {
        let first = dirty.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        wake.signal()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            logger.warning("journal: the writer did not finish in time")
        }
    }

    private func markDirty(_ journal: KernelJournal) {
        dirty.withLock { $0.journals[journal.kernelID] = journal }
        wake.signal()
    }

    private func lastSeqOnDisk(_ kernelID: String) -> UInt64 {
        for first in folder.segments(kernelID).reversed() {
            guard let data = folder.contents(folder.segmentPath(kernelID, firstSeq: first)) else { continue }
            if let last = JournalRecordCodec.decodeSegment(data, limit: 0).lastSeq { return last }
        }
        return 0
    }

    private func runWriter() {
        var writer = JournalWriter(folder: folder, retention: configuration.retention, logger: logger)
        writer.recover()
        writer.publishMetrics()
        let delay = Double(configuration.batchDelay.components.attoseconds) / 1e18
            + Double(configuration.batchDelay.components.seconds)
        while true {
            wake.wait()
            let stopping = dirty.withLock { $0.stopping }
            if !stopping, delay > 0 { Thread.sleep(forTimeInterval: delay) }
            let journals = dirty.withLock { state in
                defer { state.journals = [:] }
                return Array(state.journals.values)
            }
            for journal in journals { drain(journal, into: &writer) }
            writer.enforceRetention()
            writer.publishMetrics()
            if stopping, dirty.withLock({ $0.journals.isEmpty }) {
                writer.closeAll()
                finished.signal()
                return
            }
        }
    }

    private func drain(_ journal: KernelJournal, into writer: inout JournalWriter) {
        let (records, retired) = journal.takePending()
        if let last = records.last {
            writer.write(journal.kernelID, records)
            journal.markWritten(through: last.seq)
        }
        if retired {
            writer.close(journal.kernelID, sync: true)
            live.withLock { if $0[journal.kernelID] === journal { $0[journal.kernelID] = nil } }
        }
    }
}
