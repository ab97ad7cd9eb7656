extension HTTPCellSource {
    /// Walks a source line by line (LF or CRLF), keeping the body that follows the
    /// header block byte for byte.
    struct SourceLines {
        private let text: Substring
        private var position: Substring.Index
        private var number = 0

        init(_ source: String) {
            text = Substring(source)
            position = text.startIndex
        }

        /// The next line without its line ending, and its 1-based number.
        mutating func next() -> (Substring, Int)? {
            // Search bytes: "\r\n" is one Character in Swift, so a Character search
            // for "\n" would not split CRLF lines.
            let utf8 = text.utf8
            guard position < utf8.endIndex else { return nil }
            let start = position
            let end = utf8[start...].firstIndex(of: 0x0A) ?? utf8.endIndex
            position = end < utf8.endIndex ? utf8.index(after: end) : end
            var lineEnd = end
            if lineEnd > start, utf8[utf8.index(before: lineEnd)] == 0x0D {
                lineEnd = utf8.index(before: lineEnd)
            }
            number += 1
            return (Substring(utf8[start..<lineEnd]), number)
        }

        /// The next line that is not blank.
        mutating func nextNonEmpty() -> (Substring, Int)? {
            while let (line, number) = next() {
                if !line.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return (line, number) }
            }
            return nil
        }

        /// Everything after the current line, as UTF-8 bytes.
        func rest() -> [UInt8] {
            Array(text.utf8[position...])
        }
    }
}
