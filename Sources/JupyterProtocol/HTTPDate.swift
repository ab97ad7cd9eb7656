#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The HTTP `Date` header's value (RFC 9110 IMF-fixdate, always GMT):
/// `Sun, 06 Nov 1994 08:49:37 GMT`. Made with `gmtime_r` rather than a
/// calendar: Foundation's `Calendar` loads ICU's time-zone data, about 1 MB
/// resident in a process that otherwise never needs it.
public enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func now() -> String {
        string(secondsSince1970: Int(time(nil)))
    }

    public static func string(secondsSince1970 seconds: Int) -> String {
        var whole = time_t(seconds)
        var parts = tm()
        gmtime_r(&whole, &parts)
        var out = [UInt8]()
        out.reserveCapacity(29)
        out += weekdays[Int(parts.tm_wday)].utf8
        out += ", ".utf8
        ISOTimestamp.append(Int(parts.tm_mday), width: 2, separator: " ", to: &out)
        out += months[Int(parts.tm_mon)].utf8
        out.append(UInt8(ascii: " "))
        ISOTimestamp.append(Int(parts.tm_year) + 1900, width: 4, separator: " ", to: &out)
        ISOTimestamp.append(Int(parts.tm_hour), width: 2, separator: ":", to: &out)
        ISOTimestamp.append(Int(parts.tm_min), width: 2, separator: ":", to: &out)
        ISOTimestamp.append(Int(parts.tm_sec), width: 2, separator: " ", to: &out)
        out += "GMT".utf8
        return String(decoding: out, as: UTF8.self)
    }
}
