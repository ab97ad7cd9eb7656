import Testing
@testable import JupyterProtocol

/// The signer keys its HMAC once and copies that state for every signature.
@Suite struct MessageSignerTests {
    let signer = MessageSigner(key: Array("a-kernel-key".utf8))
    let parts: [[UInt8]] = [Array(#"{"msg_id":"a"}"#.utf8), Array("{}".utf8), Array("{}".utf8), Array("{}".utf8)]

    @Test func theKeyedStateIsNotConsumedBySigning() {
        let first = signer.signature(of: parts)
        let other = signer.signature(of: [Array("{}".utf8)])
        #expect(first != other)
        #expect(signer.signature(of: parts) == first)
        #expect(first.count == 64)
    }

    @Test func matchesAFreshlyKeyedSigner() {
        #expect(signer.signature(of: parts) == MessageSigner(key: Array("a-kernel-key".utf8)).signature(of: parts))
        #expect(signer.signature(of: parts) != MessageSigner(key: Array("another-key".utf8)).signature(of: parts))
    }

    @Test func signsTheSameFromManyTasksAtOnce() async {
        let expected = signer.signature(of: parts)
        let signer = self.signer
        let parts = self.parts
        let results = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<64 { group.addTask { signer.signature(of: parts) } }
            return await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }
}
