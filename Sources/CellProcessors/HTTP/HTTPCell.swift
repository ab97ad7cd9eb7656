import Connections
import Kernels

/// Temporary until the libcurl transport lands.
struct HTTPCell {
    let connection: Connection?
    let settings: CellSettings

    func run(_ source: String, variable: String?, context: CellContext) async throws {
        throw CellFailure("NotReady", "HTTP cells are not built yet.")
    }

    func probe() async throws -> Int {
        throw CellFailure("NotReady", "HTTP cells are not built yet.")
    }
}
