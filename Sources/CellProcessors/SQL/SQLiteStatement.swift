import Connections
import Foundation
import Kernels
import NIOCore
import SQLiteNIO

/// One statement on an SQLite file (`path`, relative to `$SPIN_HOME/var/data`).
struct SQLiteStatement {
    let connection: Connection
    let dataFolder: String

    var path: String {
        let path = connection.string("path") ?? ""
        return path.hasPrefix("/") ? path : "\(dataFolder)/\(path)"
    }

    func run(_ sql: String) async throws -> SQLOutcome {
        let path = self.path
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let database: SQLiteConnection
        do {
            database = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw CellFailure("DatabaseError", "Could not open the SQLite database \(path): \(Self.message(error))")
        }
        let collector = RowCollector()
        do {
            try await database.query(sql, []) { row in collector.add(row) }
        } catch {
            try? await database.close()
            throw CellFailure("DatabaseError", Self.message(error))
        }
        try? await database.close()
        return collector.outcome()
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? SQLiteError { return error.message }
        return String(describing: error)
    }
}

/// Gathers SQLite rows, then types each column by the values it holds
/// (SQLite has no column types of its own).
private final class RowCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String] = []
    private var rows: [[SQLiteData]] = []

    func add(_ row: SQLiteRow) {
        lock.withLock {
            if names.isEmpty { names = row.columns.map(\.name) }
            rows.append(row.columns.map(\.data))
        }
    }

    func outcome() -> SQLOutcome {
        lock.withLock {
            guard !names.isEmpty else { return .command("Statement executed; it returned no rows.") }
            let kinds = names.indices.map { column in kind(of: rows.lazy.map { $0[column] }) }
            var builder = ResultTableBuilder(columns: Array(zip(names, kinds)).map { (name: $0.0, kind: $0.1) })
            for row in rows { builder.append(row.map(Self.value)) }
            return .rows(builder.build())
        }
    }

    private func kind(of values: some Sequence<SQLiteData>) -> ColumnKind {
        var kind: ColumnKind?
        for value in values {
            let this: ColumnKind
            switch value {
            case .null: continue
            case .integer: this = .integer
            case .float: this = .float
            case .text: this = .text
            case .blob: this = .bytes
            }
            switch (kind, this) {
            case (nil, _): kind = this
            case (.integer, .float), (.float, .integer): kind = .float
            case (let current?, _) where current != this: return .text
            default: break
            }
        }
        return kind ?? .text
    }

    private static func value(_ data: SQLiteData) -> CellValue {
        switch data {
        case .null: .null
        case .integer(let value): .integer(Int64(value))
        case .float(let value): .float(value)
        case .text(let value): .text(value)
        case .blob(let buffer): .bytes(Array(buffer.readableBytesView))
        }
    }
}
