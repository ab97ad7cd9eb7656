import Foundation
import Kernels
import ProcessSupport

/// A shell cell on `local`: `bash` in a new process group, in the runtime's
/// working directory, its output streamed as it is produced.
struct LocalShell {
    let settings: CellSettings
    static let maxScriptBytes = 1 << 20

    func run(_ script: String, context: CellContext) async throws {
        guard script.utf8.count <= Self.maxScriptBytes else {
            throw CellFailure("ScriptTooLarge", "A shell cell may be at most 1 MiB; put larger scripts in a file and run that.")
        }
        let child = try start(script)
        let ended = EndFlag()
        let exit = Task { () -> ExitStatus in
            let status = await child.process.exitStatus()
            ended.set()
            return status
        }
        await withTaskCancellationHandler {
            await stream(child.pump, until: exit, context: context)
        } onCancel: {
            interrupt(child.process, unless: ended)
        }
        let status = await exit.value
        try Task.checkCancellation()
        switch status {
        case .exited(0):
            return
        case .exited(let code):
            throw CellFailure("ShellError", "The script exited with code \(code).")
        case .signaled(let signal):
            throw CellFailure("ShellError", "The script was stopped by signal \(signal) (\(Self.signalName(signal))).")
        }
    }

    private func start(_ script: String) throws -> (process: ChildProcess, pump: OutputPump) {
        var out: [Int32] = [0, 0]
        var err: [Int32] = [0, 0]
        // Children get only 0–2 (posix_spawn closes the rest), so the pipes
        // need no close-on-exec flag of their own.
        guard pipe(&out) == 0, pipe(&err) == 0 else {
            throw CellFailure("ShellError", "Could not create pipes for the script: \(String(cString: strerror(errno))).")
        }
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(
                executable: ExecutableLookup.find("bash", path: settings.environment["PATH"]) ?? "/bin/bash",
                arguments: ["-c", script], environment: settings.shellEnvironment, outputs: (out[1], err[1])
            )
        } catch {
            for fd in out + err { close(fd) }
            throw CellFailure("ShellError", error.description)
        }
        close(out[1])
        close(err[1])
        let pump = OutputPump(stdout: out[0], stderr: err[0], chunkBytes: settings.streamChunkBytes)
        pump.start()
        return (process, pump)
    }

    /// Publishes output until the pipes close, or shortly after the script
    /// ended when a background process of it keeps them open.
    private func stream(_ pump: OutputPump, until exit: Task<ExitStatus, Never>, context: CellContext) async {
        let watcher = Task {
            _ = await exit.value
            try? await Task.sleep(for: .seconds(1))
            pump.stop()
        }
        let decoders = StreamDecoders()
        for await chunk in pump.chunks {
            let text = decoders.text(chunk.stream.rawValue, chunk.bytes)
            if !text.isEmpty { await context.emit(.stream(name: chunk.stream.rawValue, text: text)) }
            pump.consumed()
        }
        for (name, rest) in decoders.finish() where !rest.isEmpty {
            await context.emit(.stream(name: name, text: rest))
        }
        watcher.cancel()
    }

    /// SIGINT to the script's group, then SIGKILL after the grace period.
    private func interrupt(_ process: ChildProcess, unless ended: EndFlag) {
        guard !ended.isSet else { return }
        process.signalGroup(SIGINT)
        let grace = settings.interruptGrace
        Task {
            try? await Task.sleep(for: .seconds(grace))
            if !ended.isSet { process.signalGroup(SIGKILL) }
        }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        case SIGSEGV: "SIGSEGV"
        case SIGPIPE: "SIGPIPE"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}

/// Set once the child has been reaped, so no signal reaches a reused pid.
final class EndFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
