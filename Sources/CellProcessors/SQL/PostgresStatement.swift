import Connections
import Foundation
import Kernels
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// One statement on a PostgreSQL server, through postgres-nio.
struct PostgresStatement {
    let connection: Connection
    let environment: [String: String]

    func run(_ sql: String) async throws -> SQLOutcome {
        let settings = try PostgresSettings(connection, environment: environment)
        let logger = Logger(label: "spin.sql.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let database: PostgresConnection
        do {
            database = try await PostgresConnection.connect(configuration: settings.configuration, id: 1, logger: logger)
        } catch {
            throw CellFailure("DatabaseError", PostgresErrors.connectMessage(error, settings: settings))
        }
        let collector = PostgresRowCollector()
        do {
            let metadata = try await withTaskCancellationHandler {
                try await database.query(PostgresQuery(unsafeSQL: sql), logger: logger) { row in collector.add(row) }.get()
            } onCancel: {
                database.close().whenComplete { _ in }
            }
            try? await database.close()
            return collector.outcome(commandTag: metadata.command, rows: metadata.rows)
        } catch {
            try? await database.close()
            try Task.checkCancellation()
            throw CellFailure("DatabaseError", PostgresErrors.queryMessage(error))
        }
    }
}

/// Builds the result table as rows arrive (on the connection's event loop).
final class PostgresRowCollector: Sendable {
    private let state = NIOLockedValueBox<(builder: ResultTableBuilder?, kinds: [PostgresColumnKind])>((nil, []))

    func add(_ row: PostgresRow) {
        state.withLockedValue { state in
            if state.builder == nil {
                state.kinds = row.map { PostgresColumnKind($0.dataType) }
                state.builder = ResultTableBuilder(columns: zip(row, state.kinds).map { (name: $0.0.columnName, kind: $0.1.column) })
            }
            var values: [CellValue] = []
            values.reserveCapacity(state.kinds.count)
            for (cell, kind) in zip(row, state.kinds) { values.append(kind.value(cell)) }
            state.builder!.append(values)
        }
    }

    func outcome(commandTag: String, rows: Int?) -> SQLOutcome {
        state.withLockedValue { state in
            if let builder = state.builder { return .rows(builder.build()) }
            if commandTag.hasPrefix("SELECT") || commandTag.hasPrefix("FETCH") || commandTag.hasPrefix("SHOW") {
                return .rows(ResultTableBuilder(columns: []).build())
            }
            return .command(commandTag)
        }
    }
}

/// Why a connection or statement failed, in the database's own words and
/// never with the password.
enum PostgresErrors {
    static func connectMessage(_ error: any Error, settings: PostgresSettings) -> String {
        let target = "\(settings.host):\(settings.port)"
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return "PostgreSQL at \(target) refused the connection: \(message)" }
            if let underlying = psql.underlying { return "Could not connect to PostgreSQL at \(target): \(underlying)" }
            return "Could not connect to PostgreSQL at \(target) (\(psql.code))."
        }
        return "Could not connect to PostgreSQL at \(target): \(error)"
    }

    static func queryMessage(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return String(describing: error) }
        guard let info = psql.serverInfo, let message = info[.message] else {
            return "The query failed (\(psql.code))."
        }
        var text = (info[.severity].map { "\($0): " } ?? "") + message
        if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
        if let detail = info[.detail] { text += "\nDETAIL: \(detail)" }
        if let hint = info[.hint] { text += "\nHINT: \(hint)" }
        if let position = info[.position] { text += "\nat character \(position)" }
        return text
    }
}
