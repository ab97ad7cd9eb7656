import Foundation
import Gateway

// spin-gateway: TLS, token auth and browser rules in front of the executor's Unix socket.
// All behaviour lives in the Gateway library; see docs/gateway.md.
//
// No top-level `await`: start-up (configuration, TLS files, giving up root) runs on the
// main thread first, which async main would leave before the first line (see
// `GatewayApp.prepare`).
let environment = ProcessInfo.processInfo.environment
EventLoopCount.apply(environment: environment)
switch GatewayApp.prepare(environment: environment) {
case .failure(let code):
    exit(code.value)
case .success(let prepared):
    Task {
        exit(await GatewayApp.run(prepared, environment: environment))
    }
    dispatchMain()
}
