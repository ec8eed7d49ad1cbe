/// Exact sliding-window aggregates over event time: streams and distinct users in the last N
/// seconds, a leaderboard, per-minute trend lines and spike/drop alerts.
///
/// The window is a ring of buckets (one second each for windows up to 10 minutes, one minute for
/// longer ones, which therefore move by whole minutes). A bucket holds its stream count and its
/// streams per track; when it leaves the window these are subtracted again, so counts are exact at
/// any moment. Distinct users are exact too without keeping any event: each user's latest bucket is
/// remembered and each bucket counts the users whose latest listen is in it, so a user leaves the
/// count only when their latest listen leaves the window. Memory therefore follows the catalog and
/// the listeners, not the number of events. Not thread-safe: one owner (a service or an actor) feeds
/// it and takes snapshots. Time is injected: `advance(to:)` moves the window, never a clock.
public struct LiveWindow: Sendable {
    public let windowSeconds: Int
    /// The bucket length: the granularity at which the window moves.
    public let bucketSeconds: Int
    /// Minutes kept for the trend lines.
    public let trendMinutes: Int
    public var detector: RateAnomalyDetector
    /// One detector per track in the top five when a minute closes (the same settings as `detector`).
    private var trackDetectors: [Int32: RateAnomalyDetector] = [:]
    /// How many top tracks are watched for spikes and drops of their own.
    public static let watchedTracks = 5

    private let bucketCount: Int
    /// The bucket number (time / bucketSeconds) each slot holds, `.min` when empty.
    private var bucketNumber: [Int64]
    private var bucketStreams: [Int]
    private var bucketTracks: [[Int32: Int32]]
    /// Users whose latest listen falls in the bucket.
    private var bucketUsers: [Int32]
    /// The newest second the window covers; seconds after it are "future".
    private var now: Int64 = .min
    private var nowBucket: Int64 = .min
    /// Listens of the last 16 seconds of event time, for the events-per-second figure.
    private var recentSecond = [Int64](repeating: .min, count: 16)
    private var recentCount = [Int](repeating: 0, count: 16)

    /// Track and listener ids, shared with the other windows of a hub (interned once per event).
    public let directory: LiveDirectory
    private var trackNames: [String] { directory.trackNames }
    private var trackArtists: [String] { directory.trackArtists }
    /// Streams per track id in the window (grown as ids appear).
    private var trackCounts: [Int32] = []
    /// Each user's latest bucket number (`.min` before their first listen), while listeners are exact.
    private var userLatest: [Int64] = []
    /// Distinct listeners once the directory hands out hashes instead of ids (then `userLatest`,
    /// `bucketUsers` and `activeUsers` are no longer kept).
    private var userSketch: SlidingHyperLogLog?
    private var streams = 0
    private var activeUsers = 0

    private var minutes: [Int64: MinuteTally] = [:]
    private var alerts: [LiveAlert] = []
    private var lastClosedMinute: Int64 = .min
    /// The first minute the window saw, partial, which no detector is fed.
    private var firstMinute: Int64 = .min
    private(set) var totalEvents = 0
    private(set) var lateEvents = 0
    /// How far behind the window's end an event may be and still count, in its own minute; nil:
    /// anything inside the window counts. Later events are stored, but counted here as late only.
    public var allowedLatenessSeconds: Int64?

    struct MinuteTally: Sendable {
        var streams = 0
        var users = MinuteUsers()
        /// Streams per track in this minute (for the top tracks' trend lines).
        var tracks: [Int32: Int] = [:]
        /// Distinct users of a closed minute (its set is dropped when it closes).
        var closedUsers: Int?

        var activeUsers: Int { closedUsers ?? users.count }

        /// One stream (a single lookup of the minute: this runs for every event in every window).
        mutating func add(track: Int32, user: LiveUserKey) {
            streams += 1
            tracks[track, default: 0] += 1
            // A closed minute keeps its distinct-user figure: a late listen adds to its streams only.
            if closedUsers == nil { users.insert(user) }
        }
    }

    /// - Parameters:
    ///   - windowSeconds: the length of the window (600 for "the last 10 minutes").
    ///   - trendMinutes: how many minutes the trend lines show.
    ///   - bucketSeconds: the bucket length; by default one second up to 10 minutes, a minute beyond.
    ///     It must divide `windowSeconds`.
    ///   - directory: the track and listener ids (a hub shares one between its windows).
    ///   - allowedLatenessSeconds: see `allowedLatenessSeconds`.
    public init(
        windowSeconds: Int = 600, trendMinutes: Int = 10, bucketSeconds: Int? = nil, detector: RateAnomalyDetector = RateAnomalyDetector(),
        directory: LiveDirectory = LiveDirectory(), allowedLatenessSeconds: Int64? = nil
    ) {
        self.directory = directory
        self.allowedLatenessSeconds = allowedLatenessSeconds
        let bucket = bucketSeconds ?? (windowSeconds > 600 && windowSeconds % 60 == 0 ? 60 : 1)
        precondition(windowSeconds > 0 && trendMinutes > 0 && bucket > 0 && windowSeconds % bucket == 0)
        self.windowSeconds = windowSeconds
        self.bucketSeconds = bucket
        self.trendMinutes = trendMinutes
        self.detector = detector
        bucketCount = windowSeconds / bucket
        bucketNumber = Array(repeating: .min, count: bucketCount)
        bucketStreams = Array(repeating: 0, count: bucketCount)
        bucketTracks = Array(repeating: [:], count: bucketCount)
        bucketUsers = Array(repeating: 0, count: bucketCount)
    }

    @inline(__always) private func slotOf(_ bucket: Int64) -> Int { Int(floorMod(bucket, Int64(bucketCount))) }

    /// Adds one event. Returns false (and counts it as late) when it is older than the window.
    /// An event from the future moves the window forward to it.
    @discardableResult
    public mutating func add(_ event: LiveEvent) -> Bool {
        add(track: directory.track(event.track, artist: event.artist), user: directory.user(event.user), timeMilliseconds: event.timeMilliseconds)
    }

    /// Adds one event by the ids `directory` gave its track and listener. `restoring` (stored
    /// events replayed after a restart) skips the lateness limit: they were on time when they came.
    @discardableResult
    mutating func add(track: Int32, user: LiveUserKey, timeMilliseconds: Int64, restoring: Bool = false) -> Bool {
        let second = floorDiv(timeMilliseconds, 1000)
        if second > now { advance(to: second) }
        let bucket = floorDiv(second, Int64(bucketSeconds))
        let oldest = nowBucket - Int64(bucketCount)
        let tooLate = !restoring && allowedLatenessSeconds.map { second < now - $0 } == true
        guard bucket > oldest, !tooLate else {
            lateEvents += 1
            return false
        }
        if Int(track) >= trackCounts.count { trackCounts.append(contentsOf: repeatElement(0, count: Int(track) + 1 - trackCounts.count)) }
        let slot = slotOf(bucket)
        if bucketNumber[slot] != bucket {
            // The slot still holds an expired bucket: clear it first (cannot happen after advance).
            expire(slot: slot)
            bucketNumber[slot] = bucket
        }
        bucketStreams[slot] += 1
        bucketTracks[slot][track, default: 0] += 1
        trackCounts[Int(track)] += 1
        streams += 1
        totalEvents += 1
        if user.id >= 0 {
            let id = Int(user.id)
            if id >= userLatest.count { userLatest.append(contentsOf: repeatElement(.min, count: id + 1 - userLatest.count)) }
            let latest = userLatest[id]
            if latest <= oldest {
                // Not counted in the window (yet, or any more).
                activeUsers += 1
                bucketUsers[slot] += 1
                userLatest[id] = bucket
            } else if bucket > latest {
                bucketUsers[slotOf(latest)] -= 1
                bucketUsers[slot] += 1
                userLatest[id] = bucket
            }
        } else {
            if userSketch == nil { startSketch() }
            userSketch!.insert(hash: user.hash, bucket: bucket)
        }
        let recent = Int(floorMod(second, 16))
        if recentSecond[recent] != second {
            recentSecond[recent] = second
            recentCount[recent] = 0
        }
        recentCount[recent] += 1
        let minute = floorDiv(second, 60) * 60
        minutes[minute, default: MinuteTally()].add(track: track, user: user)
        return true
    }

    /// From exact listeners to the sketches, when the directory has switched to hashes: every
    /// listener still in the window enters the sketch with their latest bucket, and each open
    /// minute's listeners enter its own.
    private mutating func startSketch() {
        let hashes = directory.userHashes
        var sketch = SlidingHyperLogLog(origin: nowBucket - Int64(bucketCount) - 1)
        let oldest = nowBucket - Int64(bucketCount)
        for (id, latest) in userLatest.enumerated() where latest > oldest { sketch.insert(hash: hashes[id], bucket: latest) }
        userSketch = sketch
        userLatest = []
        bucketUsers = Array(repeating: 0, count: bucketCount)
        activeUsers = 0
        for m in minutes.keys where minutes[m]!.closedUsers == nil { minutes[m]!.users.sketch(hashes: hashes) }
    }

    /// Listeners in the window: exact, or the sketch's estimate.
    private var distinctUsers: Int {
        guard let userSketch else { return activeUsers }
        return Int(userSketch.estimate(after: nowBucket - Int64(bucketCount)).rounded())
    }

    /// Moves the window so that it ends at `second` (seconds since 1970), expiring older buckets
    /// and closing finished minutes (which may raise alerts).
    public mutating func advance(to second: Int64) {
        guard second > now else { return }
        let target = floorDiv(second, Int64(bucketSeconds))
        if target > nowBucket {
            let from = nowBucket == .min ? target - Int64(bucketCount) + 1 : nowBucket + 1
            var b = max(from, target - Int64(bucketCount) + 1)
            while b <= target {
                let slot = slotOf(b)
                expire(slot: slot)
                bucketNumber[slot] = b
                b += 1
            }
            nowBucket = target
        }
        now = second
        closeMinutes(before: floorDiv(second, 60) * 60)
    }

    private mutating func expire(slot: Int) {
        if bucketStreams[slot] > 0 {
            streams -= bucketStreams[slot]
            for (track, count) in bucketTracks[slot] { trackCounts[Int(track)] -= count }
            activeUsers -= Int(bucketUsers[slot])
        }
        bucketStreams[slot] = 0
        bucketTracks[slot].removeAll(keepingCapacity: true)
        bucketUsers[slot] = 0
    }

    private mutating func closeMinutes(before minute: Int64) {
        let closing = minutes.keys.filter { $0 < minute && $0 > lastClosedMinute }.sorted()
        for m in closing {
            // The first minute began before the window's first event (the server started, or its replay began,
            // during it): its count is partial and would teach the detectors a level that never was.
            if lastClosedMinute == .min {
                firstMinute = m
                lastClosedMinute = m
                continue
            }
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
            minutes[m]!.users = MinuteUsers()
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
                for earlier in minutes.keys.sorted() where earlier < m && earlier != firstMinute {
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
            activeUsers: distinctUsers,
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
            let slot = Int(floorMod(s, 16))
            if recentSecond[slot] == s { count += recentCount[slot] }
        }
        return Double(count) / Double(span)
    }

    /// True when an event at `milliseconds` would land inside the window (not counted as late).
    public func covers(_ milliseconds: Int64) -> Bool {
        now == .min || floorDiv(floorDiv(milliseconds, 1000), Int64(bucketSeconds)) > nowBucket - Int64(bucketCount)
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
@inline(__always) func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

/// Ids for tracks (artist and title) and listeners, handed out once and shared by the windows of a
/// hub, so an event is interned once however many windows count it. Append-only; like the windows,
/// it has one owner at a time (the hub's actor), which is why it may be shared.
public final class LiveDirectory: @unchecked Sendable {
    private struct TrackKey: Hashable {
        var track: String
        var artist: String
    }
    private var trackIDs: [TrackKey: Int32] = [:]
    private(set) var trackNames: [String] = []
    private(set) var trackArtists: [String] = []
    private var userIDs: [String: Int32] = [:]
    /// How many listeners get exact ids; beyond, listeners are hashed and counted by sketches (the
    /// windows' distinct listeners then have a relative standard error of 0.81 %, a minute's 1.63 %).
    public let exactUserLimit: Int
    /// After the switch: the hash of each listener that had an id, by id (for the windows to move
    /// their exact listeners into their sketches).
    private(set) var userHashes: [UInt64] = []
    public private(set) var hashesUsers = false

    /// A million listeners take about 100 MB of names, ids and per-window latest buckets.
    public static let defaultExactUserLimit = 1_000_000

    public init(exactUserLimit: Int = LiveDirectory.defaultExactUserLimit) {
        self.exactUserLimit = exactUserLimit
    }

    /// The id of a track, new ones numbered from 0.
    public func track(_ track: String, artist: String) -> Int32 {
        let key = TrackKey(track: track, artist: artist)
        if let id = trackIDs[key] { return id }
        let id = Int32(trackNames.count)
        trackIDs[key] = id
        trackNames.append(track)
        trackArtists.append(artist)
        return id
    }

    /// The id of a listener, new ones numbered from 0, or their hash once there are more than
    /// `exactUserLimit` (from then on, for every listener).
    public func user(_ name: String) -> LiveUserKey {
        if hashesUsers { return LiveUserKey(id: -1, hash: HyperLogLog.hash(name)) }
        if let id = userIDs[name] { return LiveUserKey(id: id, hash: 0) }
        guard userIDs.count < exactUserLimit else {
            var hashes = [UInt64](repeating: 0, count: userIDs.count)
            for (known, id) in userIDs { hashes[Int(id)] = HyperLogLog.hash(known) }
            userHashes = hashes
            userIDs = [:]
            hashesUsers = true
            return LiveUserKey(id: -1, hash: HyperLogLog.hash(name))
        }
        let id = Int32(userIDs.count)
        userIDs[name] = id
        return LiveUserKey(id: id, hash: 0)
    }
}
