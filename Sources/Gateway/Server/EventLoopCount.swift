import NIOCore

/// How many event loops (threads) the gateway runs its connections on.
///
/// NIO's default is one per core. The gateway only relays: on the 2-core machines the
/// benchmarks run on, where the executor, the kernels and the clients share those cores,
/// one loop relayed WebSocket frames at a 30–80 % higher rate with a lower p99 and 25 %
/// less CPU per frame than two (a single loop picks up more ready connections per
/// wake-up and switches threads less); heavily concurrent plain HTTP lost ~20 % of its
/// rate (bench/findings.md, scenario 5). A notebook waits on its WebSocket, so: one loop
/// per four cores, at least one. `NIO_SINGLETON_GROUP_LOOP_COUNT` (NIO's own setting)
/// overrides it.
public enum EventLoopCount {
    static let overrideVariable = "NIO_SINGLETON_GROUP_LOOP_COUNT"

    /// The default for a machine with `cores` cores.
    public static func standard(cores: Int) -> Int {
        max(1, cores / 4)
    }

    /// Sets NIO's singleton group size before anything uses it, unless the environment
    /// sets it; call first thing in `main`.
    public static func apply(environment: [String: String]) {
        guard environment[overrideVariable] == nil else { return }
        NIOSingletons.groupLoopCountSuggestion = standard(cores: System.coreCount)
    }
}
