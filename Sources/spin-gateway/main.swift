import Foundation
import Gateway

// spin-gateway: TLS, token auth and browser rules in front of the executor's Unix socket.
// All behaviour lives in the Gateway library; see docs/gateway.md.
let environment = ProcessInfo.processInfo.environment
EventLoopCount.apply(environment: environment)
let code = await GatewayApp.run(environment: environment)
exit(code)
