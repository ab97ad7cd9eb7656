import Foundation
import HTTPTypes

/// `GET /readyz`: the executor answers `/api/kernelspecs` with at least one kernelspec.
struct ReadinessProbe: Sendable {
    let forwarder: ExecutorHTTPForwarder

    struct Result: Sendable {
        var status: HTTPResponse.Status
        var body: [UInt8]
    }

    func check() async -> Result {
        do {
            let (status, body) = try await self.forwarder.get("/api/kernelspecs", timeout: .seconds(3))
            guard status == 200 else {
                return Self.notReady("The executor answered /api/kernelspecs with status \(status).")
            }
            let count = Self.kernelspecCount(Data(body.readableBytesView))
            guard count > 0 else {
                return Self.notReady("The executor is up but found no kernelspec; install ipykernel or set JUPYTER_PATH.")
            }
            return Result(status: .ok, body: Array(#"{"status":"ready","kernelspecs":\#(count)}"#.utf8))
        } catch {
            return Self.notReady("The executor is not reachable on its socket yet.")
        }
    }

    static func kernelspecCount(_ data: Data) -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let specs = object["kernelspecs"] as? [String: Any]
        else { return 0 }
        return specs.count
    }

    static func notReady(_ message: String) -> Result {
        let error = GatewayError(.serviceUnavailable, code: "executor_not_ready", message: message)
        return Result(status: .serviceUnavailable, body: error.body)
    }
}
