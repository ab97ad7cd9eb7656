/// What the callbacks of one transfer accumulate, on the transfer's thread only.
///
/// Only the last response is kept: a status line (`HTTP/…`) starts a new one, so
/// redirect and `100 Continue` responses are dropped. The body is never buffered
/// past `maxBody`: the write callback refuses the chunk and libcurl aborts.
final class CurlTransferState {
    enum Overflow { case body, headers }

    let maxBody: Int
    let maxHeaderBytes: Int
    let signal: CurlCancelSignal
    private(set) var body: [UInt8] = []
    private(set) var headers: [HTTPCellHeader] = []
    private(set) var statusLine = ""
    private(set) var overflow: Overflow?
    private var headerBytes = 0

    init(maxBody: Int, maxHeaderBytes: Int, signal: CurlCancelSignal) {
        self.maxBody = maxBody
        self.maxHeaderBytes = maxHeaderBytes
        self.signal = signal
    }

    /// Returns false to make libcurl abort (`CURLE_WRITE_ERROR`).
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard chunk.count <= maxBody - body.count else {
            overflow = .body
            return false
        }
        // Grow by doubling, but never reserve past the limit.
        let needed = body.count + chunk.count
        if needed > body.capacity {
            body.reserveCapacity(min(max(needed, body.capacity * 2), maxBody))
        }
        body.append(contentsOf: chunk)
        return true
    }

    /// One header line as libcurl delivers it (line ending included).
    func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) -> Bool {
        headerBytes += raw.count
        guard headerBytes <= maxHeaderBytes else {
            overflow = .headers
            return false
        }
        var bytes = raw[...]
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            statusLine = line
            headers = []
            body = []
        } else if let first = bytes.first, first == 0x20 || first == 0x09, !headers.isEmpty {
            headers[headers.count - 1].value += " " + line.httpTrimmedSpaces
        } else if let colon = line.firstIndex(of: ":") {
            headers.append(HTTPCellHeader(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).httpTrimmedSpaces))
        }
        return true
    }

    /// The reason phrase of the last status line ("OK" in "HTTP/1.1 200 OK").
    var reason: String {
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        return parts.count == 3 ? String(parts[2]) : ""
    }
}

extension String {
    var httpTrimmedSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
