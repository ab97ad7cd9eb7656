import Connections
import Foundation
import JupyterProtocol
import Kernels

/// `POST /spin/v1/connections/{name}/test`: connects the way a cell would
/// and says what happened, without running anything that changes data.
public struct ConnectionTester: Sendable {
    let store: ConnectionStore
    let settings: CellSettings

    public init(store: ConnectionStore, settings: CellSettings) {
        self.store = store
        self.settings = settings
    }

    public struct Result: Sendable {
        public let ok: Bool
        public let message: String
        public let milliseconds: Int

        public var json: JSONValue {
            ["ok": .bool(ok), "message": .string(message), "elapsed_ms": .int(Int64(milliseconds))]
        }
    }

    public func test(_ name: String) async -> Result {
        let started = ContinuousClock.now
        let outcome: (Bool, String)
        do {
            outcome = (true, try await probe(name))
        } catch let failure as CellFailure {
            outcome = (false, failure.evalue)
        } catch let error as ConnectionError {
            outcome = (false, error.message)
        } catch {
            outcome = (false, String(describing: error))
        }
        let elapsed = ContinuousClock.now - started
        return Result(ok: outcome.0, message: outcome.1, milliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
    }

    private func probe(_ name: String) async throws -> String {
        if name == ConnectionName.local { return "The runtime's own shell is always available." }
        let connection: Connection
        do {
            connection = try await store.get(name).resolved(environment: settings.environment)
        } catch let failure as RuntimeEnvTemplate.Failure {
            throw CellFailure("RuntimeEnvError", failure.message)
        }
        let silent = CellContext(kernelID: "", publish: { _ in }, execute: { _ in })
        switch connection.type {
        case .postgres:
            _ = try await PostgresStatement(connection: connection, environment: settings.environment).run("select 1")
            return "Connected to PostgreSQL and ran 'select 1'."
        case .sqlite:
            let statement = SQLiteStatement(connection: connection, dataFolder: settings.dataFolder)
            _ = try await statement.run("select 1")
            return "Opened \(statement.path)."
        case .ssh:
            try await SSHShell(connection: connection, store: store, environment: settings.environment).run("true", context: silent)
            return "Logged in over SSH and ran 'true'."
        case .http:
            let status = try await HTTPCell(connection: connection, settings: settings).probe()
            return "The base URL answered with HTTP \(status)."
        }
    }
}
