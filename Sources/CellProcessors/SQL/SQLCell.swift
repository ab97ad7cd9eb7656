import Connections
import Foundation
import JupyterProtocol
import Kernels

/// What one SQL statement gave back.
enum SQLOutcome: Sendable {
    case rows(ResultTable)
    /// A statement without rows: its command tag (`INSERT 0 3`) or a summary.
    case command(String)
}

/// A SQL cell: one statement on a `postgres` or `sqlite` connection; the
/// result as a table, and with `variable` bound in the kernel (SPEC §5).
struct SQLCell {
    let connection: Connection?
    let settings: CellSettings

    func run(_ sql: String, variable: String?, context: CellContext) async throws {
        guard let connection else {
            throw CellFailure("ConnectionRequired", "A SQL cell needs metadata.spin.connection: a postgres or sqlite connection.")
        }
        guard !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CellFailure("EmptyStatement", "The SQL cell is empty: write one statement.")
        }
        let outcome: SQLOutcome
        switch connection.type {
        case .postgres:
            outcome = try await PostgresStatement(connection: connection, environment: settings.environment).run(sql)
        case .sqlite:
            outcome = try await SQLiteStatement(connection: connection, dataFolder: settings.dataFolder).run(sql)
        default:
            throw CellFailure(
                "ConnectionTypeMismatch",
                "SQL cells run on postgres or sqlite connections; '\(connection.name)' is a \(connection.type.rawValue) connection."
            )
        }
        switch outcome {
        case .rows(let table):
            if let variable { try await bind(table, to: variable, context: context) }
            await context.emit(.executeResult(data: TableRendering.mimeBundle(table)))
        case .command(let tag):
            await context.emit(.executeResult(data: ["text/plain": .string(tag)]))
        }
    }

    /// Moves the rows into the kernel through a file the kernel reads (and
    /// removes) in one silent execute.
    private func bind(_ table: ResultTable, to variable: String, context: CellContext) async throws {
        let path = try ScratchFolder.newFile(in: settings.scratchFolder, suffix: ".spinrows")
        defer { unlink(path) }
        do {
            try RowsFile.write(table, to: path)
        } catch {
            throw CellFailure("BindError", "Could not write the result for the kernel under \(settings.scratchFolder): \(error).")
        }
        try await context.runInKernel(KernelLoader.bindingCode(variable: variable, path: path))
    }
}
