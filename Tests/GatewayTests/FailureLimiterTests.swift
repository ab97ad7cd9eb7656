import NIOConcurrencyHelpers
import Testing

@testable import Gateway

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let value = NIOLockedValueBox<Duration>(.seconds(1000))
    func advance(_ by: Duration) { self.value.withLockedValue { $0 += by } }
    var now: Duration { self.value.withLockedValue { $0 } }
}

@Suite struct FailureLimiterTests {
    let clock = ManualClock()

    func limiter() -> FailureLimiter {
        let clock = self.clock
        return FailureLimiter(limit: 20, window: .seconds(60), now: { clock.now })
    }

    @Test func twentyFailuresAreAllowedTheTwentyFirstAttemptIsLimited() {
        let limiter = self.limiter()
        for _ in 0..<20 {
            #expect(limiter.retryAfter(address: "10.0.0.1") == nil)
            limiter.recordFailure(address: "10.0.0.1")
        }
        #expect(limiter.retryAfter(address: "10.0.0.1") == .seconds(60))
        #expect(limiter.retryAfter(address: "10.0.0.2") == nil)
    }

    @Test func theLimitLiftsWhenTheWindowPasses() {
        let limiter = self.limiter()
        for _ in 0..<20 { limiter.recordFailure(address: "a") }
        clock.advance(.seconds(45))
        #expect(limiter.retryAfter(address: "a") == .seconds(15))
        clock.advance(.seconds(15))
        #expect(limiter.retryAfter(address: "a") == nil)
    }

    @Test func failuresSpreadOverMoreThanAWindowDoNotAccumulate() {
        let limiter = self.limiter()
        for _ in 0..<40 {
            limiter.recordFailure(address: "a")
            clock.advance(.seconds(4))
        }
        #expect(limiter.retryAfter(address: "a") == nil)
    }

    @Test func theAddressTableIsBounded() {
        let clock = self.clock
        let limiter = FailureLimiter(limit: 20, window: .seconds(60), maxAddresses: 3, now: { clock.now })
        for index in 0..<3 { limiter.recordFailure(address: "old\(index)") }
        clock.advance(.seconds(61))
        limiter.recordFailure(address: "new")
        #expect(limiter.retryAfter(address: "new") == nil)
    }
}
