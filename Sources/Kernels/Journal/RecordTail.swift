/// The most recent records of one kernel in memory, bounded by bytes.
///
/// Sequence numbers in the tail are contiguous, so a record is found by
/// arithmetic. Only records already handed to the writer may be evicted:
/// whatever is not in the tail is in the segment files (or was dropped by a
/// failed write or by retention).
struct RecordTail: Sendable {
    private var records: [JournalRecord] = []
    private var start = 0
    private(set) var bytes = 0
    let maxBytes: Int

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    var count: Int { records.count - start }
    var firstSeq: UInt64? { count > 0 ? records[start].seq : nil }

    mutating func append(_ record: JournalRecord) {
        records.append(record)
        bytes += record.message.byteCount
    }

    /// Drops the oldest records while over the limit, none after `written`.
    mutating func evict(written: UInt64) {
        while bytes > maxBytes, count > 0, records[start].seq <= written {
            bytes -= records[start].message.byteCount
            start += 1
        }
        // Evicted records are still referenced until the array is compacted:
        // compact once they are half of it (amortised O(1)), not only after
        // 1024 of them — with multi-MB outputs that would hold GBs.
        if start > 0, start * 2 >= records.count {
            records.removeFirst(start)
            start = 0
        }
    }

    /// Records with `after < seq <= through`, at most `limit` of them.
    func slice(after: UInt64, through: UInt64, limit: Int) -> [JournalRecord] {
        guard let first = firstSeq, limit > 0 else { return [] }
        let from = after < first ? 0 : Int(clamping: after - first + 1)
        guard from < count else { return [] }
        var out = [JournalRecord]()
        for record in records[(start + from)...] {
            guard record.seq <= through, out.count < limit else { break }
            out.append(record)
        }
        return out
    }
}
