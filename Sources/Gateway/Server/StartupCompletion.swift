import Logging
import ProcessSupport
import ServiceLifecycle

/// The gateway's start-up ends once its executor first answers ready (as
/// `/readyz` checks it), or after a minute without that: it then hands back the
/// pages only start-up used. Checking here, not waiting for the first probe,
/// also runs the readiness path's one-time work (lazy globals, the Swift
/// runtime's first conformance lookups) before the release, so the first
/// `/readyz` does not fault it back in for good. A service of its own, so a
/// shutdown meanwhile stops it; it ends when done, which ends nothing else.
struct StartupCompletion: Service {
    let readiness: ReadinessProbe
    let logger: Logger
    var patience: Duration = .seconds(60)
    var interval: Duration = .milliseconds(100)

    func run() async {
        await cancelWhenGracefulShutdown {
            if await self.executorBecameReady() {
                self.logger.info("executor ready")
            } else if Task.isCancelled {
                return
            } else {
                self.logger.warning("executor not ready after \(self.patience); start-up pages released anyway")
            }
            StartupPages.releaseAndLog(self.logger)
        }
    }

    private func executorBecameReady() async -> Bool {
        let deadline = ContinuousClock.now + patience
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if await readiness.check().status == .ok { return true }
            try? await Task.sleep(for: interval)
        }
        return false
    }
}
