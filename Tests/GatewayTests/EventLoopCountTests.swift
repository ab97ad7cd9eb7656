import Testing

@testable import Gateway

@Suite struct EventLoopCountTests {
    /// One loop per four cores, never none: one on the small machines the runtime
    /// usually shares with its executor and kernels.
    @Test func oneLoopPerFourCoresAndAtLeastOne() {
        let counts = [1, 2, 3, 4, 7, 8, 15, 16, 64].map { EventLoopCount.standard(cores: $0) }
        #expect(counts == [1, 1, 1, 1, 1, 2, 3, 4, 16])
    }

    /// A valid override is left for NIO to read; an empty, unparsable or non-positive
    /// one (which NIO would quietly read as one loop per core) gives the default, and
    /// the configuration warns about it.
    @Test func onlyAValidOverrideReplacesTheDefault() throws {
        let key = EventLoopCount.overrideVariable
        #expect(EventLoopCount.suggestion(environment: [:], cores: 8) == 2)
        #expect(EventLoopCount.suggestion(environment: [key: "3"], cores: 8) == nil)
        for bad in ["", " 2", "abc", "0", "-1"] {
            #expect(EventLoopCount.suggestion(environment: [key: bad], cores: 8) == 2, "\(bad)")
            #expect(EventLoopCount.isInvalidOverride([key: bad]), "\(bad)")
        }
        #expect(!EventLoopCount.isInvalidOverride([key: "3"]) && !EventLoopCount.isInvalidOverride([:]))
        let token = String(repeating: "k", count: 40)
        let warned = try GatewayConfiguration.load(environment: ["SPIN_TOKEN": token, key: "abc"])
        #expect(warned.warnings.contains { $0.contains(key) })
        let quiet = try GatewayConfiguration.load(environment: ["SPIN_TOKEN": token, key: "2"])
        #expect(!quiet.warnings.contains { $0.contains(key) })
    }
}
