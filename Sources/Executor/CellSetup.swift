import CellProcessors
import Connections
import Foundation
import Kernels

extension ExecutorServer {
    struct Cells {
        let store: ConnectionStore
        let settings: CellSettings
        /// The runtime's environment plus the runtime's Python folder on `PYTHONPATH`.
        let kernelEnvironment: [String: String]
    }

    /// Opens the connections store, clears leftover result files and installs
    /// the Python modules kernels use (the `requests` hook, the rows loader).
    func prepareCells() throws -> Cells {
        let settings = CellSettings(environment: configuration.environment, home: configuration.home)
        let store: ConnectionStore
        do {
            store = try ConnectionStore(folder: "\(configuration.stateFolder)/connections")
        } catch {
            throw ExecutorConfiguration.Invalid(description: error.message)
        }
        try? FileManager.default.removeItem(atPath: settings.scratchFolder)
        let pythonFolder = "\(configuration.home)/run/kernel-python"
        do {
            try KernelPythonFolder.install(at: pythonFolder, modules: [KernelLoader.moduleName: KernelLoader.source])
        } catch {
            throw ExecutorConfiguration.Invalid(description: "Cannot write the kernels' Python folder \(pythonFolder): \(error.localizedDescription)")
        }
        if (configuration.environment["REQUESTS_CA_BUNDLE"] ?? "").isEmpty {
            logger.warning(
                "REQUESTS_CA_BUNDLE is not set: outbound TLS certificates are not verified (HTTP cells, PostgreSQL TLS, requests in kernels). Set it to a CA file or a c_rehash folder to verify."
            )
        }
        return Cells(
            store: store, settings: settings,
            kernelEnvironment: KernelPythonFolder.environment(configuration.environment, with: pythonFolder)
        )
    }
}
