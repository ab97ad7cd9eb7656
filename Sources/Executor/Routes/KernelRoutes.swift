import Foundation
import Hummingbird
import HummingbirdWebSocket
import JupyterProtocol
import Kernels

/// `/api/kernels`: list, start, get, shut down, interrupt, restart.
struct KernelRoutes {
    let services: ExecutorServices

    struct StartRequest: Decodable {
        var name: String?
        var path: String?
    }

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.get("api/kernels") { _, _ in
            var models = [KernelModel]()
            for kernel in await services.kernels.list() { models.append(kernel.model()) }
            return JSONBody.response(models)
        }
        router.post("api/kernels") { request, _ in
            let body = try await JSONBody.decode(StartRequest.self, from: request, empty: StartRequest())
            let kernel = try await services.kernels.startKernel(name: body.name)
            return JSONBody.response(kernel.model(), status: .created, headers: [.location: "/api/kernels/\(kernel.id)"])
        }
        router.get("api/kernels/:id") { _, context in
            let kernel = try await services.kernels.kernel(context.parameters.require("id"))
            return JSONBody.response(kernel.model())
        }
        router.delete("api/kernels/:id") { _, context in
            try await services.kernels.shutdownKernel(context.parameters.require("id"))
            return Response(status: .noContent)
        }
        router.post("api/kernels/:id/interrupt") { _, context in
            let kernel = try await services.kernels.kernel(context.parameters.require("id"))
            await kernel.interrupt()
            return Response(status: .noContent)
        }
        router.post("api/kernels/:id/restart") { _, context in
            let kernel = try await services.kernels.kernel(context.parameters.require("id"))
            try await kernel.restart()
            return JSONBody.response(kernel.model())
        }
        router.get("api/kernels/:id/channels") { _, context -> Response in
            _ = try await services.kernels.kernel(context.parameters.require("id"))
            throw APIError(.badRequest, "websocket_required", "This endpoint speaks WebSocket; send an upgrade request.")
        }
    }
}
