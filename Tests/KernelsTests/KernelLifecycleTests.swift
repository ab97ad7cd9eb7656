import Testing
@testable import Kernels

@Suite struct KernelLifecycleTests {
    @Test func startsThenBecomesIdleAndBusy() {
        var life = KernelLifecycle()
        #expect(life.state == .starting)
        #expect(life.launched() == .announce(.starting))
        #expect(life.ready() == .announce(.idle))
        #expect(life.reported("busy") == .wait)
        #expect(life.state == .busy)
        #expect(life.reported("idle") == .wait)
        #expect(life.state == .idle)
        #expect(life.ready() == .wait, "ready twice does nothing")
    }

    @Test func statusFromAStartingKernelDoesNotMakeItReady() {
        var life = KernelLifecycle()
        _ = life.launched()
        #expect(life.reported("idle") == .wait)
        #expect(life.state == .starting, "only ready() ends starting, so queued messages get flushed")
        #expect(life.ready() == .announce(.idle))
    }

    @Test func deathRestartsAutomaticallyThenGivesUp() {
        var life = KernelLifecycle(restartLimit: 3, restartWindow: 60)
        _ = life.launched()
        _ = life.ready()
        #expect(life.processExited(now: 0) == .relaunch(delay: 0))
        #expect(life.state == .restarting)
        #expect(life.launched() == .announce(.starting))
        #expect(life.processExited(now: 1) == .relaunch(delay: 0.5))
        _ = life.launched()
        #expect(life.processExited(now: 2) == .relaunch(delay: 1))
        _ = life.launched()
        #expect(life.processExited(now: 3) == .giveUp)
        #expect(life.state == .dead)
        #expect(life.launched() == .wait, "a dead kernel is not relaunched")
        #expect(life.processExited(now: 4) == .wait)
    }

    @Test func restartsOutsideTheWindowDoNotCount() {
        var life = KernelLifecycle(restartLimit: 2, restartWindow: 10)
        _ = life.launched()
        #expect(life.processExited(now: 0) == .relaunch(delay: 0))
        _ = life.launched()
        #expect(life.processExited(now: 5) == .relaunch(delay: 0.5))
        _ = life.launched()
        #expect(life.processExited(now: 100) == .relaunch(delay: 0))
    }

    @Test func requestedRestartRelaunchesWhenTheOldProcessExits() {
        var life = KernelLifecycle()
        _ = life.launched()
        _ = life.ready()
        #expect(life.restartRequested() == .announce(.restarting))
        #expect(life.processExited(now: 0) == .relaunch(delay: 0))
        #expect(life.launched() == .announce(.starting))
        #expect(life.ready() == .announce(.idle))
    }

    @Test func shutdownIsFinal() {
        var life = KernelLifecycle()
        _ = life.launched()
        _ = life.ready()
        #expect(life.shutdownRequested() == .wait)
        #expect(life.state == .terminating)
        #expect(life.processExited(now: 0) == .wait)
        #expect(life.state == .terminated)
        #expect(life.restartRequested() == .wait)
        #expect(life.launched() == .wait)
    }

    @Test func heartbeatLossKillsOnlyARunningKernel() {
        var life = KernelLifecycle(heartbeatLimit: 3)
        _ = life.launched()
        #expect(life.heartbeatMissed(consecutive: 5) == .wait, "a starting kernel is not judged by its heartbeat")
        _ = life.ready()
        #expect(life.heartbeatMissed(consecutive: 2) == .wait)
        #expect(life.heartbeatMissed(consecutive: 3) == .killProcess)
    }

    @Test func failedLaunchesCountTowardsGivingUp() {
        var life = KernelLifecycle(restartLimit: 1)
        #expect(life.launchFailed(now: 0) == .relaunch(delay: 0))
        #expect(life.launchFailed(now: 1) == .giveUp)
    }
}
