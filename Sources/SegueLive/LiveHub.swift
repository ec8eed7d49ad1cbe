/// The live view's single owner: takes events from every ingestion path, keeps the window, and
/// pushes a snapshot to every subscriber (the SSE streams) on each tick.
///
/// Snapshots are pushed, never polled: subscribers get an `AsyncStream` that always holds the
/// newest snapshot (older ones are dropped for slow clients, so a stalled browser never builds a
/// backlog). The clock is injected; `tick()` is driven by a timer service in production and by hand
/// in tests.
public actor LiveHub {
    private var window: LiveWindow
    private let now: @Sendable () -> Int64
    private var subscribers: [Int: AsyncStream<LiveSnapshot>.Continuation] = [:]
    private var nextID = 0
    private var latest: LiveSnapshot?

    /// - Parameter now: the current time in milliseconds since 1970.
    public init(window: LiveWindow = LiveWindow(), now: @escaping @Sendable () -> Int64) {
        self.window = window
        self.now = now
    }

    /// Adds events (from the ListenBrainz API, the bulk API or the simulator). Returns how many fell
    /// inside the window.
    @discardableResult
    public func ingest(_ events: [LiveEvent]) -> Int {
        var accepted = 0
        for e in events where window.add(e) { accepted += 1 }
        return accepted
    }

    /// Moves the window to the present and sends a snapshot to every subscriber.
    @discardableResult
    public func tick() -> LiveSnapshot {
        let t = now()
        window.advance(to: t >= 0 ? t / 1000 : (t - 999) / 1000)
        let snapshot = window.snapshot()
        latest = snapshot
        for (_, continuation) in subscribers { continuation.yield(snapshot) }
        return snapshot
    }

    /// A stream of snapshots, starting with the latest one; it ends when the caller stops iterating.
    public func subscribe() -> AsyncStream<LiveSnapshot> {
        let id = nextID
        nextID += 1
        let (stream, continuation) = AsyncStream<LiveSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        subscribers[id] = continuation
        if let latest { continuation.yield(latest) }
        return stream
    }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }

    /// Number of connected subscribers (for metrics).
    public var subscriberCount: Int { subscribers.count }
}
