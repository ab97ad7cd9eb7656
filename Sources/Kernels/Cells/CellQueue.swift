import JupyterProtocol

/// The order in which one kernel's cells run (SPEC §5): a value type, no I/O.
///
/// Python cells go straight to the kernel, which queues them itself, as long
/// as no typed cell is running or waiting before them. A typed cell starts
/// only once every earlier cell has finished (the kernel said `idle` for
/// it), and the cells after it wait until it has finished, so SQL sees what
/// Python wrote and Python sees what SQL bound.
struct CellQueue: Sendable {
    enum Entry: Sendable {
        case python(JupyterMessage)
        case typed(TypedCellRequest)

        var msgID: String {
            switch self {
            case .python(let message): message.msgID
            case .typed(let cell): cell.message.msgID
            }
        }
    }

    /// What the kernel should do next.
    enum Step: Sendable {
        case forward(JupyterMessage)
        case start(TypedCellRequest)
    }

    private(set) var pending: [Entry] = []
    /// Python cells handed to the kernel that it has not finished.
    private(set) var atKernel: [String: JupyterMessage] = [:]
    private(set) var runningTyped: TypedCellRequest?

    var isEmpty: Bool { pending.isEmpty && atKernel.isEmpty && runningTyped == nil }

    mutating func enqueue(_ entry: Entry, typedMayStart: Bool) -> [Step] {
        pending.append(entry)
        return advance(typedMayStart: typedMayStart)
    }

    /// The kernel went idle after `msgID`; true when it was one of ours.
    mutating func kernelFinished(_ msgID: String) -> Bool {
        atKernel.removeValue(forKey: msgID) != nil
    }

    mutating func typedFinished() {
        runningTyped = nil
    }

    /// The kernel process went away: what it held will never finish.
    mutating func kernelLost(except stillQueued: Set<String>) {
        atKernel = atKernel.filter { stillQueued.contains($0.key) }
    }

    /// Removes every cell not yet started (a cell failed and asked to stop).
    mutating func abortPending() -> [Entry] {
        defer { pending.removeAll() }
        return pending
    }

    /// The Python cell at the kernel, for its reply's `stop_on_error`.
    func pythonRequest(_ msgID: String) -> JupyterMessage? {
        atKernel[msgID]
    }

    /// Moves cells forward as far as the rules allow.
    mutating func advance(typedMayStart: Bool) -> [Step] {
        var steps: [Step] = []
        while runningTyped == nil, let head = pending.first {
            switch head {
            case .python(let message):
                pending.removeFirst()
                atKernel[message.msgID] = message
                steps.append(.forward(message))
            case .typed(let cell):
                guard atKernel.isEmpty, typedMayStart else { return steps }
                pending.removeFirst()
                runningTyped = cell
                steps.append(.start(cell))
            }
        }
        return steps
    }
}
