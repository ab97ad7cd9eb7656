import Foundation
import Hummingbird
import HummingbirdWebSocket
import JupyterProtocol
import Kernels

/// `GET /api` and `GET /api/status`, as Jupyter Server answers them.
struct StatusRoutes {
    let services: ExecutorServices

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.get("api") { _, _ in
            JSONBody.response(["version": JSONValue.string(services.version)])
        }
        router.get("api/status") { _, _ in
            let kernels = await services.kernels.list()
            var connections = 0
            var lastActivity = MessageFactory.timestamp(services.startedAt)
            for kernel in kernels {
                let model = kernel.model()
                connections += model.connections
                lastActivity = max(lastActivity, model.lastActivity)
            }
            let body: JSONValue = [
                "started": .string(MessageFactory.timestamp(services.startedAt)),
                "last_activity": .string(lastActivity),
                "connections": .int(Int64(connections)),
                "kernels": .int(Int64(kernels.count)),
            ]
            return JSONBody.response(body)
        }
    }
}
