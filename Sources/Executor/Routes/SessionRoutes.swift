import Foundation
import Hummingbird
import HummingbirdWebSocket
import JupyterProtocol
import Kernels

/// `/api/sessions`: notebook paths bound to kernels, as in Jupyter Server.
struct SessionRoutes {
    let services: ExecutorServices

    struct KernelChoice: Decodable {
        var id: String?
        var name: String?
    }

    struct SessionRequest: Decodable {
        var path: String?
        var name: String?
        var type: String?
        var kernel: KernelChoice?
    }

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.get("api/sessions") { _, _ in
            try await JSONBody.response(listModels())
        }
        router.post("api/sessions") { request, _ in
            let body = try await JSONBody.decode(SessionRequest.self, from: request, empty: SessionRequest())
            let session = try await create(body)
            return JSONBody.response(try await model(session), status: .created, headers: [.location: "/api/sessions/\(session.id)"])
        }
        router.get("api/sessions/:id") { _, context in
            JSONBody.response(try await model(try await find(context.parameters.require("id"))))
        }
        router.patch("api/sessions/:id") { request, context in
            let session = try await find(context.parameters.require("id"))
            let body = try await JSONBody.decode(SessionRequest.self, from: request, empty: SessionRequest())
            return JSONBody.response(try await model(try await update(session, with: body)))
        }
        router.delete("api/sessions/:id") { _, context in
            let session = try await find(context.parameters.require("id"))
            await services.sessions.remove(session.id)
            try? await services.kernels.shutdownKernel(session.kernelID)
            return Response(status: .noContent)
        }
    }

    private func find(_ id: String) async throws -> SessionStore.Session {
        guard let session = await services.sessions.get(id) else {
            throw APIError.notFound("No session with id '\(id.prefix(64))'.")
        }
        return session
    }

    private func create(_ body: SessionRequest) async throws -> SessionStore.Session {
        let path = body.path ?? body.name ?? ""
        if !path.isEmpty, let existing = await services.sessions.find(path: path),
           (try? await services.kernels.kernel(existing.kernelID)) != nil {
            return existing
        }
        let kernel = try await kernelFor(body.kernel)
        return await services.sessions.create(
            path: path, name: body.name ?? "", type: body.type ?? "notebook", kernelID: kernel.id
        )
    }

    private func kernelFor(_ choice: KernelChoice?) async throws -> Kernel {
        if let id = choice?.id { return try await services.kernels.kernel(id) }
        return try await services.kernels.startKernel(name: choice?.name)
    }

    private func update(_ session: SessionStore.Session, with body: SessionRequest) async throws -> SessionStore.Session {
        var session = session
        if let path = body.path { session.path = path }
        if let name = body.name { session.name = name }
        if let type = body.type { session.type = type }
        if let choice = body.kernel {
            let old = session.kernelID
            let kernel = try await kernelFor(choice)
            session.kernelID = kernel.id
            if old != kernel.id, choice.id == nil { try? await services.kernels.shutdownKernel(old) }
        }
        await services.sessions.update(session)
        return session
    }

    private func listModels() async throws -> [JSONValue] {
        var models = [JSONValue]()
        for session in await services.sessions.list() {
            if let model = try? await model(session) { models.append(model) }
        }
        return models
    }

    private func model(_ session: SessionStore.Session) async throws -> JSONValue {
        let kernel = try await services.kernels.kernel(session.kernelID)
        let kernelModel = kernel.model()
        let kernelJSON = try JSONCoding.decode(JSONValue.self, from: JSONCoding.encode(kernelModel))
        return [
            "id": .string(session.id), "path": .string(session.path), "name": .string(session.name),
            "type": .string(session.type), "kernel": kernelJSON,
            "notebook": ["path": .string(session.path), "name": .string(session.name)],
        ]
    }
}
