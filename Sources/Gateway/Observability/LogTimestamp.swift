#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `2026-11-28T20:10:10.123Z` (UTC, milliseconds), like `Date.ISO8601FormatStyle`
/// with fractional seconds, without a formatter per log line.
enum LogTimestamp {
    static func iso8601(secondsSince1970 seconds: Double) -> String {
        var whole = time_t(seconds.rounded(.down))
        var millis = Int(((seconds - Double(whole)) * 1000).rounded(.down))
        if millis >= 1000 {
            whole += 1
            millis -= 1000
        }
        var parts = tm()
        gmtime_r(&whole, &parts)
        var out = [UInt8]()
        out.reserveCapacity(24)
        Self.append(Int(parts.tm_year) + 1900, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.append(Int(parts.tm_mon) + 1, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.append(Int(parts.tm_mday), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        Self.append(Int(parts.tm_hour), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.append(Int(parts.tm_min), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.append(Int(parts.tm_sec), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        Self.append(millis, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        out.append(contentsOf: digits)
    }
}
