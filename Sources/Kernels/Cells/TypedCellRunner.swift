import JupyterProtocol

/// Runs typed cells (SQL, shell, HTTP…) for kernels. The kernel sends the
/// message sequence around the cell (busy, execute_input, reply, idle); the
/// runner only produces outputs, or throws `CellFailure`.
public protocol TypedCellRunner: Sendable {
    func run(_ cell: TypedCellRequest, context: CellContext) async throws
}

/// One output of a typed cell, as a kernel would publish it on iopub.
public enum CellOutput: Sendable {
    case stream(name: String, text: String)
    case displayData(data: [String: JSONValue], metadata: [String: JSONValue] = [:])
    /// The cell's result; the kernel adds the execution count.
    case executeResult(data: [String: JSONValue], metadata: [String: JSONValue] = [:])
}

/// A typed cell's error, published as an `error` output and an
/// `execute_reply` with status `error`.
public struct CellFailure: Error, Sendable {
    public let ename: String
    public let evalue: String
    public let traceback: [String]

    public init(_ ename: String, _ evalue: String, traceback: [String]? = nil) {
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback ?? ["\(ename): \(evalue)"]
    }
}

/// What a running typed cell can do with its kernel.
public struct CellContext: Sendable {
    public let kernelID: String
    let publish: @Sendable (CellOutput) async -> Void
    let execute: @Sendable (String) async throws -> Void

    public init(
        kernelID: String,
        publish: @escaping @Sendable (CellOutput) async -> Void,
        execute: @escaping @Sendable (String) async throws -> Void
    ) {
        self.kernelID = kernelID
        self.publish = publish
        self.execute = execute
    }

    /// Sends an output to every client of the kernel, in order.
    public func emit(_ output: CellOutput) async {
        await publish(output)
    }

    /// Runs `code` in the kernel silently (nothing reaches clients); throws
    /// `CellFailure` with the kernel's error when the code raises.
    public func runInKernel(_ code: String) async throws {
        try await execute(code)
    }
}
