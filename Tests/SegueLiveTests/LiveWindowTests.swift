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
}
