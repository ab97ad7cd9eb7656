import NIOConcurrencyHelpers

/// Counts authentication failures per client address in a sliding window (SPEC §3:
/// more than `limit` failures within `window` are answered 429 until the window passes).
public final class FailureLimiter: Sendable {
    public typealias Clock = @Sendable () -> Duration

    private let limit: Int
    private let window: Duration
    private let now: Clock
    private let maxAddresses: Int
    private let failures = NIOLockedValueBox<[String: [Duration]]>([:])

    /// `now` returns time since any fixed origin; tests inject a manual clock.
    public init(limit: Int = 20, window: Duration = .seconds(60), maxAddresses: Int = 10_000, now: @escaping Clock = FailureLimiter.monotonicNow) {
        self.limit = limit
        self.window = window
        self.now = now
        self.maxAddresses = maxAddresses
    }

    /// How long the address must wait, or `nil` when it may try again.
    public func retryAfter(address: String) -> Duration? {
        let now = self.now()
        return self.failures.withLockedValue { table in
            let recent = self.prune(table[address] ?? [], now: now)
            table[address] = recent.isEmpty ? nil : recent
            guard recent.count >= self.limit, let oldest = recent.first else { return nil }
            return oldest + self.window - now
        }
    }

    public func recordFailure(address: String) {
        let now = self.now()
        self.failures.withLockedValue { table in
            if table[address] == nil, table.count >= self.maxAddresses {
                table = table.filter { !self.prune($0.value, now: now).isEmpty }
            }
            var recent = self.prune(table[address] ?? [], now: now)
            recent.append(now)
            table[address] = Array(recent.suffix(self.limit + 1))
        }
    }

    private func prune(_ times: [Duration], now: Duration) -> [Duration] {
        times.filter { now - $0 < self.window }
    }

    public static let monotonicNow: Clock = {
        ContinuousClock.now - processStart
    }
}

private let processStart = ContinuousClock.now
