import Hummingbird
import HummingbirdWebSocket

/// Answers `405` (with the JSON error body and an `Allow` header) for a known
/// path asked with a method it does not take, as Jupyter Server does, rather
/// than a misleading `404`.
struct MethodNotAllowedRoutes {
    static let table: [(path: RouterPath, allowed: [HTTPRequest.Method])] = [
        ("api", [.get]),
        ("api/status", [.get]),
        ("api/kernelspecs", [.get]),
        ("api/kernelspecs/:name", [.get]),
        ("api/kernels", [.get, .post]),
        ("api/kernels/:id", [.get, .delete]),
        ("api/kernels/:id/interrupt", [.post]),
        ("api/kernels/:id/restart", [.post]),
        ("api/sessions", [.get, .post]),
        ("api/sessions/:id", [.get, .patch, .delete]),
    ]

    static let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    func register(on router: Router<BasicWebSocketRequestContext>) {
        for (path, allowed) in Self.table {
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            for method in Self.methods where !allowed.contains(method) {
                router.on(path, method: method) { _, _ -> Response in
                    var error = APIError(.methodNotAllowed, "method_not_allowed", "This path takes \(allow) only.")
                    error.headers[.allow] = allow
                    throw error
                }
            }
        }
    }
}
