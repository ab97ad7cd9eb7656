/// Which segments to delete so that the journal fits its limits: pure
/// arithmetic over what is on disk, tested without files.
///
/// First each kernel's oldest segments go until the kernel fits
/// `maxKernelBytes`; then, across kernels, the least recently written
/// segments go until the total fits `maxTotalBytes`.
public struct JournalRetention: Sendable, Equatable {
    public struct Segment: Sendable, Hashable {
        public var kernelID: String
        public var firstSeq: UInt64
        public var bytes: Int
        public var records: Int
        /// When it was last written (any clock that orders writes); smaller is older.
        public var lastWrite: UInt64

        public init(kernelID: String, firstSeq: UInt64, bytes: Int, records: Int, lastWrite: UInt64) {
            self.kernelID = kernelID
            self.firstSeq = firstSeq
            self.bytes = bytes
            self.records = records
            self.lastWrite = lastWrite
        }
    }

    public var maxKernelBytes: Int
    public var maxTotalBytes: Int

    public init(maxKernelBytes: Int, maxTotalBytes: Int) {
        self.maxKernelBytes = maxKernelBytes
        self.maxTotalBytes = maxTotalBytes
    }

    /// How large a segment grows before the next one starts: small enough
    /// that deleting whole segments keeps usage close under the limits.
    public var segmentBytes: Int {
        max(4096, min(8 << 20, maxKernelBytes / 8, maxTotalBytes / 16))
    }

    /// The segments to delete, oldest first.
    public func deletions(_ segments: [Segment]) -> [Segment] {
        var doomed = [Segment]()
        var kept = [Segment]()
        for (_, ofKernel) in Dictionary(grouping: segments, by: \.kernelID) {
            var sorted = ofKernel.sorted { $0.firstSeq < $1.firstSeq }
            var bytes = sorted.reduce(0) { $0 + $1.bytes }
            while bytes > maxKernelBytes, !sorted.isEmpty {
                let oldest = sorted.removeFirst()
                bytes -= oldest.bytes
                doomed.append(oldest)
            }
            kept += sorted
        }
        kept.sort { ($0.lastWrite, $0.firstSeq, $0.kernelID) < ($1.lastWrite, $1.firstSeq, $1.kernelID) }
        var total = kept.reduce(0) { $0 + $1.bytes }
        var index = 0
        while total > maxTotalBytes, index < kept.count {
            total -= kept[index].bytes
            doomed.append(kept[index])
            index += 1
        }
        return doomed
    }
}
