/// The live view's single owner: takes events from every ingestion path, keeps one window per
/// supported length (1 m, 5 m, 10 m, 1 h, 24 h), and pushes snapshots to every subscriber (the SSE
/// streams) on each tick.
///
/// Snapshots are pushed, never polled: subscribers get an `AsyncStream` that always holds the
/// newest snapshot of the window they chose (older ones are dropped for slow clients, so a stalled
/// browser never builds a backlog). A tick computes one snapshot per window that has subscribers,
/// however many there are. The clock is injected; `tick()` is driven by a timer service in
/// production and by hand in tests.
public actor LiveHub {
    /// The window lengths the hub keeps, in seconds.
    public static let windowChoices = LiveWindowChoice.all.map(\.seconds)
    /// The window of `subscribe()` and `tick()`'s result.
    public static let defaultWindow = 600

    /// One window per length, shortest first.
    private var windows: [LiveWindow]
    private let now: @Sendable () -> Int64
    private var subscribers: [Int: (window: Int, continuation: AsyncStream<LiveSnapshot>.Continuation)] = [:]
    private var nextID = 0
    private var latest: [Int: LiveSnapshot] = [:]
    /// The most recent listens by arrival, for "playing now" (a small ring).
    private var recent: [LiveNowPlaying] = []
    private var recentNext = 0
    static let recentCapacity = 64

    /// - Parameters:
    ///   - windows: the windows to keep; the default is one per `windowChoices` entry, with trend
    ///     lines as long as the window (at least 10 and at most 60 minutes).
    ///   - restoring: stored listens to rebuild the windows from after a restart, oldest first; each
    ///     goes only into the windows that cover it at the present time, so none counts as late.
    ///   - now: the current time in milliseconds since 1970.
    public init(windows: [LiveWindow]? = nil, restoring: [LiveEvent] = [], now: @escaping @Sendable () -> Int64) {
        var restoration = Restoration(windows: windows, now: now())
        for e in restoring { restoration.add(e) }
        self.init(restored: restoration, now: now)
    }

    /// A hub whose windows were rebuilt by `restored`.
    public init(restored: Restoration, now: @escaping @Sendable () -> Int64) {
        windows = restored.windows
        recent = restored.recent
        recentNext = restored.recentNext
        self.now = now
    }

    /// The windows of a hub being rebuilt from stored listens before the hub starts (after a
    /// restart), one listen at a time, so that memory follows the windows, not the store.
    public struct Restoration: Sendable {
        var windows: [LiveWindow]
        var recent: [LiveNowPlaying] = []
        var recentNext = 0

        /// - Parameters:
        ///   - windows: as for `LiveHub.init`; nil for the standard ones.
        ///   - now: the present, milliseconds since 1970: listens older than a window are not added to it.
        ///   - allowedLatenessSeconds: for the standard windows, how late an event may come and still
        ///     count (see `LiveWindow.allowedLatenessSeconds`); nil: anything inside the window.
        ///   - exactUserLimit: for the standard windows, how many listeners are counted exactly (see
        ///     `LiveDirectory.exactUserLimit`).
        public init(
            windows: [LiveWindow]? = nil, now: Int64, allowedLatenessSeconds: Int64? = nil,
            exactUserLimit: Int = LiveDirectory.defaultExactUserLimit
        ) {
            let shared = LiveDirectory(exactUserLimit: exactUserLimit)
            let list =
                windows
                ?? LiveHub.windowChoices.map {
                    LiveWindow(
                        windowSeconds: $0, trendMinutes: min(60, max(10, $0 / 60)), directory: shared,
                        allowedLatenessSeconds: allowedLatenessSeconds)
                }
            var byLength: [Int: LiveWindow] = [:]
            for w in list where byLength[w.windowSeconds] == nil { byLength[w.windowSeconds] = w }
            precondition(!byLength.isEmpty, "a live hub needs at least one window")
            self.windows = byLength.keys.sorted().map { byLength[$0]! }
            let second = LiveHub.second(now)
            for i in self.windows.indices { self.windows[i].advance(to: second) }
        }

        /// One stored listen, oldest first: it goes only into the windows that cover it, so none counts as late.
        public mutating func add(_ e: LiveEvent) {
            for i in windows.indices where windows[i].covers(e.timeMilliseconds) {
                let directory = windows[i].directory
                windows[i].add(
                    track: directory.track(e.track, artist: e.artist), user: directory.user(e.user), timeMilliseconds: e.timeMilliseconds,
                    restoring: true)
            }
            let entry = LiveNowPlaying(user: e.user, track: e.track, artist: e.artist, time: e.timeMilliseconds)
            if recent.count < LiveHub.recentCapacity {
                recent.append(entry)
            } else {
                recent[recentNext] = entry
            }
            recentNext = (recentNext + 1) % LiveHub.recentCapacity
        }
    }

    /// Adds events (from the ListenBrainz API, the bulk API or the simulator). Returns how many fell
    /// inside the default window.
    @discardableResult
    public func ingest(_ events: [LiveEvent]) -> Int {
        var accepted = 0
        // Interned once, counted by every window (windows given to `init` may have directories of
        // their own; then each interns for itself).
        let shared = windows.allSatisfy { $0.directory === windows[0].directory }
        if shared {
            let directory = windows[0].directory
            let ids = events.map { (directory.track($0.track, artist: $0.artist), directory.user($0.user), $0.timeMilliseconds) }
            for i in windows.indices {
                let counted = windows[i].windowSeconds == Self.defaultWindow
                for (track, user, time) in ids {
                    let inside = windows[i].add(track: track, user: user, timeMilliseconds: time)
                    if inside && counted { accepted += 1 }
                }
            }
        } else {
            for i in windows.indices {
                let counted = windows[i].windowSeconds == Self.defaultWindow
                for e in events {
                    let inside = windows[i].add(e)
                    if inside && counted { accepted += 1 }
                }
            }
        }
        remember(events)
        return accepted
    }

    private func remember<S: Sequence<LiveEvent>>(_ events: S) {
        for e in events {
            let entry = LiveNowPlaying(user: e.user, track: e.track, artist: e.artist, time: e.timeMilliseconds)
            if recent.count < Self.recentCapacity {
                recent.append(entry)
            } else {
                recent[recentNext] = entry
            }
            recentNext = (recentNext + 1) % Self.recentCapacity
        }
    }

    /// Each listener's latest listen inside the window, newest first, at most 10.
    private func nowPlaying(windowSeconds: Int, at second: Int64) -> [LiveNowPlaying] {
        let oldest = (second - Int64(windowSeconds) + 1) * 1000
        var seen = Set<String>()
        var result: [LiveNowPlaying] = []
        for entry in recent.sorted(by: { $0.time > $1.time }) where entry.time >= oldest && !seen.contains(entry.user) {
            seen.insert(entry.user)
            result.append(entry)
            if result.count == 10 { break }
        }
        return result
    }

    static func second(_ millis: Int64) -> Int64 { millis >= 0 ? millis / 1000 : (millis - 999) / 1000 }

    /// Moves every window to the present and sends a snapshot to every subscriber. Returns the
    /// default window's snapshot.
    @discardableResult
    public func tick() -> LiveSnapshot {
        let second = advanceAll()
        var wanted = Set(subscribers.values.map(\.window))
        wanted.insert(Self.defaultWindow)
        var fresh: [Int: LiveSnapshot] = [:]
        for key in wanted {
            if let snapshot = makeSnapshot(key, second: second) { fresh[key] = snapshot }
        }
        latest = fresh
        for (_, subscriber) in subscribers {
            if let snapshot = fresh[subscriber.window] { subscriber.continuation.yield(snapshot) }
        }
        return fresh[Self.defaultWindow] ?? makeSnapshot(windows[0].windowSeconds, second: second)!
    }

    private func advanceAll() -> Int64 {
        let second = Self.second(now())
        for i in windows.indices { windows[i].advance(to: second) }
        return second
    }

    private func makeSnapshot(_ windowSeconds: Int, second: Int64) -> LiveSnapshot? {
        guard var snapshot = windows.first(where: { $0.windowSeconds == windowSeconds })?.snapshot() else { return nil }
        snapshot.nowPlaying = nowPlaying(windowSeconds: windowSeconds, at: second)
        return snapshot
    }

    /// The snapshot of one window as of now; nil for a window the hub does not keep.
    public func snapshot(windowSeconds: Int = LiveHub.defaultWindow) -> LiveSnapshot? {
        makeSnapshot(windowSeconds, second: advanceAll())
    }

    /// A stream of snapshots of one window, starting with the current one; it ends when the caller
    /// stops iterating. Nil for a window the hub does not keep.
    public func subscribe(windowSeconds: Int) -> AsyncStream<LiveSnapshot>? {
        guard windows.contains(where: { $0.windowSeconds == windowSeconds }) else { return nil }
        let id = nextID
        nextID += 1
        let (stream, continuation) = AsyncStream<LiveSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        subscribers[id] = (windowSeconds, continuation)
        if let first = latest[windowSeconds] ?? snapshot(windowSeconds: windowSeconds) { continuation.yield(first) }
        return stream
    }

    /// A stream of the default window's snapshots, starting with the latest one.
    public func subscribe() -> AsyncStream<LiveSnapshot> {
        subscribe(windowSeconds: Self.defaultWindow) ?? AsyncStream { $0.finish() }
    }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }

    /// Number of connected subscribers (for metrics).
    public var subscriberCount: Int { subscribers.count }
}
