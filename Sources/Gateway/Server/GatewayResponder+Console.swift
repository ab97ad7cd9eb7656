import HTTPTypes
import Hummingbird
import HummingbirdCore

extension GatewayResponder {
    /// Answers `GET`/`HEAD /console/…` from the embedded files; `404` JSON for anything else.
    func console(_ exchange: Exchange, writer: consuming ResponseWriter) async throws -> Int {
        guard let asset = ConsoleRoute.asset(forPath: exchange.target.path) else {
            return try await exchange.write(.consoleFileNotFound(), cors: self.core.cors, to: writer)
        }
        var fields = exchange.baseHeaders(cors: self.core.cors)
        fields.append(contentsOf: ConsoleRoute.headers(for: asset))
        if ConsoleRoute.isUnchanged(asset, ifNoneMatch: exchange.request.headers[.ifNoneMatch]) {
            try await writer.writeResponse(HTTPResponse(status: .notModified, headerFields: fields))
            return 304
        }
        fields[.contentLength] = String(asset.bytes.count)
        let payload: [UInt8] = exchange.request.method == .head ? [] : asset.bytes
        try await writer.write(response: HTTPResponse(status: .ok, headerFields: fields), body: .init(byteBuffer: .init(bytes: payload)))
        return 200
    }
}

extension GatewayError {
    static func consoleFileNotFound() -> Self {
        .init(.notFound, code: "not_found", message: "The console has no such file; open /console/.")
    }
}
