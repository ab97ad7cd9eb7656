import Foundation

/// The journal's files: `<root>/<kernel id>/<first seq, 20 digits>.seg`.
/// Listing, reading and repairing; the writer appends.
struct JournalFolder: Sendable {
    let root: String

    /// A kernel id usable as a folder name (ids are UUIDs; anything else
    /// could never have a journal).
    static func isValidKernelID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        } && id.first != "-"
    }

    func kernelPath(_ kernelID: String) -> String { "\(root)/\(kernelID)" }

    func segmentPath(_ kernelID: String, firstSeq: UInt64) -> String {
        let digits = String(firstSeq)
        return "\(kernelPath(kernelID))/\(String(repeating: "0", count: max(0, 20 - digits.count)))\(digits).seg"
    }

    /// Kernel ids with a folder.
    func kernelIDs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter(Self.isValidKernelID).sorted()
    }

    func exists(_ kernelID: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: kernelPath(kernelID), isDirectory: &isFolder) && isFolder.boolValue
    }

    /// The first sequence numbers of a kernel's segments, ascending.
    func segments(_ kernelID: String) -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: kernelPath(kernelID))) ?? []
        return names.compactMap { name -> UInt64? in
            guard name.hasSuffix(".seg"), name.utf8.count == 24 else { return nil }
            return UInt64(name.prefix(20))
        }.sorted()
    }

    /// The whole file, or nil when it is gone (retention) or unreadable.
    func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Records with `after < seq <= through` from a kernel's segment files,
    /// at most `limit` and about `maxBytes`. A damaged frame ends the
    /// readable part of its segment; reading goes on with the next one.
    func read(_ kernelID: String, after: UInt64, through: UInt64, limit: Int, maxBytes: Int) -> [JournalRecord] {
        let all = segments(kernelID)
        // The last segment starting at or before after + 1 holds the first record wanted.
        let startIndex = all.lastIndex { $0 <= after &+ 1 } ?? 0
        var out = [JournalRecord]()
        var bytes = 0
        for first in all[startIndex...] where first <= through {
            guard out.count < limit, bytes < maxBytes else { break }
            guard let data = contents(segmentPath(kernelID, firstSeq: first)) else { continue }
            let decoded = JournalRecordCodec.decodeSegment(data, after: after, through: through, limit: limit - out.count)
            for record in decoded.records {
                if bytes >= maxBytes, !out.isEmpty { return out }
                bytes += record.message.byteCount
                out.append(record)
            }
        }
        return out
    }

    /// Cuts a segment back to its last intact frame (a write torn by a
    /// crash); returns what remains.
    func repair(_ kernelID: String, firstSeq: UInt64) -> JournalRecordCodec.Decoded? {
        let path = segmentPath(kernelID, firstSeq: firstSeq)
        guard let data = contents(path) else { return nil }
        let decoded = JournalRecordCodec.decodeSegment(data)
        if decoded.damage != nil || decoded.validCount < data.count {
            if decoded.frameCount == 0 {
                unlink(path)
                return nil
            }
            truncate(path, off_t(decoded.validCount))
        }
        return decoded
    }

    /// Seconds-since-epoch of the file's last write, in nanoseconds.
    func modificationTime(_ path: String) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return UInt64(max(0, info.st_mtim.tv_sec)) * 1_000_000_000 + UInt64(max(0, info.st_mtim.tv_nsec))
    }

    func removeKernelIfEmpty(_ kernelID: String) {
        if segments(kernelID).isEmpty { rmdir(kernelPath(kernelID)) }
    }
}
