import Hummingbird

/// Runs a request's handler on Swift's global executor, unless it only reads what needs
/// no kernel's actor.
///
/// A connection's handling prefers its event loop (`EventLoopTaskExecutor`), so the few
/// reads that stay there are answered without a thread switch. Every other handler
/// enters a kernel's actor, reads files or starts processes; entered from the loop, a
/// kernel's actor would run its queued messages there and hold up the loop's other
/// connections, so those handlers leave the loop first (as every request did before).
struct OffLoopMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.staysOnLoop(method: request.method, path: request.uri.path) {
            return try await next(request, context)
        }
        return try await withTaskExecutorPreference(globalConcurrentExecutor) {
            try await next(request, context)
        }
    }

    /// `GET /api`, `/api/status`, `/api/kernels` and `/api/kernels/{id}`: the kernel
    /// manager's list and each kernel's `KernelSummary`, nothing else.
    static func staysOnLoop(method: HTTPRequest.Method, path: String) -> Bool {
        guard method == .get else { return false }
        switch path {
        case "/api", "/api/status", "/api/kernels":
            return true
        default:
            let prefix = "/api/kernels/"
            guard path.hasPrefix(prefix) else { return false }
            let id = path.dropFirst(prefix.count)
            return !id.isEmpty && !id.contains("/")
        }
    }
}
