import Foundation
import ProcessSupport
import Testing

/// Values made at run time live in writable memory. The release leaves writable
/// segments alone by construction, so this and the witness call below only catch
/// a release that reached them, not every way a release could go wrong.
nonisolated(unsafe) private var valuesMadeAtRunTime: [Int] = []

/// Calls through a protocol witness reach code through relocated pointers (RELRO).
private protocol Shape { func area() -> Int }
private struct Square: Shape {
    let side: Int
    func area() -> Int { side * side }
}

// One at a time: each release drops what the other measures (no other suite releases).
@Suite(.serialized) struct StartupPagesTests {
    @Test func unmapsTheProgramsCodeAndKeepsItsData() throws {
        valuesMadeAtRunTime = (1...5).map { $0 * 3 }
        let before = try residentCodeKB()
        let outcome = try StartupPages.release()
        let after = try residentCodeKB()
        #expect(outcome.released > 0)
        #expect(after < before, "resident code \(before) kB before the release, \(after) kB after")
        #expect(valuesMadeAtRunTime == [3, 6, 9, 12, 15])
        let shapes: [any Shape] = [Square(side: 3), Square(side: 4)]
        #expect(shapes.map { $0.area() } == [9, 16])
        #expect("start-up pages".uppercased() == "START-UP PAGES")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage"),
                   "the split's flag needs a kernel with transparent huge pages"))
    func splitsTheCodeIntoSmallMappings() throws {
        let outcome = try StartupPages.release()
        #expect(outcome.splitError == nil)
        let sizes = try codeMappingSizes()
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // The pages at each end of the code share a page with the next segment
        // and stay apart as mappings of their own; every other one is a chunk
        // (of 16 KiB, or one page where pages are larger).
        let chunks = sizes.filter { $0 > page }
        #expect(chunks.count > 100, "code mappings: \(sizes.count)")
        #expect(chunks.allSatisfy { $0 <= max(16 * 1024, page) }, "largest: \(sizes.max() ?? 0) bytes")
        #expect(outcome.codeMappings >= chunks.count)
        #expect("split code".uppercased() == "SPLIT CODE")
    }

    @Test(.enabled(if: programFileIsOnDisk(), "tmpfs and ramfs keep every page in memory"))
    func dropsCachedPagesOfTheProgramFileThatNothingMaps() throws {
        let file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)
        try #require(file >= 0)
        defer { close(file) }
        // The file's last page holds section headers or symbols: no segment maps it.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let offset = (lseek(file, 0, SEEK_END) - 1) / off_t(page) * off_t(page)
        // A program linked moments ago may not be written out yet, and dirty
        // pages cannot be dropped: write it out first.
        #expect(fsync(file) == 0)
        var bytes = [UInt8](repeating: 0, count: page)
        #expect(pread(file, &bytes, page, offset) > 0)
        #expect(try isCached(file, offset: offset, length: page))
        let outcome = try StartupPages.release()
        #expect(outcome.cacheError == nil)
        #expect(try !isCached(file, offset: offset, length: page))
    }
}

/// Whether the test program's file lives on a file system whose page cache can
/// drop it (its mount in /proc/self/mounts: the longest mount point above it).
private func programFileIsOnDisk() -> Bool {
    guard let program = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
          let mounts = try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
    else { return false }
    var best: (point: String, type: String)?
    for line in mounts.split(separator: "\n") {
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count >= 3 else { continue }
        let point = fields[1], type = fields[2]
        let holdsProgram = point == "/" || program.hasPrefix(point + "/")
        if holdsProgram, point.count >= (best?.point.count ?? 0) { best = (point, type) }
    }
    return best.map { !["tmpfs", "ramfs"].contains($0.type) } ?? false
}

/// The whole text of a /proc file: read to its end (its size says 0, which
/// `String(contentsOfFile:)` takes at its word: it returned only a first part).
private func procFile(_ path: String) throws -> String {
    let handle = try #require(FileHandle(forReadingAtPath: path))
    defer { try? handle.close() }
    return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
}

/// Bytes of each of this program's code mappings: its r-xp lines in
/// /proc/self/maps, matched by the file's inode (a path may hold spaces).
private func codeMappingSizes() throws -> [Int] {
    var program = stat()
    try #require(stat("/proc/self/exe", &program) == 0)
    let maps = try procFile("/proc/self/maps")
    return maps.split(separator: "\n").compactMap { line in
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 5, fields[1] == "r-xp", UInt(fields[4]) == UInt(program.st_ino) else { return nil }
        let bounds = fields[0].split(separator: "-").compactMap { Int($0, radix: 16) }
        return bounds.count == 2 ? bounds[1] - bounds[0] : nil
    }
}

/// Kilobytes of this program's code in memory: its r-xp mappings in
/// /proc/self/smaps, matched by the file's inode (a path may hold spaces).
private func residentCodeKB() throws -> Int {
    var program = stat()
    try #require(stat("/proc/self/exe", &program) == 0)
    let smaps = try procFile("/proc/self/smaps")
    var inProgramCode = false
    var total = 0
    for line in smaps.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if let range = fields.first, range.contains("-"), fields.count >= 5 {
            inProgramCode = fields[1] == "r-xp" && UInt(fields[4]) == UInt(program.st_ino)
        } else if inProgramCode, fields.first == "Rss:", let kilobytes = Int(fields[1]) {
            total += kilobytes
        }
    }
    return total
}

/// Whether the page cache holds the file's page at `offset` (mincore on a
/// fresh mapping, which reads nothing in).
private func isCached(_ file: Int32, offset: off_t, length: Int) throws -> Bool {
    let mapping = mmap(nil, length, PROT_READ, MAP_SHARED, file, offset)
    try #require(mapping != MAP_FAILED)
    defer { munmap(mapping, length) }
    var residency: UInt8 = 0
    try #require(mincore(mapping, length, &residency) == 0)
    return residency & 1 == 1
}
