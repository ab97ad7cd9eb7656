#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered writes to a new file descriptor; the only I/O of the SQL result code.
struct FileSink: ~Copyable {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private(set) var written = 0
    private static let bufferSize = 1 << 20

    /// Creates `path` (which must not exist) with mode 0600.
    init(creating path: String) throws(RowsFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RowsFileError(.cannotCreate, systemError: errno, path: path) }
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { close(fd) }

    mutating func append(_ bytes: some Collection<UInt8>) throws(RowsFileError) {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeAll(Array(bytes))
        } else {
            buffer.append(contentsOf: bytes)
        }
        written += bytes.count
    }

    /// Appends the values of `array` as little-endian bytes.
    mutating func append<T: FixedWidthInteger>(littleEndian array: [T]) throws(RowsFileError) {
        #if _endian(big)
        let array = array.map(\.littleEndian)
        #endif
        try flush()
        try check(array.withUnsafeBytes { writeRaw($0) })
        written += array.count * MemoryLayout<T>.size
    }

    mutating func append(littleEndian array: [Double]) throws(RowsFileError) {
        #if _endian(big)
        try append(littleEndian: array.map(\.bitPattern))
        #else
        try flush()
        try check(array.withUnsafeBytes { writeRaw($0) })
        written += array.count * MemoryLayout<Double>.size
        #endif
    }

    /// Zero bytes up to the next multiple of 8.
    mutating func pad() throws(RowsFileError) {
        let extra = (8 - written % 8) % 8
        try append([UInt8](repeating: 0, count: extra))
    }

    mutating func flush() throws(RowsFileError) {
        guard !buffer.isEmpty else { return }
        try check(buffer.withUnsafeBytes { writeRaw($0) })
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: [UInt8]) throws(RowsFileError) {
        try check(bytes.withUnsafeBytes { writeRaw($0) })
    }

    private func check(_ failure: Int32) throws(RowsFileError) {
        guard failure == 0 else { throw RowsFileError(.cannotWrite, systemError: failure, path: path) }
    }

    /// Writes all of `raw`; 0, or the `errno` of the write that failed.
    private func writeRaw(_ raw: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? EIO : errno }
            offset += n
        }
        return 0
    }
}
