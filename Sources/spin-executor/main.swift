import ArgumentParser
import Executor
import Foundation
import Logging

/// `spin-executor`: kernels, cell processors and connections behind a Unix
/// socket. Configured from the environment (see docs/configuration.md).
@main
struct SpinExecutor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spin-executor",
        abstract: "Runs Jupyter kernels behind a Jupyter-Server-compatible API on a Unix socket.",
        version: ExecutorServer.version
    )

    func run() async throws {
        MemoryTuning.apply()
        var environment = ProcessInfo.processInfo.environment
        RuntimeLogHandler.bootstrap(environment: environment)
        let logger = Logger(label: "spin.executor")
        do {
            try ParentWatch.start(environment: &environment, logger: logger)
            let configuration = try ExecutorConfiguration(environment: environment)
            try await ExecutorServer(configuration: configuration, logger: logger).run()
        } catch {
            FileHandle.standardError.write(Data("spin-executor: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
