import Hummingbird
import Testing

@testable import Executor

@Suite struct OffLoopMiddlewareTests {
    @Test func onlyReadsThatNeedNoKernelActorStayOnTheLoop() {
        for path in ["/api", "/api/status", "/api/kernels", "/api/kernels/6f1d2c"] {
            #expect(OffLoopMiddleware<BasicRequestContext>.staysOnLoop(method: .get, path: path), "\(path)")
        }
        let leave: [(HTTPRequest.Method, String)] = [
            (.post, "/api/kernels"), (.delete, "/api/kernels/6f1d2c"), (.post, "/api/kernels/6f1d2c/restart"),
            (.get, "/api/kernels/6f1d2c/journal"), (.get, "/api/kernels/"), (.get, "/api/kernelspecs"),
            (.get, "/api/sessions"), (.get, "/metrics"), (.get, "/api/connections"), (.put, "/api/status"),
        ]
        for (method, path) in leave {
            #expect(!OffLoopMiddleware<BasicRequestContext>.staysOnLoop(method: method, path: path), "\(method) \(path)")
        }
    }
}
