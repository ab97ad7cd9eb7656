import Synchronization

/// Whether a kernel's socket thread may read more iopub messages: the flow
/// control between the kernel and its clients, counted in bytes.
///
/// Two stages are bounded. Messages read from ZeroMQ but not yet handled by
/// the kernel actor (`admitted` / `handled`), and what each client has
/// queued but not yet written (a `ClientBacklog` per client). The gate
/// closes while the first stage is over its budget, or while *every* client
/// is over its budget: the fastest client sets the pace, so one client that
/// stops reading cannot hold the others back (it grows up to its sink's hard
/// limit and is disconnected). While closed, the socket thread stops polling
/// iopub; libzmq then holds a few messages (`receiveHighWaterMark`) and the
/// kernel's PUB socket the rest.
public final class IopubGate: Sendable {
    public struct Limits: Sendable {
        /// Bytes read from the kernel and not yet handled by the kernel actor.
        public var pendingBytes: Int
        /// Bytes one client may have queued before it counts as behind.
        public var clientBytes: Int

        public init(pendingBytes: Int = 16 << 20, clientBytes: Int = 16 << 20) {
            self.pendingBytes = pendingBytes
            self.clientBytes = clientBytes
        }
    }

    /// What a message costs beyond its bytes (arrays, queue nodes), so that
    /// floods of tiny messages are bounded too.
    public static let perMessageOverhead = 512
    /// How often (ms) the socket thread re-checks a closed gate that no wake may open.
    static let recheckMilliseconds = 20
    /// Messages libzmq may read ahead on the iopub socket while the gate is closed.
    static let receiveHighWaterMark: Int32 = 16

    struct State: Sendable {
        var pendingBytes = 0
        var clients = 0
        var clientsBehind = 0
        /// The socket thread found the gate closed and waits to be woken.
        var readerWaiting = false
        var wake: (@Sendable () -> Void)?
        var wakeOwner = 0
        /// A later stage that is full (the journal writer, behind): polled,
        /// not woken, so the socket thread re-checks often while closed.
        var holdback: (@Sendable () -> Bool)?

        func isOpen(_ limits: Limits) -> Bool {
            pendingBytes <= limits.pendingBytes && (clients == 0 || clientsBehind < clients) && !(holdback?() ?? false)
        }
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = .init()) {
        self.limits = limits
    }

    /// Whether the gate is open now (typed cells wait for this before publishing).
    public var isOpen: Bool { state.withLock { $0.isOpen(limits) } }

    /// What reading `frames` from the kernel costs.
    public static func cost(of frames: [[UInt8]]) -> Int {
        frames.reduce(perMessageOverhead) { $0 + $1.count }
    }

    /// Waits (polling gently) until the gate is open or the task is cancelled.
    public func waitUntilOpen() async {
        while !isOpen, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Also keeps the gate closed while `isFull` says so (checked, not
    /// signalled: the socket thread re-checks every `recheckMilliseconds`).
    public func setHoldback(_ isFull: @escaping @Sendable () -> Bool) {
        state.withLock { $0.holdback = isFull }
    }

    /// A backlog for one client; closing it (or dropping it) removes the client.
    public func makeBacklog() -> ClientBacklog {
        state.withLock { $0.clients += 1 }
        return ClientBacklog(gate: self)
    }

    // MARK: the socket thread

    /// Sets what wakes the socket thread (the current process's sockets);
    /// `owner` identifies them for `clearWake`.
    func setWake(owner: Int, _ wake: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.wake = wake
            state.wakeOwner = owner
        }
    }

    /// The socket thread of `owner` is ending: never call its wake again.
    func clearWake(owner: Int) {
        state.withLock { state in
            guard state.wakeOwner == owner else { return }
            state.wake = nil
        }
    }

    /// True if the socket thread may read; if not, it is woken when that changes.
    func mayRead() -> Bool {
        state.withLock { state in
            let open = state.isOpen(limits)
            state.readerWaiting = !open
            return open
        }
    }

    /// The socket thread read a message of `bytes`.
    func admitted(_ bytes: Int) {
        state.withLock { $0.pendingBytes += bytes }
    }

    // MARK: changes that may open the gate

    /// The kernel actor is done with a message of `bytes`.
    public func handled(_ bytes: Int) {
        update { $0.pendingBytes -= bytes }
    }

    func clientChanged(_ change: (inout State) -> Void) {
        update(change)
    }

    /// Applies `change`; wakes a waiting socket thread if the gate opened.
    /// The wake (an eventfd write) happens under the lock, so that it never
    /// races with `clearWake` and the closing of that descriptor.
    private func update(_ change: (inout State) -> Void) {
        state.withLock { state in
            change(&state)
            guard state.readerWaiting, state.isOpen(limits) else { return }
            state.readerWaiting = false
            state.wake?()
        }
    }
}

/// The bytes one client has queued and not yet written, reported to the
/// kernel's `IopubGate` when they cross its per-client budget.
public final class ClientBacklog: Sendable {
    private struct State: Sendable {
        var bytes = 0
        var behind = false
        var closed = false
    }

    private let gate: IopubGate
    private let state = Mutex(State())

    init(gate: IopubGate) {
        self.gate = gate
    }

    deinit {
        close()
    }

    /// Bytes queued now.
    public var bytes: Int { state.withLock { $0.bytes } }

    /// Counts `bytes` more queued; returns the new total.
    @discardableResult
    public func add(_ bytes: Int) -> Int {
        change(bytes)
    }

    /// Counts `bytes` written (or dropped).
    public func remove(_ bytes: Int) {
        _ = change(-bytes)
    }

    /// The client is gone: it no longer counts, whatever it still holds.
    public func close() {
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            let wasBehind = state.behind
            gate.clientChanged { gateState in
                gateState.clients -= 1
                if wasBehind { gateState.clientsBehind -= 1 }
            }
        }
    }

    /// Crossings are reported under this backlog's lock, so the gate sees
    /// them in the order they happened.
    private func change(_ delta: Int) -> Int {
        let limit = gate.limits.clientBytes
        return state.withLock { state in
            state.bytes += delta
            let behind = state.bytes > limit
            if !state.closed, behind != state.behind {
                state.behind = behind
                gate.clientChanged { $0.clientsBehind += behind ? 1 : -1 }
            }
            return state.bytes
        }
    }
}
