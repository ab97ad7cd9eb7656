import Testing
@testable import CellProcessors

@Suite struct UTF8CarryTests {
    @Test func multiByteCharactersSplitAcrossChunksSurvive() {
        let bytes = Array("añ€😀z".utf8)
        for cut in 0...bytes.count {
            var carry = UTF8Carry()
            let text = carry.text(from: Array(bytes[..<cut])) + carry.text(from: Array(bytes[cut...])) + carry.finish()
            #expect(text == "añ€😀z", "cut at \(cut)")
        }
    }

    @Test func invalidBytesBecomeReplacementCharacters() {
        var carry = UTF8Carry()
        #expect(carry.text(from: [0x61, 0xFF, 0x62]) == "a\u{FFFD}b")
        #expect(carry.text(from: [0xE2, 0x82]) == "")
        #expect(carry.finish() == "\u{FFFD}")
    }
}
