import Foundation
import JupyterProtocol
import ZeroMQTransport

extension Kernel {
    /// An `execute_request` from a client joins the kernel's cell queue.
    func enqueueCell(_ message: JupyterMessage) {
        let entry: CellQueue.Entry
        do {
            if let typed = try TypedCellRequest.parse(message) {
                entry = .typed(typed)
            } else {
                executions.began(message.msgID)
                entry = .python(message)
            }
        } catch {
            entry = .typed(TypedCellRequest(invalid: message, reason: error.message))
        }
        apply(cells.enqueue(entry, typedMayStart: typedCellsMayStart))
    }

    var typedCellsMayStart: Bool { lifecycle.isRunning || lifecycle.isOver }

    /// Moves the queue on after a cell finished or the kernel came back.
    func advanceCells() {
        apply(cells.advance(typedMayStart: typedCellsMayStart))
    }

    private func apply(_ steps: [CellQueue.Step]) {
        for step in steps {
            switch step {
            case .forward(let message): forwardToKernel(.shell, message)
            case .start(let cell): startTypedCell(cell)
            }
        }
    }

    /// Watches what the kernel sends for the ends of queued Python cells.
    func trackCellProgress(_ channel: Channel, _ message: JupyterMessage, executionState: String?, replyStatus: String?) {
        guard let parent = message.parentMsgID else { return }
        if channel == .iopub, executionState == "idle", cells.kernelFinished(parent) {
            advanceCells()
        } else if replyStatus == "error", let request = cells.pythonRequest(parent),
            (try? request.decodedContent()["stop_on_error"]?.boolValue) != false
        {
            abortWaitingCells()
        }
    }

    /// The kernel process is gone: cells it held will not finish.
    func cellsLostKernel() {
        cells.kernelLost(except: Set(waitingForKernel.map { $0.1.msgID }))
        failInternalExecutions()
    }

    /// Interrupt also stops a running typed cell.
    func interruptTypedCell() {
        typedCellTask?.cancel()
    }

    private func startTypedCell(_ cell: TypedCellRequest) {
        deliver(.iopub, TypedCellMessages.status("busy", cell, factory))
        typedCellTask = Task { await self.runTypedCell(cell) }
    }

    private func runTypedCell(_ cell: TypedCellRequest) async {
        let started = ContinuousClock.now
        var count: Int64?
        var failure: CellFailure?
        do {
            if let problem = cell.problem { throw CellFailure("SpinCellError", problem) }
            guard lifecycle.isRunning else {
                throw CellFailure("KernelNotRunning", "The kernel is \(lifecycle.state.rawValue); restart it to run cells again.")
            }
            guard let runner = cellRunner else {
                throw CellFailure("SpinCellError", "This runtime has no processor for '\(cell.cellType)' cells.")
            }
            if !cell.silent {
                let number = try await nextExecutionCount(cell)
                count = number
                deliver(.iopub, TypedCellMessages.executeInput(cell, count: number, factory))
            }
            try await runner.run(cell, context: context(for: cell, count: count))
            try Task.checkCancellation()
        } catch let error as CellFailure {
            failure = error
        } catch is CancellationError {
            failure = CellFailure("KeyboardInterrupt", "The cell was interrupted.")
        } catch {
            failure = CellFailure("SpinCellError", String(describing: error))
        }
        finishTypedCell(cell, count: count, failure: failure, elapsed: ContinuousClock.now - started)
    }

    private func finishTypedCell(_ cell: TypedCellRequest, count: Int64?, failure: CellFailure?, elapsed: Duration) {
        if let failure {
            deliver(.iopub, TypedCellMessages.error(failure, cell, factory))
        }
        deliver(.shell, TypedCellMessages.reply(cell, count: count, failure: failure, factory))
        deliver(.iopub, TypedCellMessages.status("idle", cell, factory))
        ExecutionMetrics.typedCellFinished(cell.cellType, failed: failure != nil, elapsed: elapsed)
        typedCellTask = nil
        cells.typedFinished()
        if failure != nil, cell.stopOnError { abortWaitingCells() }
        advanceCells()
    }

    /// After a failed cell, the cells queued behind it are not run
    /// (`stop_on_error`, as ipykernel does): each gets an `aborted` reply.
    private func abortWaitingCells() {
        for entry in cells.abortPending() {
            let cell: TypedCellRequest
            switch entry {
            case .typed(let typed): cell = typed
            case .python(let message): cell = TypedCellRequest(invalid: message, reason: "")
            }
            deliver(.iopub, TypedCellMessages.status("busy", cell, factory))
            deliver(.shell, TypedCellMessages.aborted(cell, factory))
            deliver(.iopub, TypedCellMessages.status("idle", cell, factory))
        }
    }

    private func context(for cell: TypedCellRequest, count: Int64?) -> CellContext {
        CellContext(
            kernelID: id,
            publish: { [weak self, gate = self.iopubGate] output in
                // Typed cells' output is paced like the kernel's: by the clients.
                await gate.waitUntilOpen()
                await self?.publish(output, of: cell, count: count)
            },
            execute: { [weak self] code in
                guard let self else { throw CancellationError() }
                _ = try await self.executeInternally(code, silent: true, storeHistory: false)
            }
        )
    }

    private func publish(_ output: CellOutput, of cell: TypedCellRequest, count: Int64?) {
        deliver(.iopub, TypedCellMessages.output(output, cell, count: count, factory))
    }

    /// The typed cell takes the kernel's next execution count, so numbering
    /// stays continuous across Python and typed cells.
    private func nextExecutionCount(_ cell: TypedCellRequest) async throws -> Int64 {
        let comment = "# spin: \(cell.cellType) cell" + (cell.connection.map { " on \($0)" } ?? "")
        let reply = try await executeInternally(
            String(comment.filter { !$0.isNewline }), silent: false, storeHistory: cell.storeHistory
        )
        return reply["execution_count"]?.intValue ?? 0
    }
}
