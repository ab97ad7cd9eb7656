import Testing

@testable import Gateway

@Suite struct EventLoopCountTests {
    /// One loop per four cores, never none: one on the small machines the runtime
    /// usually shares with its executor and kernels.
    @Test func oneLoopPerFourCoresAndAtLeastOne() {
        let counts = [1, 2, 3, 4, 7, 8, 15, 16, 64].map { EventLoopCount.standard(cores: $0) }
        #expect(counts == [1, 1, 1, 1, 1, 2, 3, 4, 16])
    }
}
