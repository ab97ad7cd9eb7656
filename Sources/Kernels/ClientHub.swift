import JupyterProtocol

/// Who receives what a kernel sends: a value type, no I/O.
///
/// Replies (shell, control, stdin) go to the session that sent the request;
/// iopub goes to everyone. A session whose last client went away keeps
/// receiving into a bounded buffer that is replayed when it reconnects.
public struct ClientHub<Sink: Sendable>: Sendable {
    public typealias ClientID = Int

    public typealias Limits = ClientHubLimits

    struct Session: Sendable {
        var clients: Set<ClientID> = []
        var buffer = MessageBuffer()
        var detachedAt: Double?
    }

    public struct Delivery: Sendable {
        public let sink: Sink
        public let client: ClientID
    }

    public let limits: Limits
    private var sinks: [ClientID: (session: String, sink: Sink)] = [:]
    private var sessions: [String: Session] = [:]
    private var requestOwners = RecentMap(capacity: 10_000)
    private var nextID: ClientID = 1

    public init(limits: Limits = .init()) {
        self.limits = limits
        self.requestOwners = RecentMap(capacity: limits.trackedRequests)
    }

    public var clientCount: Int { sinks.count }

    /// Adds a client for `session`; returns its id and what the session missed.
    public mutating func attach(session: String, sink: Sink) -> (ClientID, [(Channel, JupyterMessage)]) {
        let id = nextID
        nextID += 1
        sinks[id] = (session, sink)
        var entry = sessions[session] ?? Session()
        let missed = entry.buffer.drain()
        entry.clients.insert(id)
        entry.detachedAt = nil
        sessions[session] = entry
        return (id, missed)
    }

    /// Removes a client; its session starts buffering if it was the last one.
    public mutating func detach(_ client: ClientID, now: Double) {
        guard let (session, _) = sinks.removeValue(forKey: client) else { return }
        sessions[session]?.clients.remove(client)
        if sessions[session]?.clients.isEmpty == true {
            sessions[session]?.detachedAt = now
        }
        expire(now: now)
    }

    /// Notes that `client` sent request `msgID`, so that replies find it.
    public mutating func recordRequest(_ msgID: String, from client: ClientID) {
        guard let session = sinks[client]?.session else { return }
        requestOwners.set(msgID, session)
    }

    /// Where a message from the kernel goes; buffers it for detached sessions.
    public mutating func route(_ channel: Channel, _ message: JupyterMessage) -> [Delivery] {
        if channel == .iopub {
            for name in sessions.keys where sessions[name]?.detachedAt != nil {
                sessions[name]?.buffer.append(channel, message, limits: limits)
            }
            return sinks.map { Delivery(sink: $0.value.sink, client: $0.key) }
        }
        guard let parent = message.parentMsgID, let session = requestOwners.get(parent),
              let entry = sessions[session]
        else { return [] }
        if entry.clients.isEmpty {
            sessions[session]?.buffer.append(channel, message, limits: limits)
            return []
        }
        return entry.clients.compactMap { id in sinks[id].map { Delivery(sink: $0.sink, client: id) } }
    }

    /// Everyone connected, for status messages the runtime itself sends.
    public func everyone() -> [Delivery] {
        sinks.map { Delivery(sink: $0.value.sink, client: $0.key) }
    }

    /// Drops detached sessions that waited too long, and the oldest beyond the limit.
    public mutating func expire(now: Double) {
        let detached = sessions.filter { $0.value.detachedAt != nil }
        let stale = detached.filter { now - ($0.value.detachedAt ?? now) > limits.detachedSeconds }.map(\.key)
        for name in stale { sessions.removeValue(forKey: name) }
        let remaining = detached.filter { !stale.contains($0.key) }
            .sorted { ($0.value.detachedAt ?? 0) < ($1.value.detachedAt ?? 0) }
        for (name, _) in remaining.prefix(max(0, remaining.count - limits.detachedSessions)) {
            sessions.removeValue(forKey: name)
        }
    }
}

/// Bounds on what a kernel's client hub keeps.
public struct ClientHubLimits: Sendable {
    public var bufferedMessages = 10_000
    public var bufferedBytes = 64 << 20
    public var detachedSessions = 32
    public var detachedSeconds: Double = 600
    public var trackedRequests = 10_000
    public init() {}
}

/// The bounded buffer of one detached session, oldest dropped first.
struct MessageBuffer: Sendable {
    private var items: [(Channel, JupyterMessage)] = []
    private var bytes = 0
    private var start = 0

    mutating func append(_ channel: Channel, _ message: JupyterMessage, limits: ClientHubLimits) {
        items.append((channel, message))
        bytes += message.byteCount
        while items.count - start > limits.bufferedMessages || (bytes > limits.bufferedBytes && items.count - start > 1) {
            bytes -= items[start].1.byteCount
            start += 1
        }
        // Dropped messages stay referenced until compaction: compact once
        // they are half of the array (amortised O(1)).
        if start > 0, start * 2 >= items.count {
            items.removeFirst(start)
            start = 0
        }
    }

    mutating func drain() -> [(Channel, JupyterMessage)] {
        defer { items = []; bytes = 0; start = 0 }
        return Array(items[start...])
    }
}

/// A map that remembers the most recent `capacity` keys.
struct RecentMap: Sendable {
    private var values: [String: String] = [:]
    private var order: [String] = []
    private var start = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func get(_ key: String) -> String? { values[key] }

    mutating func set(_ key: String, _ value: String) {
        if values.updateValue(value, forKey: key) == nil { order.append(key) }
        while order.count - start > capacity {
            values.removeValue(forKey: order[start])
            start += 1
        }
        if start > 4096 {
            order.removeFirst(start)
            start = 0
        }
    }
}
