import Testing

@testable import SegueLive

@Suite struct LiveWindowTests {
    let t0: Int64 = 1_700_000_000  // seconds; a minute boundary is at 1_699_999_980

    func event(_ user: String, _ track: String, at second: Int64, ms: Int64 = 0) -> LiveEvent {
        LiveEvent(user: user, track: track, artist: "A", timeMilliseconds: second * 1000 + ms)
    }

    @Test func countsStreamsAndDistinctUsersExactly() {
        var w = LiveWindow(windowSeconds: 600)
        w.add(event("u1", "x", at: t0))
        w.add(event("u1", "y", at: t0 + 1))
        w.add(event("u2", "x", at: t0 + 2))
        let s = w.snapshot()
        #expect(s.streams == 3)
        #expect(s.activeUsers == 2)
        #expect(s.topTrack == LiveTrackCount(track: "x", artist: "A", streams: 2))
        #expect(s.leaderboard.map(\.track) == ["x", "y"])
    }

    @Test func eventsLeaveTheWindowAfterItsLength() {
        var w = LiveWindow(windowSeconds: 600)
        w.add(event("u1", "x", at: t0))
        w.add(event("u2", "y", at: t0 + 300))
        w.advance(to: t0 + 599)
        #expect(w.snapshot().streams == 2)
        w.advance(to: t0 + 600)  // t0 is now 600 s old: out
        #expect(w.snapshot().streams == 1)
        #expect(w.snapshot().activeUsers == 1)
        #expect(w.snapshot().leaderboard.map(\.track) == ["y"])
        w.advance(to: t0 + 5000)  // a long silence empties everything
        let s = w.snapshot()
        #expect(s.streams == 0 && s.activeUsers == 0 && s.leaderboard.isEmpty)
    }

    @Test func lateEventsInsideTheWindowCountAndOlderOnesAreRefused() {
        var w = LiveWindow(windowSeconds: 600)
        w.add(event("u1", "x", at: t0 + 1000))
        let inside = w.add(event("u2", "x", at: t0 + 500))  // 500 s late: inside
        let outside = w.add(event("u3", "x", at: t0 + 400))  // exactly 600 s old: outside
        #expect(inside && !outside)
        let s = w.snapshot()
        #expect(s.streams == 2 && s.activeUsers == 2 && s.lateEvents == 1 && s.totalEvents == 2)
    }

    @Test func theLatenessLimitRefusesEventsInsideTheWindowThatCameTooLate() {
        var w = LiveWindow(windowSeconds: 600, trendMinutes: 10, allowedLatenessSeconds: 120)
        let m0 = (t0 / 60) * 60
        w.add(event("u1", "x", at: m0 + 300))
        let onTime = w.add(event("u2", "x", at: m0 + 180))  // 120 s late: counted, in its own minute
        let tooLate = w.add(event("u3", "y", at: m0 + 179))  // 121 s late: stored by the caller, not counted
        #expect(onTime && !tooLate)
        let s = w.snapshot()
        #expect(s.streams == 2 && s.activeUsers == 2 && s.lateEvents == 1)
        let minutes = Dictionary(uniqueKeysWithValues: s.trend.map { ($0.minute, $0.streams) })
        #expect(minutes[m0 + 180] == 1 && minutes[m0 + 300] == 1)
        #expect(s.leaderboard.map(\.track) == ["x"])
    }

    @Test func eventsReplayedAfterARestartIgnoreTheLatenessLimit() {
        let now = t0 * 1000
        var restoration = LiveHub.Restoration(now: now, allowedLatenessSeconds: 60)
        restoration.add(event("u1", "x", at: t0 - 3000))  // 50 minutes old: in the 1 h and 24 h windows
        restoration.add(event("u2", "x", at: t0 - 30))
        let counts = Dictionary(uniqueKeysWithValues: restoration.windows.map { ($0.windowSeconds, $0.snapshot().streams) })
        #expect(counts == [60: 1, 300: 1, 600: 1, 3600: 2, 86_400: 2])
        // New events that late are refused.
        var w = restoration.windows.first { $0.windowSeconds == 3600 }!
        let counted = w.add(event("u3", "x", at: t0 - 3000))
        #expect(!counted)
    }

    @Test func leaderboardTiesAreByName() {
        var w = LiveWindow()
        for (i, track) in ["c", "a", "b", "a", "c", "d"].enumerated() { w.add(event("u\(i)", track, at: t0)) }
        #expect(w.snapshot(leaderboardSize: 3).leaderboard.map(\.track) == ["a", "c", "b"])
        #expect(w.snapshot(leaderboardSize: 3).leaderboard.map(\.streams) == [2, 2, 1])
    }

    @Test func trendHasOneEntryPerMinuteWithDistinctUsers() {
        var w = LiveWindow(windowSeconds: 600, trendMinutes: 3)
        let m0 = (t0 / 60) * 60
        w.add(event("u1", "x", at: m0))
        w.add(event("u1", "x", at: m0 + 10))
        w.add(event("u2", "x", at: m0 + 70))
        w.advance(to: m0 + 125)
        let trend = w.snapshot().trend
        #expect(trend.map(\.minute) == [m0, m0 + 60, m0 + 120])
        #expect(trend.map(\.streams) == [2, 1, 0])
        #expect(trend.map(\.activeUsers) == [1, 1, 0])
        // A late listen adds to a closed minute's streams.
        w.add(event("u3", "y", at: m0 + 30))
        #expect(w.snapshot().trend.first?.streams == 3)
    }

    @Test func memoryIsReusedAcrossWindows() {
        var w = LiveWindow(windowSeconds: 60)
        for second in 0..<600 {
            for k in 0..<20 { w.add(event("u\(k % 7)", "t\(k % 5)", at: t0 + Int64(second))) }
        }
        let s = w.snapshot()
        #expect(s.streams == 60 * 20)
        #expect(s.activeUsers == 7)
        #expect(s.totalEvents == 600 * 20)
    }
}

@Suite struct LiveWindowAgainstBruteForceTests {
    /// A small seeded generator (64-bit LCG, high bits), so runs repeat.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func unit() -> Double { Double(next()) / Double(1 << 31) }
    }

    /// Random listens (some late, some far ahead), checked after every step against a recount of
    /// every accepted listen: streams, distinct users and per-track counts must match exactly.
    @Test(arguments: [(60, 1), (600, 1), (3600, 60), (7200, 120)])
    func matchesARecount(window: Int, bucket: Int) {
        var w = LiveWindow(windowSeconds: window, bucketSeconds: bucket)
        #expect(w.bucketSeconds == bucket)
        var random = Random(state: UInt64(window))
        var accepted: [(second: Int64, user: String, track: String)] = []
        var now: Int64 = 1_700_000_000
        for step in 0..<3_000 {
            // Mostly forward by up to 5 % of the window, sometimes a late listen up to 1.2 windows back.
            let roll = random.unit()
            var second = now
            if roll < 0.7 {
                now += Int64(random.unit() * Double(window) * 0.05)
                second = now
            } else {
                second = now - Int64(random.unit() * Double(window) * 1.2)
            }
            let user = "u\(random.next() % 40)"
            let track = "t\(random.next() % 12)"
            let inside = w.add(LiveEvent(user: user, track: track, timeMilliseconds: second * 1000 + Int64(step % 1000)))
            let nowBucket = floorDiv(now, Int64(bucket))
            let expectedInside = floorDiv(second, Int64(bucket)) > nowBucket - Int64(window / bucket)
            #expect(inside == expectedInside)
            if inside { accepted.append((second, user, track)) }
            if step % 50 == 0 {
                let live = accepted.filter { floorDiv($0.second, Int64(bucket)) > nowBucket - Int64(window / bucket) }
                let snapshot = w.snapshot(leaderboardSize: 12)
                #expect(snapshot.streams == live.count)
                #expect(snapshot.activeUsers == Set(live.map(\.user)).count)
                var perTrack: [String: Int] = [:]
                for e in live { perTrack[e.track, default: 0] += 1 }
                #expect(Dictionary(uniqueKeysWithValues: snapshot.leaderboard.map { ($0.track, $0.streams) }) == perTrack)
            }
        }
    }

    @Test func aListenerStaysActiveUntilTheirLatestListenLeaves() {
        var w = LiveWindow(windowSeconds: 3600)
        let t0: Int64 = 1_700_000_040  // a minute boundary
        w.add(LiveEvent(user: "ana", track: "a", timeMilliseconds: t0 * 1000))
        w.add(LiveEvent(user: "ana", track: "b", timeMilliseconds: (t0 + 1800) * 1000))
        w.advance(to: t0 + 3599)
        #expect(w.snapshot().streams == 2 && w.snapshot().activeUsers == 1)
        // Minute buckets: the first listen's minute leaves when the hour after it has passed.
        w.advance(to: t0 + 3600)
        #expect(w.snapshot().streams == 1 && w.snapshot().activeUsers == 1)
        w.advance(to: t0 + 1800 + 3600)
        #expect(w.snapshot().streams == 0 && w.snapshot().activeUsers == 0)
    }
}

@Suite struct RateAnomalyDetectorTests {
    @Test func steadyTrafficNeverAlerts() {
        var d = RateAnomalyDetector()
        for (i, n) in [100, 104, 97, 101, 99, 103, 98, 102, 100, 96].enumerated() {
            #expect(d.observe(minute: Int64(i * 60), streams: n) == nil)
        }
    }

    @Test func aSpikeAndADropAreFlagged() {
        var d = RateAnomalyDetector()
        for i in 0..<6 { _ = d.observe(minute: Int64(i * 60), streams: 100 + (i % 2) * 4) }
        let spike = d.observe(minute: 360, streams: 400)
        #expect(spike?.kind == .spike)
        #expect((spike?.baseline ?? 0) > 95 && (spike?.baseline ?? 0) < 110)
        var e = RateAnomalyDetector()
        for i in 0..<6 { _ = e.observe(minute: Int64(i * 60), streams: 100) }
        #expect(e.observe(minute: 360, streams: 5)?.kind == .drop)
    }

    /// A viral minute, then an outage four minutes later: the spike must not widen the baseline so
    /// much that the drop reads as ordinary (the demo crowd's rush and lull, on steady traffic).
    @Test func aDropSoonAfterASpikeIsStillFlagged() {
        var d = RateAnomalyDetector()
        let usual = [2_400, 2_452, 2_371, 2_433, 2_389, 2_410]
        for (i, n) in usual.enumerated() { #expect(d.observe(minute: Int64(i * 60), streams: n) == nil) }
        #expect(d.observe(minute: 360, streams: 6_000)?.kind == .spike)
        for (i, n) in [2_450, 2_380, 2_420].enumerated() { #expect(d.observe(minute: Int64(420 + i * 60), streams: n) == nil) }
        let drop = d.observe(minute: 600, streams: 600)
        #expect(drop?.kind == .drop)
        // The baseline it is measured against is the usual level, not one the spike pulled up.
        #expect(drop.map { $0.baseline > 2_350 && $0.baseline < 2_470 } == true, "\(String(describing: drop))")
    }

    /// A spike in the first minutes, while the baseline is still learnt, teaches it only as far as the threshold:
    /// the spread stays that of the ordinary minutes, so a drop soon after still alerts.
    @Test func anOutlierWhileTheBaselineIsLearntDoesNotDeafenIt() {
        var d = RateAnomalyDetector()
        for i in 0..<3 { _ = d.observe(minute: Int64(i * 60), streams: 100) }
        #expect(d.observe(minute: 180, streams: 1_000)?.kind == .spike)
        for i in 4..<8 { #expect(d.observe(minute: Int64(i * 60), streams: 100 + (i % 2) * 5) == nil) }
        #expect(d.observe(minute: 480, streams: 20)?.kind == .drop)
    }

    @Test func aLastingNewLevelAlertsAFewMinutesThenStops() {
        var d = RateAnomalyDetector()
        for i in 0..<6 { _ = d.observe(minute: Int64(i * 60), streams: 100 + (i % 2) * 4) }
        let alerts = (6..<16).map { d.observe(minute: Int64($0 * 60), streams: 400 + ($0 % 2) * 6) }
        #expect(alerts.prefix(d.newLevelMinutes).allSatisfy { $0?.kind == .spike }, "\(alerts)")
        #expect(alerts.dropFirst(d.newLevelMinutes).allSatisfy { $0 == nil }, "\(alerts)")
        var e = RateAnomalyDetector()
        for i in 0..<6 { _ = e.observe(minute: Int64(i * 60), streams: 100) }
        let drops = (6..<16).map { e.observe(minute: Int64($0 * 60), streams: 5) }
        #expect(drops.compactMap { $0 }.count == e.newLevelMinutes && drops.allSatisfy { $0 == nil || $0?.kind == .drop }, "\(drops)")
    }

    @Test func quietTrafficDoesNotAlertOnNoise() {
        var d = RateAnomalyDetector()
        for (i, n) in [1, 0, 2, 0, 1, 6, 0, 3].enumerated() {
            #expect(d.observe(minute: Int64(i * 60), streams: n) == nil)
        }
    }

    @Test func windowRaisesAlertsWhenMinutesClose() {
        var w = LiveWindow()
        let m0: Int64 = 1_700_000_040
        for minute in 0..<6 {
            for k in 0..<100 { w.add(LiveEvent(user: "u\(k)", track: "t", timeMilliseconds: (m0 + Int64(minute * 60) + Int64(k % 60)) * 1000)) }
        }
        for k in 0..<500 { w.add(LiveEvent(user: "u\(k)", track: "t", timeMilliseconds: (m0 + 360 + Int64(k % 60)) * 1000)) }
        #expect(w.snapshot().alerts.isEmpty)  // the spike minute is still open
        w.advance(to: m0 + 420)
        // All streams, and the only track's own: both spiked.
        #expect(w.snapshot().alerts.map(\.kind) == [.spike, .spike])
        #expect(w.snapshot().alerts.map(\.track) == [nil, "t"])
        #expect(w.snapshot().alerts.allSatisfy { $0.minute == m0 + 360 })
    }

    /// The window's first minute is partial (it started during it): fed to the detector it would read as a
    /// level of 50 a minute, and the jump to the real level would widen the spread so much that a lull four
    /// minutes later passes unnoticed.
    @Test func theFirstPartialMinuteTeachesTheDetectorsNothing() {
        var w = LiveWindow()
        let m0: Int64 = 1_700_000_040
        for k in 0..<50 { w.add(LiveEvent(user: "u\(k)", track: "t", timeMilliseconds: (m0 + 50) * 1000 + Int64(k * 100))) }
        for minute in 1...4 {
            for k in 0..<(2_400 + minute * 7) {
                w.add(LiveEvent(user: "u\(k % 300)", track: "t\(k % 6)", timeMilliseconds: (m0 + Int64(minute * 60)) * 1000 + Int64(k * 24)))
            }
        }
        for k in 0..<600 { w.add(LiveEvent(user: "u\(k % 300)", track: "t\(k % 6)", timeMilliseconds: (m0 + 300) * 1000 + Int64(k * 96))) }
        w.advance(to: m0 + 360)
        let drops = w.snapshot().alerts.filter { $0.kind == .drop && $0.track == nil }
        #expect(drops.map(\.minute) == [m0 + 300], "\(w.snapshot().alerts)")
    }

    @Test func aTopTrackThatSpikesAloneIsNamed() {
        var w = LiveWindow()
        let m0: Int64 = 1_700_000_040
        // Ten tracks at 100 streams a minute each for six minutes; then "t3" alone triples.
        for minute in 0..<7 {
            for track in 0..<10 {
                let n = minute == 6 && track == 3 ? 300 : 100
                for k in 0..<n {
                    w.add(LiveEvent(user: "u\(k)", track: "t\(track)", timeMilliseconds: (m0 + Int64(minute * 60) + Int64(k % 60)) * 1000))
                }
            }
        }
        w.advance(to: m0 + 420)
        let alerts = w.snapshot().alerts
        // 1,200 against 1,000 is within the noise for all streams (the 1.5× floor), not for the track.
        #expect(alerts.count == 1)
        #expect(alerts.first?.track == "t3" && alerts.first?.kind == .spike && alerts.first?.streams == 300)
        #expect(alerts.first.map { $0.baseline > 90 && $0.baseline < 110 } == true)
    }

    /// Twenty minutes of the demo crowd, second by second, through a window: the alerts it raised.
    func demoAlerts(surprises: Bool) -> [LiveAlert] {
        var crowd = LiveSimulator(seed: 7, surprises: surprises)
        var w = LiveWindow()
        let m0: Int64 = 1_700_000_040
        for second in 0..<(20 * 60) {
            let end = (m0 + Int64(second) + 1) * 1000
            for e in crowd.events(endingAt: end, seconds: 1) { w.add(e) }
            w.advance(to: m0 + Int64(second) + 1)
        }
        // The first minutes only build the baseline (the server primes it with ten minutes of history).
        return w.snapshot().alerts.filter { $0.minute >= m0 + 6 * 60 }
    }

    @Test func theDemoCrowdRushesAndLullsSoAlertsAreSeen() {
        // Steady (with its slow swell), the crowd never trips the detector: a demo would show no alert.
        #expect(demoAlerts(surprises: false).isEmpty)
        let alerts = demoAlerts(surprises: true)
        // With surprises, twenty minutes hold two rushes and two lulls: all streams spike and the rushing
        // track spikes on its own; in a lull all streams drop, and so do the top tracks.
        #expect(alerts.contains { $0.kind == .spike && $0.track == nil }, "\(alerts)")
        #expect(alerts.contains { $0.kind == .spike && $0.track != nil }, "\(alerts)")
        #expect(alerts.contains { $0.kind == .drop && $0.track == nil }, "\(alerts)")
        #expect(alerts.contains { $0.kind == .drop && $0.track != nil }, "\(alerts)")
        // Each alert is in the minute of a surprise: a rush's spikes, a lull's drops.
        let crowd = LiveSimulator(surprises: true)
        for alert in alerts {
            let mood = crowd.mood(at: alert.minute * 1000)
            if alert.kind == .drop { #expect(mood == .lull, "\(alert)") } else { #expect(mood != .usual && mood != .lull, "\(alert)") }
        }
        #expect(alerts.count < 20, "now and then, not every minute: \(alerts)")
    }
}
