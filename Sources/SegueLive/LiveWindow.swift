/// Exact sliding-window aggregates over event time: streams and distinct users in the last N
/// seconds, a leaderboard, per-minute trend lines and spike/drop alerts.
///
/// Events go into one-second buckets as packed (track, user) pairs of interned ids; when a second
/// leaves the window its pairs are subtracted again, so counts are exact at any moment and memory
/// stays flat (bucket storage is reused). Not thread-safe: one owner (a service or an actor) feeds
/// it and takes snapshots. Time is injected: `advance(to:)` moves the window, never a clock.
public struct LiveWindow: Sendable {
    public let windowSeconds: Int
    /// Minutes kept for the trend lines.
    public let trendMinutes: Int
    public var detector: RateAnomalyDetector
    /// One detector per track in the top five when a minute closes (the same settings as `detector`).
    private var trackDetectors: [Int32: RateAnomalyDetector] = [:]
    /// How many top tracks are watched for spikes and drops of their own.
    public static let watchedTracks = 5

    private var buckets: [[UInt64]]
    private var bucketSecond: [Int64]
    /// The newest second the window covers; seconds after it are "future".
    private var now: Int64 = .min

    private var trackIDs: [String: Int32] = [:]
    private var trackNames: [String] = []
    private var trackArtists: [String] = []
    private var trackCounts: [Int32] = []
    private var userIDs: [String: Int32] = [:]
    private var userCounts: [Int32] = []
    private var streams = 0
    private var activeUsers = 0

    private var minutes: [Int64: MinuteTally] = [:]
    private var alerts: [LiveAlert] = []
    private var lastClosedMinute: Int64 = .min
    private(set) var totalEvents = 0
    private(set) var lateEvents = 0

    struct MinuteTally: Sendable {
        var streams = 0
        var users = Set<Int32>()
        /// Streams per track in this minute (for the top tracks' trend lines).
        var tracks: [Int32: Int] = [:]
        /// Distinct users of a closed minute (its set is dropped when it closes).
        var closedUsers: Int?

        var activeUsers: Int { closedUsers ?? users.count }
    }

    /// - Parameters:
    ///   - windowSeconds: the length of the window (600 for "the last 10 minutes").
    ///   - trendMinutes: how many minutes the trend lines show.
    public init(windowSeconds: Int = 600, trendMinutes: Int = 10, detector: RateAnomalyDetector = RateAnomalyDetector()) {
        precondition(windowSeconds > 0 && trendMinutes > 0)
        self.windowSeconds = windowSeconds
        self.trendMinutes = trendMinutes
        self.detector = detector
        buckets = Array(repeating: [], count: windowSeconds)
        bucketSecond = Array(repeating: .min, count: windowSeconds)
    }

    /// Adds one event. Returns false (and counts it as late) when it is older than the window.
    /// An event from the future moves the window forward to it.
    @discardableResult
    public mutating func add(_ event: LiveEvent) -> Bool {
        let second = floorDiv(event.timeMilliseconds, 1000)
        if second > now { advance(to: second) }
        guard second > now - Int64(windowSeconds) else {
            lateEvents += 1
            return false
        }
        let track = intern(track: event.track, artist: event.artist)
        let user = intern(user: event.user)
        let slot = Int(floorMod(second, Int64(windowSeconds)))
        if bucketSecond[slot] != second {
            // The slot still holds an expired second: clear it first (cannot happen after advance).
            expire(slot: slot)
            bucketSecond[slot] = second
        }
        buckets[slot].append(UInt64(UInt32(bitPattern: track)) << 32 | UInt64(UInt32(bitPattern: user)))
        trackCounts[Int(track)] += 1
        if userCounts[Int(user)] == 0 { activeUsers += 1 }
        userCounts[Int(user)] += 1
        streams += 1
        totalEvents += 1
        let minute = floorDiv(second, 60) * 60
        minutes[minute, default: MinuteTally()].streams += 1
        minutes[minute]!.tracks[track, default: 0] += 1
        // A closed minute keeps its distinct-user figure: a late listen adds to its streams only.
        if minutes[minute]!.closedUsers == nil { minutes[minute]!.users.insert(user) }
        return true
    }

    /// Moves the window so that it ends at `second` (seconds since 1970), expiring older seconds
    /// and closing finished minutes (which may raise alerts).
    public mutating func advance(to second: Int64) {
        guard second > now else { return }
        let from = now == .min ? second - Int64(windowSeconds) + 1 : now + 1
        let steps = min(Int64(windowSeconds), second - from + 1)
        var s = second - steps + 1
        while s <= second {
            let slot = Int(floorMod(s, Int64(windowSeconds)))
            expire(slot: slot)
            bucketSecond[slot] = s
            s += 1
        }
        now = second
        closeMinutes(before: floorDiv(second, 60) * 60)
    }

    private mutating func expire(slot: Int) {
        for pair in buckets[slot] {
            let track = Int(UInt32(truncatingIfNeeded: pair >> 32))
            let user = Int(UInt32(truncatingIfNeeded: pair))
            trackCounts[track] -= 1
            userCounts[user] -= 1
            if userCounts[user] == 0 { activeUsers -= 1 }
            streams -= 1
        }
        buckets[slot].removeAll(keepingCapacity: true)
    }

    private mutating func closeMinutes(before minute: Int64) {
        let closing = minutes.keys.filter { $0 < minute && $0 > lastClosedMinute }.sorted()
        for m in closing {
            // Minutes with no events in between still count as zero for the detector.
            if lastClosedMinute != .min {
                var gap = lastClosedMinute + 60
                while gap < m {
                    if let alert = detector.observe(minute: gap, streams: 0) { record(alert) }
                    gap += 60
                }
            }
            if let alert = detector.observe(minute: m, streams: minutes[m]!.streams) { record(alert) }
            watchTopTracks(closing: m)
            lastClosedMinute = m
        }
        // Keep only what the trend shows; closed minutes keep their counts, not their user sets.
        let oldest = minute - Int64(trendMinutes - 1) * 60
        for m in minutes.keys where m < oldest { minutes[m] = nil }
        for m in closing where m >= oldest {
            minutes[m]!.closedUsers = minutes[m]!.users.count
            minutes[m]!.users = []
        }
    }

    /// Feeds the closing minute of each top track to its detector. A track new to the top gets a
    /// detector primed with the minutes still kept, so it does not start without a baseline.
    private mutating func watchTopTracks(closing m: Int64) {
        let top = topTracks(Self.watchedTracks).map { Int32($0.0) }
        var watched: [Int32: RateAnomalyDetector] = [:]
        for id in top {
            var d: RateAnomalyDetector
            if let existing = trackDetectors[id] {
                d = existing
            } else {
                d = detector.reset()
                for earlier in minutes.keys.sorted() where earlier < m {
                    _ = d.observe(minute: earlier, streams: minutes[earlier]?.tracks[id] ?? 0)
                }
            }
            if var alert = d.observe(minute: m, streams: minutes[m]?.tracks[id] ?? 0) {
                alert.track = trackNames[Int(id)]
                alert.artist = trackArtists[Int(id)]
                record(alert)
            }
            watched[id] = d
        }
        trackDetectors = watched
    }

    private mutating func record(_ alert: LiveAlert) {
        alerts.append(alert)
        if alerts.count > 20 { alerts.removeFirst(alerts.count - 20) }
    }

    private mutating func intern(track: String, artist: String) -> Int32 {
        let key = artist.isEmpty ? track : artist + "\u{1F}" + track
        if let id = trackIDs[key] { return id }
        let id = Int32(trackNames.count)
        trackIDs[key] = id
        trackNames.append(track)
        trackArtists.append(artist)
        trackCounts.append(0)
        return id
    }

    private mutating func intern(user: String) -> Int32 {
        if let id = userIDs[user] { return id }
        let id = Int32(userCounts.count)
        userIDs[user] = id
        userCounts.append(0)
        return id
    }

    /// The dashboard's numbers as of the window's end (`advance(to:)` first for "now").
    /// The `k` tracks with the most streams in the window (ties by name): (track id, streams).
    private func topTracks(_ k: Int) -> [(Int, Int32)] {
        var top: [(Int, Int32)] = []
        top.reserveCapacity(k + 1)
        guard k > 0 else { return top }
        for (i, c) in trackCounts.enumerated() where c > 0 {
            if top.count == k {
                let worst = top[top.count - 1]
                guard c > worst.1 || (c == worst.1 && trackNames[i] < trackNames[worst.0]) else { continue }
                top.removeLast()
            }
            let at = top.firstIndex { c > $0.1 || (c == $0.1 && trackNames[i] < trackNames[$0.0]) } ?? top.count
            top.insert((i, c), at: at)
        }
        return top
    }

    public func snapshot(leaderboardSize: Int = 10) -> LiveSnapshot {
        let top = topTracks(leaderboardSize)
        let currentMinute = now == .min ? 0 : floorDiv(now, 60) * 60
        var trend: [LiveMinute] = []
        if now != .min {
            for k in stride(from: trendMinutes - 1, through: 0, by: -1) {
                let m = currentMinute - Int64(k) * 60
                let tally = minutes[m]
                trend.append(LiveMinute(minute: m, streams: tally?.streams ?? 0, activeUsers: tally?.activeUsers ?? 0))
            }
        }
        let series = top.prefix(5).map { entry in
            LiveTrackSeries(
                track: trackNames[entry.0], artist: trackArtists[entry.0],
                counts: trend.map { minutes[$0.minute]?.tracks[Int32(entry.0)] ?? 0 })
        }
        return LiveSnapshot(
            time: now == .min ? 0 : (now + 1) * 1000, windowSeconds: windowSeconds, streams: streams,
            activeUsers: activeUsers,
            leaderboard: top.map { LiveTrackCount(track: trackNames[$0.0], artist: trackArtists[$0.0], streams: Int($0.1)) },
            trend: trend, alerts: alerts, totalEvents: totalEvents, lateEvents: lateEvents,
            eventsPerSecond: recentRate(), series: series)
    }

    /// Listens per second over the last ten seconds the window covers (fewer for a shorter window).
    private func recentRate() -> Double {
        guard now != .min else { return 0 }
        let span = min(10, windowSeconds)
        var count = 0
        for s in (now - Int64(span) + 1)...now {
            let slot = Int(floorMod(s, Int64(windowSeconds)))
            if bucketSecond[slot] == s { count += buckets[slot].count }
        }
        return Double(count) / Double(span)
    }

    /// True when an event at `milliseconds` would land inside the window (not counted as late).
    public func covers(_ milliseconds: Int64) -> Bool {
        now == .min || floorDiv(milliseconds, 1000) > now - Int64(windowSeconds)
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
@inline(__always) func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
