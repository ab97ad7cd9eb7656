import Foundation
import ProcessSupport
import Testing

/// Values made at run time live in writable memory, which the release must leave alone.
nonisolated(unsafe) private var valuesMadeAtRunTime: [Int] = []

/// Calls through a protocol witness reach code through relocated pointers (RELRO).
private protocol Shape { func area() -> Int }
private struct Square: Shape {
    let side: Int
    func area() -> Int { side * side }
}

// One at a time: each release drops what the other measures.
@Suite(.serialized) struct StartupPagesTests {
    @Test func unmapsTheProgramsCodeAndKeepsItsData() throws {
        valuesMadeAtRunTime = (1...5).map { $0 * 3 }
        let before = try residentCodeKB()
        let released = try StartupPages.release()
        let after = try residentCodeKB()
        #expect(released > 0)
        #expect(after < before, "resident code \(before) kB before the release, \(after) kB after")
        #expect(valuesMadeAtRunTime == [3, 6, 9, 12, 15])
        let shapes: [any Shape] = [Square(side: 3), Square(side: 4)]
        #expect(shapes.map { $0.area() } == [9, 16])
        #expect("start-up pages".uppercased() == "START-UP PAGES")
    }

    @Test func dropsCachedPagesOfTheProgramFileThatNothingMaps() throws {
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
        try StartupPages.release()
        #expect(try !isCached(file, offset: offset, length: page))
    }
}

/// Kilobytes of this program's code in memory (its r-xp mapping in /proc/self/smaps).
private func residentCodeKB() throws -> Int {
    let program = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let smaps = try String(contentsOfFile: "/proc/self/smaps", encoding: .utf8)
    var inProgramCode = false
    var total = 0
    for line in smaps.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if let range = fields.first, range.contains("-"), fields.count >= 5 {
            inProgramCode = fields[1] == "r-xp" && fields.last.map(String.init) == program
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
