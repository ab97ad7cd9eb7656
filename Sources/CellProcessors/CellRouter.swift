import Connections
import JupyterProtocol
import Kernels

/// Runs a typed cell with the processor its `cell_type` names (SPEC §5).
public struct CellRouter: TypedCellRunner {
    let store: ConnectionStore
    let settings: CellSettings

    public init(store: ConnectionStore, settings: CellSettings) {
        self.store = store
        self.settings = settings
    }

    public func run(_ cell: TypedCellRequest, context: CellContext) async throws {
        if let variable = cell.variable, !PythonIdentifier.isValid(variable) {
            throw CellFailure(
                "InvalidVariable",
                "metadata.spin.variable must be a Python identifier (letters, digits and '_', not a keyword), not '\(variable.prefix(64))'."
            )
        }
        let source = try render(cell.code)
        switch cell.cellType {
        case "sql":
            try await SQLCell(connection: try await connection(cell, required: true), settings: settings)
                .run(source, variable: cell.variable, context: context)
        case "shell":
            let connection = try await connection(cell, required: false)
            if let connection {
                try await SSHShell(connection: connection, store: store, environment: settings.environment)
                    .run(source, context: context)
            } else {
                try await LocalShell(settings: settings).run(source, context: context)
            }
        case "http":
            try await HTTPCell(connection: try await connection(cell, required: false), settings: settings)
                .run(source, variable: cell.variable, context: context)
        default:
            throw CellFailure(
                "UnknownCellType", "'\(cell.cellType.prefix(32))' is not a cell type: use python, sql, shell or http."
            )
        }
    }

    /// The cell's connection with placeholders resolved; nil for `local`.
    private func connection(_ cell: TypedCellRequest, required: Bool) async throws -> Connection? {
        guard let name = cell.connection, name != ConnectionName.local else {
            if required {
                throw CellFailure("ConnectionRequired", "A \(cell.cellType) cell needs metadata.spin.connection: the name of a connection.")
            }
            return nil
        }
        let stored: Connection
        do {
            stored = try await store.get(name)
        } catch {
            throw CellFailure("ConnectionError", error.message + " Create it with PUT /spin/v1/connections/\(name.prefix(64)).")
        }
        do {
            return try stored.resolved(environment: settings.environment)
        } catch {
            throw CellFailure("RuntimeEnvError", "Connection '\(name)': " + error.message)
        }
    }

    private func render(_ source: String) throws -> String {
        do {
            return try RuntimeEnvTemplate.render(source, environment: settings.environment)
        } catch {
            throw CellFailure("RuntimeEnvError", error.message)
        }
    }
}
