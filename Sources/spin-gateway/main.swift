import Foundation
import Gateway

// spin-gateway: TLS, token auth and browser rules in front of the executor's Unix socket.
// All behaviour lives in the Gateway library; see docs/gateway.md.
let code = await GatewayApp.run(environment: ProcessInfo.processInfo.environment)
exit(code)
