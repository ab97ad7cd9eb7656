import Hummingbird
import Logging

/// Turns every error, unknown routes included, into the JSON error body.
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = APIError.from(error)
            if answer.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error)", "http.path": "\(request.uri.path)"])
            }
            return try answer.response(from: request, context: context)
        }
    }
}
