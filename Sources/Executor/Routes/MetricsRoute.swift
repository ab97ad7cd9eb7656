import Hummingbird
import HummingbirdWebSocket
import Kernels
import Metrics
import NIOCore
import Prometheus

/// `GET /metrics`: the executor's Prometheus text (kernels by state,
/// executions by cell type, execute latency). The gateway serves it, behind
/// the token, together with its own.
struct MetricsRoute {
    let services: ExecutorServices
    let registry: PrometheusCollectorRegistry

    static let states: [KernelLifecycle.State] = [.starting, .idle, .busy, .restarting, .dead, .terminating]

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.get("metrics") { _, _ in
            var counts = [KernelLifecycle.State: Int]()
            for kernel in await services.kernels.list() { counts[await kernel.state, default: 0] += 1 }
            for state in Self.states {
                Gauge(label: "spin_kernels", dimensions: [("state", state.rawValue)]).record(counts[state] ?? 0)
            }
            Gauge(label: "spin_kernel_pool_ready").record(await services.kernels.pooledCount)
            var buffer = [UInt8]()
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }
}
