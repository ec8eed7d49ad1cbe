import Testing

@testable import SegueLive

/// Distinct listeners beyond `LiveDirectory.exactUserLimit`: sketches instead of one entry per
/// listener, within their stated error (HyperLogLog with 2^14 registers: 0.81 % standard error; the
/// bounds below are five standard errors).
@Suite struct DistinctListenersSketchTests {
    let t0: Int64 = 1_700_000_000

    func listen(_ user: Int, at second: Int64) -> LiveEvent {
        LiveEvent(user: "listener-\(user)", track: "t\(user % 50)", artist: "A", timeMilliseconds: second * 1000)
    }

    func within(_ estimate: Int, _ exact: Int, _ tolerance: Double) -> Bool {
        abs(Double(estimate - exact)) <= tolerance * Double(exact)
    }

    @Test func theDirectoryHashesListenersBeyondItsLimit() {
        let directory = LiveDirectory(exactUserLimit: 3)
        #expect(directory.user("a") == LiveUserKey(id: 0, hash: 0))
        #expect(directory.user("b").id == 1 && directory.user("c").id == 2 && directory.user("a").id == 0)
        let d = directory.user("d")
        #expect(d.id == -1 && d.hash == HyperLogLog.hash("d"))
        // From then on every listener, known or not, is a hash; the old ids keep theirs.
        #expect(directory.user("a") == LiveUserKey(id: -1, hash: HyperLogLog.hash("a")))
        #expect(directory.hashesUsers && directory.userHashes == ["a", "b", "c"].map(HyperLogLog.hash))
    }

    @Test func activeListenersAreEstimatedAndLeaveWithTheirBuckets() {
        var w = LiveWindow(windowSeconds: 600, trendMinutes: 10, directory: LiveDirectory(exactUserLimit: 20_000))
        // 60,000 listeners in the first minute (20,000 exact, then the switch), each twice.
        for round in 0..<2 {
            for u in 0..<60_000 { w.add(listen(u, at: t0 + Int64(round))) }
        }
        var s = w.snapshot()
        #expect(s.streams == 120_000)
        #expect(within(s.activeUsers, 60_000, 0.041), "estimate \(s.activeUsers) for 60,000")
        // 30,000 more five minutes later, 10,000 of them already counted.
        for u in 50_000..<80_000 { w.add(listen(u, at: t0 + 300)) }
        s = w.snapshot()
        #expect(within(s.activeUsers, 80_000, 0.041), "estimate \(s.activeUsers) for 80,000")
        // Ten minutes after the first ones, only the later 30,000 are left.
        w.advance(to: t0 + 601)
        s = w.snapshot()
        #expect(s.streams == 30_000)
        #expect(within(s.activeUsers, 30_000, 0.041), "estimate \(s.activeUsers) for 30,000")
        w.advance(to: t0 + 1_000)
        #expect(w.snapshot().activeUsers == 0)
    }

    @Test func minutesCountTheirListenersAcrossTheSwitch() {
        var w = LiveWindow(windowSeconds: 600, trendMinutes: 3, directory: LiveDirectory(exactUserLimit: 5_000))
        let m0 = (t0 / 60) * 60
        for u in 0..<4_000 { w.add(listen(u, at: m0)) }  // exact
        for u in 2_000..<12_000 { w.add(listen(u, at: m0 + 30)) }  // the switch, mid-minute
        for u in 0..<1_000 { w.add(listen(u, at: m0 + 60)) }  // the next minute
        w.advance(to: m0 + 61)
        let trend = Dictionary(uniqueKeysWithValues: w.snapshot().trend.map { ($0.minute, $0.activeUsers) })
        // A minute's sketch has 2^12 registers: 1.63 % standard error.
        #expect(within(trend[m0] ?? 0, 12_000, 0.082), "minute estimate \(trend[m0] ?? 0) for 12,000")
        #expect(within(trend[m0 + 60] ?? 0, 1_000, 0.082), "minute estimate \(trend[m0 + 60] ?? 0) for 1,000")
    }

    @Test func smallCountsStayCloseToExactInTheSketch() {
        // Linear counting: a few hundred listeners are counted nearly exactly.
        var sketch = SlidingHyperLogLog(origin: 0)
        for u in 0..<300 { sketch.insert(hash: HyperLogLog.hash("u\(u)"), bucket: 5) }
        #expect(abs(sketch.estimate(after: 0) - 300) <= 6)
        #expect(sketch.estimate(after: 5) == 0)
    }
}
