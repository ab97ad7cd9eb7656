import JupyterProtocol

extension Kernel {
    /// Runs `code` in the kernel on the runtime's own behalf: nothing the
    /// kernel sends about it reaches clients. Returns the reply's content;
    /// throws `CellFailure` when the code raised.
    func executeInternally(_ code: String, silent: Bool, storeHistory: Bool) async throws -> [String: JSONValue] {
        guard lifecycle.isRunning, let sockets else {
            throw CellFailure("KernelNotRunning", "The kernel is \(lifecycle.state.rawValue); restart it to run cells again.")
        }
        let message = factory.make(
            "execute_request",
            content: [
                "code": .string(code), "silent": .bool(silent), "store_history": .bool(storeHistory),
                "user_expressions": [:], "allow_stdin": false, "stop_on_error": false,
            ]
        )
        internalRequests.set(message.msgID, "")
        let reply = try await withCheckedThrowingContinuation { continuation in
            internalExecutions[message.msgID] = continuation
            sockets.send(.shell, frames: codec.encode(message))
        }
        if reply["status"]?.stringValue == "error" {
            throw CellFailure(
                reply["ename"]?.stringValue ?? "Error", reply["evalue"]?.stringValue ?? "",
                traceback: reply["traceback"]?.arrayValue?.compactMap(\.stringValue)
            )
        }
        return reply
    }

    /// The kernel answered one of the runtime's own execute requests.
    func internalExecutionReplied(_ message: JupyterMessage) {
        guard message.msgType == "execute_reply", let parent = message.parentMsgID,
            let continuation = internalExecutions.removeValue(forKey: parent)
        else { return }
        do {
            continuation.resume(returning: try message.decodedContent())
        } catch {
            continuation.resume(throwing: CellFailure("SpinCellError", "The kernel sent an unreadable reply."))
        }
    }

    func failInternalExecutions() {
        let waiting = internalExecutions
        internalExecutions.removeAll()
        for continuation in waiting.values {
            continuation.resume(throwing: CellFailure("KernelDied", "The kernel stopped while the cell was running."))
        }
    }
}
