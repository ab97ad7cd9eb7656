/// Text forms of cell values: what a text column, `text/plain` and `text/html` show.
enum CellText {
    /// A value as text: integers and floats as Swift prints them (NaN, Infinity,
    /// -Infinity as PostgreSQL does), booleans as `true`/`false`, timestamps as
    /// `2024-01-02 03:04:05.123456` (`+00:00` appended for timestampTZ), dates as
    /// `2024-01-02`, json as is, bytes as PostgreSQL's hex `\x0a1b`. Null is "".
    static func plain(_ value: CellValue) -> String {
        switch value {
        case .null: return ""
        case .integer(let v): return String(v)
        case .float(let v): return float(v)
        case .boolean(let v): return v ? "true" : "false"
        case .text(let v), .json(let v): return v
        case .timestamp(let micros): return timestamp(micros, separator: " ")
        case .timestampTZ(let micros): return timestamp(micros, separator: " ") + "+00:00"
        case .date(let days): return date(Int64(days))
        case .bytes(let v): return "\\x" + hex(v)
        }
    }

    static func float(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        return String(v)
    }

    /// `1970-01-01T00:00:00` (or with `separator` between date and time), with
    /// `.ffffff` only when there is a fraction.
    static func timestamp(_ micros: Int64, separator: String) -> String {
        let (seconds, fraction) = floorDivMod(micros, 1_000_000)
        let (days, secondOfDay) = floorDivMod(seconds, 86_400)
        var text = date(days) + separator
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if fraction != 0 { text += "." + pad(fraction, 6) }
        return text
    }

    /// `yyyy-mm-dd` in the proleptic Gregorian calendar (H. Hinnant's civil_from_days).
    static func date(_ daysSinceEpoch: Int64) -> String {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let yearText = year < 0 ? "-" + pad(-year, 4) : pad(year, 4)
        return yearText + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }
}
