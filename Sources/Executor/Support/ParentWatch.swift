import Foundation
import Logging
import ProcessSupport

/// Shuts the executor down when the gateway that started it has gone
/// (`--lifeline-fd`, given by the gateway's supervisor): the same graceful
/// shutdown as SIGTERM, so kernels are stopped and the socket removed, rather
/// than an orphaned executor holding kernels nobody can reach.
public enum ParentWatch {
    public static func start(descriptor: Int32, logger: Logger) throws(Lifeline.Failure) {
        try Lifeline.watch(descriptor: descriptor) {
            logger.warning("The gateway that started this executor has gone; shutting down")
            kill(getpid(), SIGTERM)
        }
    }
}
