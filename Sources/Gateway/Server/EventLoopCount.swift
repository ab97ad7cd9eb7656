import NIOCore

/// How many event loops (threads) the gateway runs its connections on.
///
/// NIO's default is one per core. The gateway only relays: on the 2-core machines the
/// benchmarks run on, where the executor, the kernels and the clients share those cores,
/// one loop relayed WebSocket echo frames with a lower p99 and ~25 % less CPU per frame
/// than two (a single loop picks up more ready connections per wake-up and switches
/// threads less), while heavily concurrent plain HTTP lost ~20 % of its rate
/// (bench/findings.md, scenario 5). A notebook waits on its WebSocket, so: one loop per
/// four cores, at least one. A valid `NIO_SINGLETON_GROUP_LOOP_COUNT` (NIO's own
/// setting) overrides it.
public enum EventLoopCount {
    static let overrideVariable = "NIO_SINGLETON_GROUP_LOOP_COUNT"

    /// The default for a machine with `cores` cores.
    public static func standard(cores: Int) -> Int {
        max(1, cores / 4)
    }

    /// The count to set, or nil when the environment sets a valid one for NIO to read.
    /// NIO reads an unparsable value as "one per core" without a word, so such a value
    /// (or an empty one) is ignored here and the gateway's default applies.
    static func suggestion(environment: [String: String], cores: Int) -> Int? {
        if let value = environment[overrideVariable].flatMap({ Int($0) }), value > 0 { return nil }
        return standard(cores: cores)
    }

    /// Whether the environment sets the override to something NIO cannot use as such.
    static func isInvalidOverride(_ environment: [String: String]) -> Bool {
        environment[overrideVariable] != nil && suggestion(environment: environment, cores: 1) != nil
    }

    /// Sets NIO's singleton group size before anything uses it; call first thing in `main`.
    public static func apply(environment: [String: String]) {
        guard let count = suggestion(environment: environment, cores: System.coreCount) else { return }
        NIOSingletons.groupLoopCountSuggestion = count
    }
}
