import Testing

@testable import SegueLive

@Suite struct TrafficModelTests {
    typealias Spike = TrafficModel.Spike

    @Test func spikesParse() throws {
        #expect(try Spike(parsing: "1@60s×5") == Spike(target: .rank(1), start: 60, end: 120, factor: 5))
        #expect(try Spike(parsing: "total@2m+30s x0.2") == Spike(target: .total, start: 120, end: 150, factor: 0.2))
        #expect(try Spike(parsing: "Jóga@90*3") == Spike(target: .named("Jóga"), start: 90, end: 150, factor: 3))
        for bad in ["1@60", "@60×2", "1@soon×2", "1@60×-1", "0@60×2", "1@60+0×2", "no-at-sign"] {
            #expect(throws: TrafficModel.Invalid.self, "\(bad)") { try Spike(parsing: bad) }
        }
    }

    @Test func badOptionsAreNamed() {
        #expect(throws: TrafficModel.Invalid(message: "--users must be at least 1")) {
            try TrafficModel(users: 0, tracks: 5, rate: 1)
        }
        #expect(throws: TrafficModel.Invalid.self) {
            try TrafficModel(users: 5, tracks: 5, rate: 1, spikes: [Spike(target: .rank(6), start: 0, end: 1, factor: 2)])
        }
        #expect(throws: TrafficModel.Invalid.self) {
            try TrafficModel(users: 5, tracks: 5, rate: 1, spikes: [Spike(target: .named("Nope"), start: 0, end: 1, factor: 2)])
        }
    }

    /// Streams per track over `seconds` seconds, from second `from` of the run.
    func counts(_ model: inout TrafficModel, from: Double = 0, seconds: Double) -> [String: Int] {
        var result: [String: Int] = [:]
        var t = from
        while t < from + seconds {
            for e in model.events(startingAt: Int64(t * 1000), seconds: 1, elapsed: t) { result[e.track, default: 0] += 1 }
            t += 1
        }
        return result
    }

    @Test func popularityFollowsZipfAndTheRateHolds() throws {
        var model = try TrafficModel(users: 500, tracks: 20, rate: 400, zipf: 1)
        let c = counts(&model, seconds: 100)
        let total = c.values.reduce(0, +)
        // 40,000 expected; Poisson noise is about 200.
        #expect(abs(total - 40_000) < 1_000)
        let first = Double(c[model.catalog[0].track] ?? 0)
        let second = Double(c[model.catalog[1].track] ?? 0)
        let tenth = Double(c[model.catalog[9].track] ?? 0)
        #expect(abs(first / second - 2) < 0.15)
        #expect(abs(first / tenth - 10) < 1.5)
    }

    @Test func aSpikeRaisesOneTrackForItsStretchOnly() throws {
        let spike = try Spike(parsing: "3@10s+10s×6")
        var model = try TrafficModel(users: 100, tracks: 10, rate: 300, zipf: 1, spikes: [spike], seed: 7)
        let third = model.catalog[2].track
        let before = counts(&model, from: 0, seconds: 10)
        let during = counts(&model, from: 10, seconds: 10)
        let after = counts(&model, from: 20, seconds: 10)
        #expect(Double(during[third] ?? 0) > 4 * Double(before[third] ?? 0))
        #expect(Double(after[third] ?? 0) < 1.5 * Double(before[third] ?? 0))
        // The other tracks keep their rate.
        let first = model.catalog[0].track
        #expect(abs(Double(during[first] ?? 0) / Double(before[first] ?? 1) - 1) < 0.2)
    }

    @Test func listenersComeBackAndTheSameSeedGivesTheSameTraffic() throws {
        var a = try TrafficModel(users: 10_000, tracks: 50, rate: 400, seed: 3)
        var b = try TrafficModel(users: 10_000, tracks: 50, rate: 400, seed: 3)
        let first = a.events(startingAt: 0, seconds: 5, elapsed: 0)
        #expect(first == b.events(startingAt: 0, seconds: 5, elapsed: 0))
        // Sessions: about 2,000 events from 10,000 listeners picked at random would come from about
        // 1,810 distinct ones; with sessions, about 1,350 do.
        #expect(first.count > 1_800 && first.count < 2_200)
        #expect(Set(first.map(\.user)).count < first.count * 8 / 10)
        var c = try TrafficModel(users: 10_000, tracks: 50, rate: 400, seed: 4)
        #expect(first != c.events(startingAt: 0, seconds: 5, elapsed: 0))
    }
}
