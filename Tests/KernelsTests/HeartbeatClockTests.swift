import Testing
import ZeroMQTransport

@Suite struct HeartbeatClockTests {
    @Test func pingsThenWaitsForTheAnswer() {
        var clock = HeartbeatClock(interval: 3)
        #expect(clock.tick(now: 0) == .ping)
        #expect(clock.tick(now: 1) == .none)
        #expect(clock.answered() == false)
        #expect(clock.tick(now: 2) == .none)
        #expect(clock.tick(now: 3) == .ping)
    }

    @Test func aLateAnswerIsAMissAndTheNextAnswerRecovers() {
        var clock = HeartbeatClock(interval: 3)
        #expect(clock.tick(now: 0) == .ping)
        #expect(clock.tick(now: 3) == .missed)
        #expect(clock.tick(now: 3) == .ping)
        #expect(clock.answered() == true, "first answer after a miss reports recovery")
    }

    @Test func pollTimeoutFollowsTheNextDeadline() {
        var clock = HeartbeatClock(interval: 2)
        #expect(clock.millisecondsUntilDue(now: 0) == 0)
        _ = clock.tick(now: 0)
        #expect(clock.millisecondsUntilDue(now: 0.5) == 1500)
    }
}
