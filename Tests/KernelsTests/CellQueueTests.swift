import JupyterProtocol
import Testing
@testable import Kernels

@Suite struct CellQueueTests {
    let factory = MessageFactory(session: "test")

    func python(_ id: String) -> CellQueue.Entry {
        .python(factory.make("execute_request", content: ["code": "1"], msgID: id))
    }

    func typed(_ id: String, _ type: String = "sql") throws -> CellQueue.Entry {
        let message = factory.make(
            "execute_request", content: ["code": "select 1"], metadata: ["spin": ["cell_type": .string(type)]], msgID: id
        )
        return .typed(try #require(try TypedCellRequest.parse(message)))
    }

    func names(_ steps: [CellQueue.Step]) -> [String] {
        steps.map { step in
            switch step {
            case .forward(let message): "forward " + message.msgID
            case .start(let cell): "start " + cell.message.msgID
            }
        }
    }

    @Test func pythonCellsGoStraightToTheKernel() {
        var queue = CellQueue()
        #expect(names(queue.enqueue(python("a"), typedMayStart: true)) == ["forward a"])
        #expect(names(queue.enqueue(python("b"), typedMayStart: true)) == ["forward b"])
        #expect(queue.atKernel.count == 2)
    }

    @Test func typedCellWaitsForEarlierPythonAndHoldsLaterCells() throws {
        var queue = CellQueue()
        _ = queue.enqueue(python("a"), typedMayStart: true)
        #expect(names(queue.enqueue(try typed("s"), typedMayStart: true)).isEmpty)
        #expect(names(queue.enqueue(python("b"), typedMayStart: true)).isEmpty, "b waits behind the SQL cell")
        let finisheda = queue.kernelFinished("a")
        #expect(finisheda)
        #expect(names(queue.advance(typedMayStart: true)) == ["start s"])
        #expect(names(queue.advance(typedMayStart: true)).isEmpty, "nothing moves while s runs")
        queue.typedFinished()
        #expect(names(queue.advance(typedMayStart: true)) == ["forward b"])
        let finishedb = queue.kernelFinished("b")
        #expect(finishedb)
        #expect(queue.isEmpty)
    }

    @Test func typedCellsWaitForARunningKernel() throws {
        var queue = CellQueue()
        #expect(names(queue.enqueue(try typed("s"), typedMayStart: false)).isEmpty)
        #expect(names(queue.advance(typedMayStart: true)) == ["start s"])
    }

    @Test func abortTakesEverythingNotStarted() throws {
        var queue = CellQueue()
        _ = queue.enqueue(try typed("s"), typedMayStart: true)
        _ = queue.enqueue(python("b"), typedMayStart: true)
        _ = queue.enqueue(try typed("t"), typedMayStart: true)
        #expect(queue.abortPending().map(\.msgID) == ["b", "t"])
        queue.typedFinished()
        #expect(queue.isEmpty)
    }

    @Test func aLostKernelReleasesItsCellsButNotTheOnesStillQueued() throws {
        var queue = CellQueue()
        _ = queue.enqueue(python("a"), typedMayStart: true)
        _ = queue.enqueue(python("b"), typedMayStart: true)
        _ = queue.enqueue(try typed("s"), typedMayStart: true)
        queue.kernelLost(except: ["b"])
        #expect(names(queue.advance(typedMayStart: true)).isEmpty, "b was never sent; s still waits for it")
        let finishedb = queue.kernelFinished("b")
        #expect(finishedb)
        #expect(names(queue.advance(typedMayStart: true)) == ["start s"])
    }

    @Test func unknownIdleChangesNothing() {
        var queue = CellQueue()
        let finished = queue.kernelFinished("nope")
        #expect(!finished)
    }

    @Test func parsingMetadataSpin() throws {
        let plain = factory.make("execute_request", content: ["code": "1"])
        #expect(try TypedCellRequest.parse(plain) == nil)
        let pythonTyped = factory.make("execute_request", content: ["code": "1"], metadata: ["spin": ["cell_type": "python"]])
        #expect(try TypedCellRequest.parse(pythonTyped) == nil)
        let sql = factory.make(
            "execute_request", content: ["code": "select 1", "stop_on_error": false],
            metadata: ["spin": ["cell_type": "sql", "connection": "db", "variable": "df"]]
        )
        let cell = try #require(try TypedCellRequest.parse(sql))
        #expect(cell.cellType == "sql" && cell.connection == "db" && cell.variable == "df" && !cell.stopOnError)
        for bad: JSONValue in ["sql", ["cell_type": 3], ["cell_type": "sql", "connection": ["x"]], ["cell_type": .string(String(repeating: "x", count: 300))]] {
            let message = factory.make("execute_request", content: ["code": "1"], metadata: ["spin": bad])
            #expect(throws: TypedCellRequest.Invalid.self) { try TypedCellRequest.parse(message) }
        }
        let noCode = factory.make("execute_request", content: ["code": 5], metadata: ["spin": ["cell_type": "shell"]])
        #expect(throws: TypedCellRequest.Invalid.self) { try TypedCellRequest.parse(noCode) }
    }
}
