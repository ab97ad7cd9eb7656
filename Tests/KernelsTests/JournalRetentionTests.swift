import Testing
@testable import Kernels

@Suite struct JournalRetentionTests {
    typealias Segment = JournalRetention.Segment

    func segments(_ kernel: String, sizes: [Int], writtenFrom start: UInt64) -> [Segment] {
        sizes.enumerated().map { index, bytes in
            Segment(kernelID: kernel, firstSeq: UInt64(index * 100 + 1), bytes: bytes, records: 10, lastWrite: start + UInt64(index))
        }
    }

    @Test func withinLimitsNothingGoes() {
        let retention = JournalRetention(maxKernelBytes: 1000, maxTotalBytes: 5000)
        #expect(retention.deletions(segments("a", sizes: [400, 600], writtenFrom: 0)).isEmpty)
        #expect(retention.deletions([]).isEmpty)
    }

    @Test func aKernelOverItsLimitLosesItsOldestSegmentsFirst() {
        let retention = JournalRetention(maxKernelBytes: 1000, maxTotalBytes: 1 << 30)
        let doomed = retention.deletions(segments("a", sizes: [300, 300, 300, 300], writtenFrom: 0))
        #expect(doomed.map(\.firstSeq) == [1])
        let more = retention.deletions(segments("a", sizes: [900, 200, 200, 700], writtenFrom: 0))
        #expect(more.map(\.firstSeq) == [1, 101])
    }

    @Test func aSingleSegmentOverTheLimitGoesToo() {
        let retention = JournalRetention(maxKernelBytes: 1000, maxTotalBytes: 1 << 30)
        #expect(retention.deletions(segments("a", sizes: [1001], writtenFrom: 0)).count == 1)
    }

    @Test func overTheTotalTheLeastRecentlyWrittenGoFirstAcrossKernels() {
        let retention = JournalRetention(maxKernelBytes: 10_000, maxTotalBytes: 1000)
        let old = segments("old", sizes: [400, 400], writtenFrom: 10)
        let new = segments("new", sizes: [400, 400], writtenFrom: 20)
        let doomed = retention.deletions(new + old)
        #expect(doomed.map(\.kernelID) == ["old", "old"])
        let remaining = (old + new).filter { segment in !doomed.contains(segment) }
        #expect(remaining.reduce(0) { $0 + $1.bytes } <= 1000)
    }

    @Test func perKernelThenTotal() {
        let retention = JournalRetention(maxKernelBytes: 500, maxTotalBytes: 700)
        let a = segments("a", sizes: [300, 300], writtenFrom: 0)   // over its own limit: loses 1
        let b = segments("b", sizes: [300, 100], writtenFrom: 5)   // fits its own
        let doomed = retention.deletions(a + b)
        let remaining = (a + b).filter { !doomed.contains($0) }
        #expect(doomed.first?.kernelID == "a" && doomed.first?.firstSeq == 1)
        #expect(remaining.reduce(0) { $0 + $1.bytes } <= 700)
        #expect(remaining.contains(b[1]), "the most recently written survives")
    }

    @Test func segmentSizeFollowsTheLimits() {
        #expect(JournalRetention(maxKernelBytes: 64 << 20, maxTotalBytes: 1 << 30).segmentBytes == 8 << 20)
        #expect(JournalRetention(maxKernelBytes: 256 << 10, maxTotalBytes: 1 << 30).segmentBytes == 32 << 10)
        #expect(JournalRetention(maxKernelBytes: 8192, maxTotalBytes: 8192).segmentBytes == 4096)
    }
}
