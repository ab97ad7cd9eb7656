#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ISO 8601 timestamps in UTC with a fixed number of fraction digits, cut (not rounded)
/// like `Date.ISO8601FormatStyle`: `2026-11-28T20:10:10.123Z` (3 digits, log lines),
/// `2026-11-28T20:10:10.123456Z` (6 digits, Jupyter message dates). Written digit by
/// digit: message dates and log lines are made often enough that a formatter shows.
public enum ISOTimestamp {
    public static func string(secondsSince1970 seconds: Double, fractionDigits: Int) -> String {
        var out = [UInt8]()
        out.reserveCapacity(21 + fractionDigits)
        Self.append(secondsSince1970: seconds, fractionDigits: fractionDigits, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the timestamp's bytes to `out` (a log line being built).
    public static func append(secondsSince1970 seconds: Double, fractionDigits: Int, to out: inout [UInt8]) {
        var scale = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        var whole = time_t(seconds.rounded(.down))
        var fraction = Int(((seconds - Double(whole)) * Double(scale)).rounded(.down))
        if fraction >= scale {
            whole += 1
            fraction -= scale
        }
        var parts = tm()
        gmtime_r(&whole, &parts)
        append(Int(parts.tm_year) + 1900, width: 4, separator: "-", to: &out)
        append(Int(parts.tm_mon) + 1, width: 2, separator: "-", to: &out)
        append(Int(parts.tm_mday), width: 2, separator: "T", to: &out)
        append(Int(parts.tm_hour), width: 2, separator: ":", to: &out)
        append(Int(parts.tm_min), width: 2, separator: ":", to: &out)
        if fractionDigits > 0 {
            append(Int(parts.tm_sec), width: 2, separator: ".", to: &out)
            append(fraction, width: fractionDigits, separator: "Z", to: &out)
        } else {
            append(Int(parts.tm_sec), width: 2, separator: "Z", to: &out)
        }
    }

    /// `value` in `width` decimal digits (zero-padded), then `separator`.
    static func append(_ value: Int, width: Int, separator: Unicode.Scalar, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var rest = value
        var index = start + width - 1
        while index >= start {
            out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
        out.append(UInt8(ascii: separator))
    }
}
