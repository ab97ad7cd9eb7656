import Foundation
import Logging
import ProcessSupport

/// Shuts the executor down when the gateway that started it has gone: the
/// gateway passes a lifeline pipe's read end and names it in `SPIN_LIFELINE_FD`.
/// The shutdown is the same graceful one as on SIGTERM, so kernels are stopped
/// and the socket removed, rather than an orphaned executor holding kernels
/// nobody can reach.
///
/// An environment variable rather than a command-line option: declaring one
/// option makes ArgumentParser reflect over the command and run its whole
/// parser at start-up, 0.75 MB more resident memory (bench/findings.md).
public enum ParentWatch {
    /// Takes `SPIN_LIFELINE_FD` out of `environment` and the process's own, so
    /// kernels and cells never see it; when it was set, starts watching.
    public static func start(environment: inout [String: String], logger: Logger) throws(Lifeline.Failure) {
        guard let text = environment.removeValue(forKey: Lifeline.environmentVariable) else { return }
        unsetenv(Lifeline.environmentVariable)
        guard let descriptor = Int32(text), descriptor > 2 else {
            throw Lifeline.Failure(description: "\(Lifeline.environmentVariable) must be a descriptor number above 2, not '\(text.prefix(32))'")
        }
        try Lifeline.watch(descriptor: descriptor) {
            logger.warning("The gateway that started this executor has gone; shutting down")
            kill(getpid(), SIGTERM)
        }
    }
}
