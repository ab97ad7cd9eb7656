import JupyterProtocol
import Testing

@Suite struct ISOTimestampTests {
    /// Microseconds, cut not rounded, as the printf-based formatter it replaces wrote them.
    @Test func jupyterDatesHaveMicroseconds() {
        #expect(ISOTimestamp.string(secondsSince1970: 0, fractionDigits: 6) == "1970-01-01T00:00:00.000000Z")
        #expect(ISOTimestamp.string(secondsSince1970: 1_795_000_000.25, fractionDigits: 6) == "2026-11-18T11:06:40.250000Z")
        #expect(ISOTimestamp.string(secondsSince1970: 951_782_400.000_999_5, fractionDigits: 6) == "2000-02-29T00:00:00.000999Z")
        #expect(ISOTimestamp.string(secondsSince1970: 4_102_444_799.5, fractionDigits: 0) == "2099-12-31T23:59:59Z")
    }
}
