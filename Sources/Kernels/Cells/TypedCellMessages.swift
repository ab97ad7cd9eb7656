import JupyterProtocol

/// The messages a typed cell sends, shaped exactly as a kernel's own, so any
/// Jupyter client renders them.
enum TypedCellMessages {
    static func status(_ state: String, _ cell: TypedCellRequest, _ factory: MessageFactory) -> JupyterMessage {
        factory.make("status", content: ["execution_state": .string(state)], parent: cell.message.header)
    }

    static func executeInput(_ cell: TypedCellRequest, count: Int64, _ factory: MessageFactory) -> JupyterMessage {
        factory.make(
            "execute_input", content: ["code": .string(cell.code), "execution_count": .int(count)],
            parent: cell.message.header
        )
    }

    static func output(_ output: CellOutput, _ cell: TypedCellRequest, count: Int64?, _ factory: MessageFactory) -> JupyterMessage {
        switch output {
        case .stream(let name, let text):
            return factory.make(
                "stream", content: ["name": .string(name), "text": .string(text)], parent: cell.message.header
            )
        case .displayData(let data, let metadata):
            return factory.make(
                "display_data", content: ["data": .object(data), "metadata": .object(metadata), "transient": [:]],
                parent: cell.message.header
            )
        case .executeResult(let data, let metadata):
            return factory.make(
                "execute_result",
                content: [
                    "data": .object(data), "metadata": .object(metadata),
                    "execution_count": count.map(JSONValue.int) ?? .null,
                ],
                parent: cell.message.header
            )
        }
    }

    static func error(_ failure: CellFailure, _ cell: TypedCellRequest, _ factory: MessageFactory) -> JupyterMessage {
        factory.make("error", content: .object(errorContent(failure)), parent: cell.message.header)
    }

    static func reply(_ cell: TypedCellRequest, count: Int64?, failure: CellFailure?, _ factory: MessageFactory) -> JupyterMessage {
        var content: [String: JSONValue] = ["execution_count": count.map(JSONValue.int) ?? .null]
        if let failure {
            content.merge(errorContent(failure)) { $1 }
            content["status"] = "error"
        } else {
            content["status"] = "ok"
            content["user_expressions"] = [:]
            content["payload"] = []
        }
        return factory.make(
            "execute_reply", content: .object(content), parent: cell.message.header,
            metadata: ["status": content["status"] ?? "ok", "spin_cell_type": .string(cell.cellType)]
        )
    }

    static func aborted(_ cell: TypedCellRequest, _ factory: MessageFactory) -> JupyterMessage {
        factory.make(
            "execute_reply", content: ["status": "aborted", "execution_count": nil], parent: cell.message.header,
            metadata: ["status": "aborted"]
        )
    }

    private static func errorContent(_ failure: CellFailure) -> [String: JSONValue] {
        [
            "ename": .string(failure.ename), "evalue": .string(failure.evalue),
            "traceback": .array(failure.traceback.map(JSONValue.string)),
        ]
    }
}
