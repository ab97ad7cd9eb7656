import Logging
import ProcessSupport

/// The gateway's start-up ends once it listens and its executor first answers
/// ready (as `/readyz` checks it), or after a minute without that: it then says
/// so and hands back the pages only start-up used. Checking here, not waiting for
/// the first probe, also runs the readiness path's one-time work (lazy globals,
/// the Swift runtime's first conformance lookups) before the release, so it is
/// not faulted back in for good by the first `/readyz`.
struct StartupCompletion: Sendable {
    let readiness: ReadinessProbe
    let logger: Logger
    var patience: Duration = .seconds(60)
    var interval: Duration = .milliseconds(100)

    func run() async {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if await readiness.check().status == .ok {
                logger.info("executor ready")
                break
            }
            try? await Task.sleep(for: interval)
        }
        StartupPages.releaseAndLog(logger)
    }
}
