import Synchronization
import Testing
@testable import ZeroMQTransport

@Suite struct IopubGateTests {
    let limits = IopubGate.Limits(pendingBytes: 100, clientBytes: 50)

    /// Counts how often the gate woke the socket thread.
    final class Wakes: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func wake() { count.withLock { $0 += 1 } }
    }

    func gate(_ wakes: Wakes) -> IopubGate {
        let gate = IopubGate(limits: limits)
        gate.setWake(owner: 1) { wakes.wake() }
        return gate
    }

    @Test func withoutClientsOnlyUnhandledMessagesCloseIt() {
        let wakes = Wakes()
        let gate = gate(wakes)
        #expect(gate.mayRead())
        gate.admitted(100)
        #expect(gate.mayRead())
        gate.admitted(1)
        #expect(!gate.mayRead())
        gate.handled(1)
        #expect(gate.isOpen)
        #expect(wakes.value == 1)
    }

    @Test func oneClientBehindClosesItUntilItCatchesUp() {
        let wakes = Wakes()
        let gate = gate(wakes)
        let backlog = gate.makeBacklog()
        #expect(backlog.add(50) == 50)
        #expect(gate.mayRead())
        backlog.add(1)
        #expect(!gate.mayRead())
        backlog.remove(1)
        #expect(gate.mayRead())
        #expect(wakes.value == 1)
    }

    @Test func theFastestClientSetsThePace() {
        let wakes = Wakes()
        let gate = gate(wakes)
        let stalled = gate.makeBacklog()
        let reading = gate.makeBacklog()
        stalled.add(1000)
        #expect(gate.mayRead())
        reading.add(60)
        #expect(!gate.mayRead())
        reading.remove(60)
        #expect(gate.mayRead())
        #expect(wakes.value == 1)
    }

    @Test func aClosedOrDroppedBacklogReleasesTheGate() {
        let wakes = Wakes()
        let gate = gate(wakes)
        let backlog = gate.makeBacklog()
        backlog.add(1000)
        #expect(!gate.mayRead())
        backlog.close()
        #expect(gate.mayRead())
        #expect(wakes.value == 1)
        do {
            let dropped = gate.makeBacklog()
            dropped.add(1000)
            withExtendedLifetime(dropped) { #expect(!gate.mayRead()) }
        }
        #expect(gate.mayRead())
        #expect(wakes.value == 2)
    }

    @Test func noWakeWhenNobodyWaitsAndNoneAfterTheThreadEnded() {
        let wakes = Wakes()
        let gate = gate(wakes)
        let backlog = gate.makeBacklog()
        backlog.add(1000)
        backlog.remove(1000)
        #expect(wakes.value == 0)
        backlog.add(1000)
        #expect(!gate.mayRead())
        gate.clearWake(owner: 1)
        backlog.remove(1000)
        #expect(wakes.value == 0)
    }

    @Test func costCountsEveryFramePlusOverhead() {
        #expect(IopubGate.cost(of: [[1, 2], [3]]) == 3 + IopubGate.perMessageOverhead)
    }
}
