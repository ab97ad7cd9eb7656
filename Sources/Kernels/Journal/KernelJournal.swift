import JupyterProtocol
import Metrics
import Synchronization

/// The journal of one kernel as the kernel actor sees it: numbers and stamps
/// messages, keeps them in a memory tail and queues them for the writer.
///
/// `append` only takes a lock and appends to arrays (the message bytes are
/// shared, not copied); encoding and file I/O happen on the writer thread.
public final class KernelJournal: Sendable {
    public let kernelID: String
    /// If the writer falls this far behind (a hung disk), the oldest queued
    /// records are dropped from the files rather than growing memory.
    let maxPendingBytes: Int
    private let state: Mutex<State>
    private let onPending: @Sendable (KernelJournal) -> Void

    struct State: Sendable {
        var lastSeq: UInt64
        var pending: [JournalRecord] = []
        var pendingBytes = 0
        /// Bytes the writer took and has not finished writing.
        var writingBytes = 0
        var written: UInt64
        var tail: RecordTail
        var retired = false
    }

    init(
        kernelID: String, lastSeq: UInt64, tailBytes: Int, maxPendingBytes: Int = 256 << 20,
        onPending: @escaping @Sendable (KernelJournal) -> Void
    ) {
        self.kernelID = kernelID
        self.maxPendingBytes = maxPendingBytes
        self.state = Mutex(State(lastSeq: lastSeq, written: lastSeq, tail: RecordTail(maxBytes: tailBytes)))
        self.onPending = onPending
    }

    /// The sequence number of the newest message.
    public var lastSeq: UInt64 { state.withLock { $0.lastSeq } }

    /// Bytes appended and not yet written to the files (flow control: the
    /// kernel stops reading its output while the writer is this far behind).
    public var unwrittenBytes: Int { state.withLock { $0.pendingBytes + $0.writingBytes } }

    /// Numbers `message`, stamps `metadata.spin_seq` and queues it; returns
    /// the stamped message, which is what clients receive.
    public func append(_ channel: Channel, _ message: JupyterMessage) -> JupyterMessage {
        var stamped = message
        let limit = maxPendingBytes
        let (first, dropped) = state.withLock { state in
            state.lastSeq += 1
            stamped.metadata = SequenceStamp.stamp(message.metadata, seq: state.lastSeq)
            let record = JournalRecord(seq: state.lastSeq, channel: channel, message: stamped)
            state.tail.append(record)
            state.pending.append(record)
            state.pendingBytes += stamped.byteCount
            let dropped = state.pendingBytes > limit ? state.dropOldestPending(downTo: limit / 2) : 0
            return (state.pending.count == 1, dropped)
        }
        if dropped > 0 { Counter(label: "spin_journal_dropped_records_total").increment(by: dropped) }
        if first { onPending(self) }
        return stamped
    }

    /// The kernel has shut down: the writer closes its file once drained.
    public func retire() {
        state.withLock { $0.retired = true }
        onPending(self)
    }

    /// What the writer takes: the queued records, and whether to close up.
    func takePending() -> (records: [JournalRecord], retired: Bool) {
        state.withLock { state in
            defer { state.writingBytes = state.pendingBytes; state.pending = []; state.pendingBytes = 0 }
            return (state.pending, state.retired)
        }
    }

    /// The writer is done with everything through `seq` (written or dropped).
    func markWritten(through seq: UInt64) {
        state.withLock { state in
            state.written = max(state.written, seq)
            state.writingBytes = 0
            state.tail.evict(written: state.written)
        }
    }

    /// Records in memory with `after < seq <= through`, and the first
    /// sequence number the memory tail holds (what comes before it is on disk).
    func memorySlice(after: UInt64, through: UInt64, limit: Int) -> (records: [JournalRecord], tailStart: UInt64) {
        state.withLock { state in
            let tailStart = state.tail.firstSeq ?? (state.lastSeq + 1)
            return (state.tail.slice(after: after, through: through, limit: limit), tailStart)
        }
    }
}

extension KernelJournal.State {
    /// Drops queued records, oldest first, until `bytes` remain; they count
    /// as written (they stay in the memory tail until it evicts them).
    mutating func dropOldestPending(downTo bytes: Int) -> Int {
        var count = 0
        while pendingBytes > bytes, count < pending.count {
            pendingBytes -= pending[count].message.byteCount
            count += 1
        }
        guard count > 0 else { return 0 }
        written = max(written, pending[count - 1].seq)
        pending.removeFirst(count)
        tail.evict(written: written)
        return count
    }
}
