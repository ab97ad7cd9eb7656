import Foundation
import Hummingbird
import HummingbirdWebSocket
import JupyterProtocol
import Kernels
import NIOCore

/// `GET /api/kernelspecs[/{name}]` and the specs' resource files.
struct KernelSpecRoutes {
    let services: ExecutorServices

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.get("api/kernelspecs") { _, _ in
            let (defaultName, specs) = services.kernels.specs()
            var all = [String: JSONValue]()
            for (name, spec) in specs { all[name] = Self.model(spec) }
            return JSONBody.response(["default": defaultName.map(JSONValue.string) ?? .null, "kernelspecs": .object(all)] as JSONValue)
        }
        router.get("api/kernelspecs/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let spec = services.kernels.specs().specs[name.lowercased()] else {
                throw APIError.notFound("No kernelspec named '\(name.prefix(64))' is installed.")
            }
            return JSONBody.response(Self.model(spec))
        }
        router.get("kernelspecs/:name/:file") { _, context in
            try Self.resource(name: context.parameters.require("name"), file: context.parameters.require("file"), services: services)
        }
    }

    static func model(_ spec: KernelSpec) -> JSONValue {
        let definition = spec.definition
        var resources = [String: JSONValue]()
        for file in spec.resourceFiles where file.hasSuffix(".png") || file.hasSuffix(".svg") || file.hasSuffix(".js") || file.hasSuffix(".css") {
            let key = file.split(separator: ".").dropLast().joined(separator: ".")
            resources[key] = .string("/kernelspecs/\(spec.name)/\(file)")
        }
        let specJSON: JSONValue = [
            "argv": .array(definition.argv.map(JSONValue.string)),
            "display_name": .string(definition.displayName),
            "language": .string(definition.language),
            "interrupt_mode": .string(definition.interruptMode ?? "signal"),
            "env": .object((definition.env ?? [:]).mapValues(JSONValue.string)),
            "metadata": definition.metadata ?? [:],
        ]
        return ["name": .string(spec.name), "spec": specJSON, "resources": .object(resources)]
    }

    static func resource(name: String, file: String, services: ExecutorServices) throws -> Response {
        guard let spec = services.kernels.specs().specs[name.lowercased()], spec.resourceFiles.contains(file),
              let data = FileManager.default.contents(atPath: "\(spec.directory)/\(file)")
        else { throw APIError.notFound("No such kernelspec resource.") }
        let type = file.hasSuffix(".png") ? "image/png" : file.hasSuffix(".svg") ? "image/svg+xml" : "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
