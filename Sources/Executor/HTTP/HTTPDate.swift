#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `Date` header's value (RFC 9110 IMF-fixdate, always GMT):
/// `Sun, 06 Nov 1994 08:49:37 GMT`. Made with `gmtime_r` rather than a
/// calendar: Foundation's `Calendar` loads ICU's time-zone data, about 1 MB
/// resident in an executor that otherwise never needs it.
enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String {
        string(secondsSince1970: time(nil))
    }

    static func string(secondsSince1970 seconds: time_t) -> String {
        var whole = seconds
        var parts = tm()
        gmtime_r(&whole, &parts)
        var out = weekdays[Int(parts.tm_wday)] + ", "
        out += twoDigits(parts.tm_mday) + " " + months[Int(parts.tm_mon)] + " " + String(Int(parts.tm_year) + 1900)
        out += " " + twoDigits(parts.tm_hour) + ":" + twoDigits(parts.tm_min) + ":" + twoDigits(parts.tm_sec) + " GMT"
        return out
    }

    private static func twoDigits(_ value: Int32) -> String {
        value < 10 ? "0" + String(value) : String(value)
    }
}
