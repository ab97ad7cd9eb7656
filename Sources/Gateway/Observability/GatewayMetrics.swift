import CoreMetrics
import Prometheus
import Synchronization

/// The gateway's Prometheus metrics (`spin_` prefix), kept in its own registry.
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    private let openWebSockets: Meter
    private let requestCounters = CounterCache()

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
        self.openWebSockets = Meter(label: "spin_gateway_open_websockets", factory: self.factory)
        self.openWebSockets.set(0)
    }

    public func request(route: RouteClass, status: Int) {
        self.requestCounters.counter(route: route, status: status) {
            Counter(
                label: "spin_gateway_requests_total",
                dimensions: [("route", route.rawValue), ("status", String(status))],
                factory: self.factory
            )
        }.increment()
    }

    public func authFailure(reason: String) {
        Counter(label: "spin_gateway_auth_failures_total", dimensions: [("reason", reason)], factory: self.factory).increment()
    }

    public func webSocketOpened() { self.openWebSockets.increment() }
    public func webSocketClosed() { self.openWebSockets.decrement() }

    public func executorRestart() {
        Counter(label: "spin_gateway_executor_restarts_total", factory: self.factory).increment()
    }

    /// Prometheus text exposition of everything recorded so far.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        self.registry.emit(into: &buffer)
        return buffer
    }
}

/// Coarse request classes, so metric cardinality stays bounded.
public enum RouteClass: String, Sendable {
    case health, ready, console, metrics, preflight, api, websocket, other

    public init(path: String, isUpgrade: Bool) {
        switch path {
        case _ where isUpgrade: self = .websocket
        case "/healthz": self = .health
        case "/readyz": self = .ready
        case "/metrics": self = .metrics
        case _ where path == "/console" || path.hasPrefix("/console/"): self = .console
        case _ where path.hasPrefix("/api") || path.hasPrefix("/spin/"): self = .api
        default: self = .other
        }
    }
}

/// Request counters by route and status, made once each: building one per request is a
/// registry lookup under its lock. Statuses are three digits, so the set stays small.
final class CounterCache: Sendable {
    private struct Key: Hashable {
        let route: RouteClass
        let status: Int
    }

    private let counters = Mutex<[Key: CoreMetrics.Counter]>([:])

    func counter(route: RouteClass, status: Int, make: () -> CoreMetrics.Counter) -> CoreMetrics.Counter {
        let key = Key(route: route, status: status)
        return self.counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = make()
            counters[key] = counter
            return counter
        }
    }
}
