import HTTPTypes
import JupyterProtocol

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
            guard let count = Self.kernelspecCount(Array(body.readableBytesView)) else {
                return Self.notReady("The executor's answer to /api/kernelspecs is not a kernelspec list.")
            }
            guard count > 0 else {
                return Self.notReady("The executor is up but found no kernelspec; install ipykernel or set JUPYTER_PATH.")
            }
            return Result(status: .ok, body: Array(#"{"status":"ready","kernelspecs":\#(count)}"#.utf8))
        } catch is ResponseCollector.TimedOut {
            return Self.notReady("The executor did not answer /api/kernelspecs within 3 s.")
        } catch is ResponseCollector.TooLarge {
            return Self.notReady("The executor's answer to /api/kernelspecs is over 4 MiB.")
        } catch {
            return Self.notReady("The executor is not reachable on its socket yet.")
        }
    }

    /// The number of entries in the answer's `kernelspecs` object; `nil` when the answer
    /// is not a JSON object with one.
    static func kernelspecCount(_ bytes: [UInt8]) -> Int? {
        guard let answer = try? JSONObjectFields(bytes), let specs = answer.member("kernelspecs"), specs.kind == .object,
              let names = try? JSONObjectFields(answer.slice(of: specs))
        else { return nil }
        return names.members.count
    }

    static func notReady(_ message: String) -> Result {
        let error = GatewayError(.serviceUnavailable, code: "executor_not_ready", message: message)
        return Result(status: .serviceUnavailable, body: error.body)
    }
}
