import Foundation
import JupyterProtocol
import Testing

@Suite struct JSONWritingTests {
    @Test func writesCompactJSONWithSortedKeys() {
        let value: JSONValue = [
            "status": "ok", "count": .int(-3), "ratio": .double(0.25), "whole": .double(2), "none": .null,
            "flags": [true, false], "nested": ["b": "x/y", "a": [:]], "empty": [],
        ]
        let text = String(decoding: value.jsonBytes, as: UTF8.self)
        #expect(text == #"{"count":-3,"empty":[],"flags":[true,false],"nested":{"a":{},"b":"x/y"},"none":null,"ratio":0.25,"status":"ok","whole":2}"#)
    }

    /// JSON has no NaN or infinity: such a value is written as null instead of failing
    /// the whole message.
    @Test func nonFiniteNumbersBecomeNull() {
        let value: JSONValue = ["a": .double(.nan), "b": .double(.infinity), "c": .double(1e300)]
        #expect(String(decoding: value.jsonBytes, as: UTF8.self) == #"{"a":null,"b":null,"c":1e+300}"#)
    }

    @Test func everyControlCharacterIsEscaped() throws {
        let text = String(decoding: (0..<0x20).map { UInt8($0) } + Array("\"\\é𝄞".utf8), as: UTF8.self)
        let bytes = JSONValue.string(text).jsonBytes
        #expect(!bytes.contains { $0 < 0x20 })
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#""\u0000\u0001"#))
        #expect(String(decoding: bytes, as: UTF8.self).contains(#"\b\t\n\u000b\f\r"#))
        let decoded = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
    }

    /// What Foundation's decoder reads back is the value that was written, for values of
    /// every kind nested a few levels deep.
    @Test func foundationReadsBackWhatWasWritten() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 3, using: &generator)
            let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(value.jsonBytes))
            #expect(decoded == Self.normalized(value), "\(value)")
        }
    }

    @Test func encodeTakesTheWriterForJSONValues() {
        let value: JSONValue = ["z": "1", "a": .double(1.5)]
        #expect(JSONCoding.encode(value) == value.jsonBytes)
    }

    private static func randomValue(depth: Int, using generator: inout SystemRandomNumberGenerator) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 7 : 5), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &generator))
        case 3: return .double(Double.random(in: -1e6...1e6, using: &generator))
        case 4:
            let scalars = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                ["a", "\"", "\\", "\n", "\u{1}", "é", "𝄞", "/", " "].randomElement(using: &generator)!
            }
            return .string(scalars.joined())
        case 5: return .array((0..<Int.random(in: 0...3, using: &generator)).map { _ in randomValue(depth: depth - 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0...3, using: &generator) { members["k\(index)"] = randomValue(depth: depth - 1, using: &generator) }
            return .object(members)
        }
    }

    /// Integral doubles come back as integers (as they did from `JSONEncoder`).
    private static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let number) where number == number.rounded() && abs(number) < 1e15: return .int(Int64(number))
        case .array(let values): return .array(values.map(normalized))
        case .object(let members): return .object(members.mapValues(normalized))
        default: return value
        }
    }
}
