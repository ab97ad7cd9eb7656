import Foundation

/// Frames on their way into one segment file, ready for vectored writes: heads and
/// small parts are copied together, parts of `copyLimit` bytes or more are written
/// from where they are. A multi-megabyte output is then neither copied nor given a
/// fresh multi-megabyte buffer to fault in on its way to the file.
struct JournalBatch {
    static let copyLimit = 64 << 10
    /// `writev` takes at most IOV_MAX (1024) pieces; each call takes this many.
    static let piecesPerWrite = 64

    private var pieces: [[UInt8]] = []
    private var small: [UInt8] = []
    /// Bytes and records in the batch.
    private(set) var bytes = 0
    private(set) var count = 0

    mutating func append(_ record: JournalRecord) {
        let parts = JournalRecordCodec.parts(of: record)
        JournalRecordCodec.appendHead(of: record, parts: parts, to: &small)
        for part in parts {
            if part.count >= Self.copyLimit {
                endSmall()
                pieces.append(part)
            } else {
                small += part
            }
        }
        bytes += record.encodedCount
        count += 1
    }

    /// Writes the batch to `fd` and empties it; the errno of the write that failed, or nil.
    mutating func write(to fd: Int32) -> Int32? {
        endSmall()
        defer { self = JournalBatch() }
        var start = 0
        while start < pieces.count {
            let end = min(start + Self.piecesPerWrite, pieces.count)
            var vectors: [iovec] = []
            let failure = Self.withVectors(pieces[start..<end], &vectors) { Self.writeAll($0, to: fd) }
            if let failure { return failure }
            start = end
        }
        return nil
    }

    /// Writes `bytes` alone to `fd` (a segment's magic); the errno of a failed write, or nil.
    static func write(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        var vectors: [iovec] = []
        return withVectors([bytes][...], &vectors) { writeAll($0, to: fd) }
    }

    private mutating func endSmall() {
        guard !small.isEmpty else { return }
        pieces.append(small)
        small = []
    }

    /// Calls `body` with a vector per piece, valid only inside it.
    private static func withVectors<R>(
        _ pieces: ArraySlice<[UInt8]>, _ vectors: inout [iovec], _ body: ([iovec]) -> R
    ) -> R {
        guard let first = pieces.first else { return body(vectors) }
        return first.withUnsafeBytes { raw in
            vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count))
            return withVectors(pieces.dropFirst(), &vectors, body)
        }
    }

    private static func writeAll(_ vectors: [iovec], to fd: Int32) -> Int32? {
        writeAll(vectors) { rest in rest.withUnsafeBufferPointer { writev(fd, $0.baseAddress, Int32($0.count)) } }
    }

    /// Calls `write` (`writev`) until every byte is written: a file may take fewer
    /// bytes than asked, and the next call starts where it stopped. Returns the errno
    /// of a failed call (read at once, before anything is freed), or nil.
    static func writeAll(_ vectors: [iovec], write: (ArraySlice<iovec>) -> Int) -> Int32? {
        var vectors = vectors
        var index = 0
        while index < vectors.count {
            let written = write(vectors[index...])
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                return code
            }
            var left = written
            while index < vectors.count, left >= vectors[index].iov_len {
                left -= vectors[index].iov_len
                index += 1
            }
            guard index < vectors.count else { break }
            // No progress and no error: give up rather than spin.
            if written == 0 { return EIO }
            vectors[index].iov_base += left
            vectors[index].iov_len -= left
        }
        return nil
    }
}
