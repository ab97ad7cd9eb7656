import JupyterProtocol
import Testing
@testable import Kernels

@Suite struct SequenceStampTests {
    func stamp(_ text: String, _ seq: UInt64) -> String {
        String(decoding: SequenceStamp.stamp(Array(text.utf8), seq: seq), as: UTF8.self)
    }

    @Test func splicesWithoutReencoding() {
        #expect(stamp("{}", 1) == #"{"spin_seq":1}"#)
        #expect(stamp(" { \n } ", 7) == #"{"spin_seq":7}"#)
        #expect(stamp(#"{"b": 2, "a": {"x": [1.50, "\u00e9"]}}"#, 42) == #"{"spin_seq":42,"b": 2, "a": {"x": [1.50, "\u00e9"]}}"#)
        #expect(stamp(#"{ "k":1}"#, UInt64.max) == #"{"spin_seq":18446744073709551615,"k":1}"#)
    }

    @Test func theResultIsValidJSONWithTheNumber() throws {
        for metadata in ["{}", #"{"a":1}"#, #"{"deep":{"spin_seq":"not ours"}}"#] {
            let object = try JSONCoding.object(from: SequenceStamp.stamp(Array(metadata.utf8), seq: 9))
            #expect(object["spin_seq"] == .int(9), "\(metadata)")
        }
    }

    @Test func aKernelsOwnSpinSeqIsReplacedNotDuplicated() throws {
        let stamped = SequenceStamp.stamp(Array(#"{"spin_seq": 3, "x": true}"#.utf8), seq: 10)
        let text = String(decoding: stamped, as: UTF8.self)
        #expect(text.components(separatedBy: "spin_seq").count == 2, "\(text)")
        let object = try JSONCoding.object(from: stamped)
        #expect(object["spin_seq"] == .int(10))
        #expect(object["x"] == .bool(true))
    }

    @Test func notAnObjectBecomesJustTheStamp() {
        #expect(stamp("", 3) == #"{"spin_seq":3}"#)
        #expect(stamp("[1]", 3) == #"{"spin_seq":3}"#)
        #expect(stamp("{", 3) == #"{"spin_seq":3}"#)
    }

    @Test func readsTheNumberBack() {
        #expect(SequenceStamp.read(SequenceStamp.stamp(Array(#"{"a":1}"#.utf8), seq: 123)) == 123)
        #expect(SequenceStamp.read(Array("{}".utf8)) == nil)
    }
}
