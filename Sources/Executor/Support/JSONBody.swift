import Foundation
import Hummingbird
import JupyterProtocol
import NIOCore

/// Reading request bodies and writing JSON answers.
enum JSONBody {
    static let maxRequestBytes = 1 << 20

    /// Decodes the body as `T`; an empty body decodes `empty` instead.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, empty: T) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: maxRequestBytes)
        guard buffer.readableBytes > 0 else { return empty }
        guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)) else {
            throw APIError.badRequest("invalid_json", "The body is not valid JSON.")
        }
        guard object.isObject else {
            throw APIError.badRequest("invalid_body", "The body must be a JSON object.")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONCoding.encode(value))))
    }
}
