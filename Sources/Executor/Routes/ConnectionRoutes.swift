import Connections
import Foundation
import Hummingbird
import HummingbirdWebSocket
import JupyterProtocol

/// `/spin/v1/connections` (SPEC §6): list, get, put, delete, test. Secret
/// fields are accepted and never returned.
struct ConnectionRoutes {
    let services: ExecutorServices
    static let maxBodyBytes = 64 * 1024

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.get("spin/v1/connections") { _, _ in
            let store = try store()
            let views = [LocalConnection.publicView] + (await store.list()).map(\.publicView)
            return JSONBody.response(JSONValue.object(["connections": .array(views)]))
        }
        router.get("spin/v1/connections/:name") { _, context in
            let name = try context.parameters.require("name")
            if name == ConnectionName.local { return JSONBody.response(LocalConnection.publicView) }
            return JSONBody.response(try await store().get(name).publicView)
        }
        router.put("spin/v1/connections/:name") { request, context in
            let name = try context.parameters.require("name")
            let body = try await Self.object(from: request)
            let (connection, created) = try await store().put(name: name, body: body)
            return JSONBody.response(connection.publicView, status: created ? .created : .ok)
        }
        router.delete("spin/v1/connections/:name") { _, context in
            try await store().delete(context.parameters.require("name"))
            return Response(status: .noContent)
        }
        router.post("spin/v1/connections/:name/test") { _, context in
            guard let tester = services.connectionTester else { throw unavailable() }
            let result = await tester.test(try context.parameters.require("name"))
            return JSONBody.response(result.json)
        }
    }

    private func store() throws -> ConnectionStore {
        guard let store = services.connections else { throw unavailable() }
        return store
    }

    private func unavailable() -> APIError {
        APIError(.serviceUnavailable, "connections_unavailable", "The connections store is not available in this runtime.")
    }

    /// The body as a JSON object, with errors a person can act on.
    static func object(from request: Request) async throws -> [String: JSONValue] {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "A connection is at most \(maxBodyBytes / 1024) KiB of JSON.")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("invalid_body", "The body must be a JSON object with the connection's fields, e.g. {\"type\": \"sqlite\", \"path\": \"app.db\"}.")
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)) else {
            throw APIError.badRequest("invalid_json", "The body is not valid JSON.")
        }
        guard let object = value.objectValue else {
            throw APIError.badRequest("invalid_body", "The body must be a JSON object.")
        }
        return object
    }
}

import NIOCore
