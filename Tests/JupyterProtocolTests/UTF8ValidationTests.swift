import JupyterProtocol
import Testing

@Suite struct UTF8ValidationTests {
    @Test(arguments: [
        ([0xC0, 0x80], "overlong NUL"), ([0xE0, 0x80, 0x80], "overlong three bytes"),
        ([0xED, 0xA0, 0x80], "a surrogate"), ([0xF4, 0x90, 0x80, 0x80], "above U+10FFFF"),
        ([0xE2, 0x82], "cut short"), ([0xFF], "never a lead byte"), ([0x80], "a lone continuation"),
        ([0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xC3], "a cut sequence after eight ASCII bytes"),
    ] as [([UInt8], String)])
    func malformedInputIsRefused(bytes: [UInt8], what: String) {
        #expect(!UTF8Validation.isValid(bytes), "\(what)")
    }

    @Test func wellFormedTextIsAccepted() {
        #expect(UTF8Validation.isValid(Array("plain ASCII, longer than eight bytes".utf8)))
        #expect(UTF8Validation.isValid(Array("é € 𝄞 \u{10FFFF} and ASCII after".utf8)))
        #expect(UTF8Validation.isValid([]))
    }

    /// Agrees with the standard library's decoder on random bytes, mostly ASCII with
    /// lead and continuation bytes mixed in.
    @Test func agreesWithTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x7A, 0x20, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xA0, 0x90]
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...12, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(UTF8Validation.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }
}
