/// How the output journal is kept (SPEC §4 "Output journal").
public struct JournalConfiguration: Sendable {
    /// `$SPIN_HOME/var/journal`.
    public var folder: String
    /// Per kernel, oldest segments first (`SPIN_JOURNAL_MAX_KERNEL_BYTES`).
    public var maxKernelBytes: Int
    /// All kernels together, least recently written first (`SPIN_JOURNAL_MAX_TOTAL_BYTES`).
    public var maxTotalBytes: Int
    /// How long the writer gathers records before writing them.
    public var batchDelay: Duration
    /// Recent records each running kernel keeps in memory for catch-ups.
    public var tailBytes: Int

    public init(
        folder: String, maxKernelBytes: Int = 64 << 20, maxTotalBytes: Int = 1 << 30,
        batchDelay: Duration = .milliseconds(20), tailBytes: Int = 4 << 20
    ) {
        self.folder = folder
        self.maxKernelBytes = maxKernelBytes
        self.maxTotalBytes = maxTotalBytes
        self.batchDelay = batchDelay
        self.tailBytes = min(tailBytes, maxKernelBytes)
    }

    var retention: JournalRetention {
        JournalRetention(maxKernelBytes: maxKernelBytes, maxTotalBytes: maxTotalBytes)
    }
}
