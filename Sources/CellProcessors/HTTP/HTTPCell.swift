import Connections
import Foundation
import JupyterProtocol
import Kernels

/// An HTTP cell: the request its source describes, sent with libcurl from
/// the runtime, TLS verified per `REQUESTS_CA_BUNDLE`; the status and the
/// body come back as outputs, and with `variable` the body is bound in the
/// kernel (parsed JSON, text, or bytes as base64).
struct HTTPCell {
    let connection: Connection?
    let settings: CellSettings

    func run(_ source: String, variable: String?, context: CellContext) async throws {
        let response = try await send(try request(source))
        let output = HTTPCellOutput(response: response)
        await context.emit(.displayData(data: output.statusDisplay))
        if let variable { try await bind(output.value.jsonValue, to: variable, context: context) }
        await context.emit(.executeResult(data: output.result))
    }

    /// `GET base_url` for the connection test; the status code.
    func probe() async throws -> Int {
        guard let base = connection?.string("base_url") else {
            throw CellFailure("HTTPError", "The connection has no base_url to try.")
        }
        return try await send(try request("GET \(base)")).status
    }

    private func request(_ source: String) throws -> HTTPCellRequest {
        if let connection, connection.type != .http {
            throw CellFailure(
                "ConnectionTypeMismatch",
                "HTTP cells take an http connection; '\(connection.name)' is a \(connection.type.rawValue) connection."
            )
        }
        do {
            return try HTTPCellSource.parse(source).request(defaults: defaults)
        } catch {
            throw CellFailure("HTTPRequestError", error.message)
        }
    }

    private var defaults: HTTPRequestDefaults? {
        guard let connection else { return nil }
        let headers = connection.fields["headers"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        return HTTPRequestDefaults(baseURL: connection.string("base_url"), headers: headers)
    }

    private func send(_ request: HTTPCellRequest) async throws -> HTTPCellResponse {
        do {
            let tls = try TLSVerification.fromEnvironment(settings.environment)
            return try await CurlTransfer(tls: tls).perform(request)
        } catch let error as HTTPCellError {
            throw CellFailure("HTTPError", error.message)
        }
    }

    /// The value goes through a JSON file the kernel reads and removes.
    private func bind(_ value: JSONValue, to variable: String, context: CellContext) async throws {
        let path = try ScratchFolder.newFile(in: settings.scratchFolder, suffix: ".json")
        defer { unlink(path) }
        do {
            try Data(JSONCoding.encode(value)).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CellFailure("BindError", "Could not write the response for the kernel under \(settings.scratchFolder).")
        }
        let literal = KernelLoader.pythonLiteral(path)
        try await context.runInKernel("""
            def _spin_bind_json():
                import json, os
                try:
                    with open(\(literal), encoding="utf-8") as f:
                        return json.load(f)
                finally:
                    os.remove(\(literal))
            \(variable) = _spin_bind_json()
            del _spin_bind_json
            """)
    }
}
