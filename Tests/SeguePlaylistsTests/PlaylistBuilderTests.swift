import Foundation
import SegueModel
import Testing

@testable import SeguePlaylists

/// A library with known features: `artists` artists, each with albums of 5 tracks; tempo, energy,
/// length and an 8-dimensional embedding drawn from a seeded generator.
func generatedLibrary(artists: Int, tracksPerArtist: Int, seed: UInt64 = 7, dimensions: Int = 8) -> [PlaylistTrack] {
    var rng = SplitMix64(seed: seed)
    var out: [PlaylistTrack] = []
    let keys = (1...12).flatMap { ["\($0)A", "\($0)B"] }
    for a in 0..<artists {
        for i in 0..<tracksPerArtist {
            let id = Int64(out.count + 1)
            let bpm = Float(80 + rng.unit() * 80)
            let energy = Float(rng.unit())
            let key = Camelot(keys[Int(rng.next() % 24)])
            let section = PlaylistTrack.Section(bpm: bpm, camelot: key, energy: energy)
            out.append(
                PlaylistTrack(
                    id: id, path: "/music/\(id).flac", artist: "Artist \(a)", title: "Song \(id)", album: "Album \(a)-\(i / 5)",
                    durationSeconds: 150 + rng.unit() * 200, intro: section, outro: section, loudnessLUFS: -14 + rng.unit() * 8,
                    embedding: (0..<dimensions).map { _ in Float(rng.unit() * 2 - 1) }, bpm: bpm, energy: energy))
        }
    }
    return out
}

func spacingBroken(_ tracks: [PlaylistTrack], _ k: Int) -> Bool {
    for i in tracks.indices {
        for j in (i + 1)..<min(tracks.count, i + k + 1) where tracks[i].artist == tracks[j].artist { return true }
    }
    return false
}

@Suite struct ConstraintArithmeticTests {
    /// Every permutation of a small multiset, to check the spacing bound both ways.
    func anyValidOrder(_ counts: [Int], spacing: Int) -> Bool {
        var items = counts.enumerated().flatMap { g, c in Array(repeating: g, count: c) }
        var found = false
        func go(_ k: Int) {
            if found { return }
            if k == items.count {
                found = true
                return
            }
            for i in k..<items.count {
                items.swapAt(k, i)
                let g = items[k]
                if !items[max(0, k - spacing)..<k].contains(g) { go(k + 1) }
                items.swapAt(k, i)
            }
        }
        go(0)
        return found
    }

    @Test func spacingBoundMatchesExhaustiveSearch() {
        for counts in [[3, 1], [2, 2], [3, 2, 1], [3, 3, 2], [4, 1, 1, 1], [2, 2, 2], [3, 1, 1, 1, 1], [1, 1, 1]] {
            for spacing in 1...3 {
                #expect(
                    PlaylistConstraints.spacingFeasible(counts, spacing: spacing) == anyValidOrder(counts, spacing: spacing), "\(counts) k=\(spacing)"
                )
            }
            let largest = PlaylistConstraints.largestSpacing(counts)
            if largest < 10 {
                #expect(anyValidOrder(counts, spacing: largest) && !anyValidOrder(counts, spacing: largest + 1), "\(counts)")
            }
        }
    }

    @Test func mostTracksWithSpacing() {
        // Three artists, ten tracks each, three others between repeats: only three tracks fit.
        #expect(PlaylistConstraints.mostTracks(available: [10, 10, 10], perArtist: nil, spacing: 3) == 3)
        #expect(PlaylistConstraints.mostTracks(available: [10, 10, 10], perArtist: nil, spacing: 2) == 30)
        // One big artist and two singles, never back to back: X a X b X.
        #expect(PlaylistConstraints.mostTracks(available: [100, 1, 1], perArtist: nil, spacing: 1) == 5)
        #expect(PlaylistConstraints.mostTracks(available: [100, 1, 1], perArtist: 2, spacing: 0) == 4)
    }

    @Test func trackRulesNameWhatFailed() {
        var c = PlaylistConstraints()
        c.excludedArtists = ["artist 1"]
        c.tempoRange = 100...120
        c.maxTrackSeconds = 300
        let base = generatedLibrary(artists: 2, tracksPerArtist: 1)[0]
        var t = base
        t.artist = "Artist 1"
        #expect(c.rejection(of: t)?.contains("Artist 1") == true)
        t = base
        t.bpm = 130
        t.durationSeconds = 200
        #expect(c.rejection(of: t)?.contains("130 BPM") == true)
        t.bpm = 110
        t.durationSeconds = 420
        #expect(c.rejection(of: t)?.contains("7:00") == true)
        t.durationSeconds = 299
        #expect(c.rejection(of: t) == nil)
    }
}

@Suite struct SpacedOrderingTests {
    func randomProblem(_ n: Int, groups: Int, spacing: Int, seed: UInt64) -> OrderingProblem {
        var rng = SplitMix64(seed: seed)
        let cost = (0..<n).map { i in (0..<n).map { j in i == j ? 0 : rng.unit() * 10 } }
        return OrderingProblem(cost: cost, groups: (0..<n).map { $0 % groups }, spacing: spacing)
    }

    func bruteForceSpaced(_ p: OrderingProblem) -> Double {
        var best = Double.infinity
        var path: [Int] = []
        var used = [Bool](repeating: false, count: p.count)
        func go(_ c: Double) {
            if c >= best { return }
            if path.count == p.count {
                best = c
                return
            }
            for j in 0..<p.count where !used[j] {
                path.append(j)
                if !p.violatesSpacing(path) {
                    used[j] = true
                    go(c + (path.count > 1 ? p.edge(path[path.count - 2], j) : 0))
                    used[j] = false
                }
                path.removeLast()
            }
        }
        go(0)
        return best
    }

    @Test(arguments: [(8, 3, 2), (9, 3, 1), (8, 4, 3)])
    func exactOrderKeepsSpacingAndIsOptimal(n: Int, groups: Int, spacing: Int) throws {
        for seed in 1...3 {
            let p = randomProblem(n, groups: groups, spacing: spacing, seed: UInt64(seed))
            let order = try PlaylistOrderer().order(p)
            #expect(Set(order).count == n && !p.violatesSpacing(order))
            #expect(abs(p.total(order) - bruteForceSpaced(p)) < 1e-9)
        }
    }

    @Test func localSearchKeepsTightSpacing() throws {
        // Four artists with five tracks each and three others between repeats: only a strict rotation works.
        for seed in 1...4 {
            let p = randomProblem(20, groups: 4, spacing: 3, seed: UInt64(seed))
            let order = try PlaylistOrderer().order(p)
            #expect(Set(order).count == 20 && !p.violatesSpacing(order))
        }
        let loose = randomProblem(60, groups: 10, spacing: 4, seed: 3)
        let order = try PlaylistOrderer().order(loose)
        #expect(Set(order).count == 60 && !loose.violatesSpacing(order))
        // The spacing costs something, but the search still improves on the greedy start.
        let greedy = try #require(
            PlaylistOrderer.nearestNeighbour(loose, start: order[0]) ?? PlaylistOrderer.spacedConstruction(loose, start: order[0]))
        #expect(loose.total(order) <= loose.total(greedy) + 1e-9)
    }

    @Test func impossibleSpacingIsAnErrorWithTheLargestPossible() {
        let p = randomProblem(6, groups: 2, spacing: 0, seed: 1)
        var tight = OrderingProblem(cost: (0..<6).map { i in (0..<6).map { j in p.edge(i, j) } }, groups: [0, 0, 0, 1, 2, 3], spacing: 2)
        #expect(throws: PlaylistError.self) { try PlaylistOrderer().order(tight) }
        do {
            _ = try PlaylistOrderer().order(tight)
        } catch {
            #expect(error.description.contains("3 of them") && error.description.contains("at most 1 between"), "\(error)")
        }
        tight.spacing = 1
        #expect(throws: Never.self) { try PlaylistOrderer().order(tight) }
    }

    @Test func improveComputesMovesCorrectlyWithPositionCosts() throws {
        // After the local search no single reversal or run move helps, checked by recomputing totals in full.
        for seed in 1...4 {
            var rng = SplitMix64(seed: UInt64(seed))
            let n = 16
            let cost = (0..<n).map { i in (0..<n).map { j in i == j ? 0 : rng.unit() * 5 } }
            let place = (0..<n).map { _ in (0..<n).map { _ in rng.unit() * 3 } }
            let p = OrderingProblem(cost: cost, positionCost: place, first: seed % 2 == 0 ? 3 : nil, last: seed > 2 ? 5 : nil)
            var path = try #require(PlaylistOrderer.nearestNeighbour(p, start: p.first ?? 0))
            let before = p.total(path)
            PlaylistOrderer.improve(&path, p)
            let after = p.total(path)
            #expect(after <= before + 1e-9 && Set(path).count == n)
            if let f = p.first { #expect(path.first == f) }
            if let l = p.last { #expect(path.last == l) }
            let lowest = p.first == nil ? 0 : 1
            let highest = p.last == nil ? n - 1 : n - 2
            for i in lowest..<highest {
                for j in (i + 1)...highest {
                    var trial = path
                    trial[i...j].reverse()
                    #expect(p.total(trial) >= after - 1e-9, "reversal \(i)…\(j) would help")
                }
            }
            for i in lowest...highest {
                var rest = path
                let run = rest.remove(at: i)
                for k in lowest...(highest) where k != i {
                    var trial = rest
                    trial.insert(run, at: k)
                    #expect(p.total(trial) >= after - 1e-9, "moving \(i) to \(k) would help")
                }
            }
        }
    }
}

@Suite struct PlaylistBuilderTests {
    @Test func radioKeepsEveryConstraint() throws {
        let library = generatedLibrary(artists: 12, tracksPerArtist: 15)
        var c = PlaylistConstraints()
        c.artistSpacing = 2
        c.maxPerArtist = 3
        c.maxPerAlbum = 2
        c.excludedArtists = ["ARTIST 3"]
        c.excludedAlbums = ["Album 4-0"]
        c.tempoRange = 90...150
        c.maxTrackSeconds = 320
        let seed = try #require(library.first { c.rejection(of: $0) == nil })
        let list = try PlaylistBuilder(library: library, constraints: c).radio(seeds: [seed], length: 20)
        #expect(list.count == 20 && Set(list.map(\.id)).count == 20 && list.first == seed)
        #expect(list.allSatisfy { c.rejection(of: $0) == nil })
        #expect(!list.contains { $0.artist == "Artist 3" || $0.album == "Album 4-0" })
        #expect(Dictionary(grouping: list, by: \.artist).values.allSatisfy { $0.count <= 3 })
        #expect(Dictionary(grouping: list, by: \.album).values.allSatisfy { $0.count <= 2 })
        #expect(!spacingBroken(list, 2))
    }

    @Test func tagExclusionsLeaveTaggedTracksOut() throws {
        var library = generatedLibrary(artists: 6, tracksPerArtist: 6)
        // Every third track is tagged "Metal" (mixed case: tags compare case-insensitively).
        for i in library.indices { library[i].tags = i % 3 == 0 ? ["rock", "metal"] : ["pop"] }
        var c = PlaylistConstraints()
        c.excludedTags = ["METAL"]
        #expect(c.rejection(of: library[0]) == "it is tagged 'metal', an excluded tag")
        #expect(c.rejection(of: library[1]) == nil)
        let seed = library[1]
        let list = try PlaylistBuilder(library: library, constraints: c).radio(seeds: [seed], length: 20)
        #expect(list.count == 20 && !list.contains { $0.tags.contains("metal") })
        // 24 untagged tracks: 25 cannot be made, and the message says the exclusions ruled out 12.
        #expect(throws: PlaylistError.self) { try PlaylistBuilder(library: library, constraints: c).radio(seeds: [seed], length: 25) }
        do {
            _ = try PlaylistBuilder(library: library, constraints: c).radio(seeds: [seed], length: 25)
        } catch {
            #expect(error.description.contains("exclusions rules out 12"), "\(error)")
        }
        let tagged = try #require(library.first { $0.tags.contains("metal") })
        #expect(throws: PlaylistError.self) { try PlaylistBuilder(library: library, constraints: c).order([seed, tagged]) }
    }

    @Test func radioFitsATargetDuration() throws {
        let library = generatedLibrary(artists: 10, tracksPerArtist: 20)
        var c = PlaylistConstraints()
        c.targetDurationSeconds = 3600
        c.durationTolerance = 30
        c.artistSpacing = 1
        let builder = PlaylistBuilder(library: library, constraints: c)
        let byDuration = try builder.radio(seeds: [library[5]], length: nil)
        let total = byDuration.reduce(0) { $0 + $1.durationSeconds }
        #expect(abs(total - 3600) <= 30 && !spacingBroken(byDuration, 1))
        // With a fixed length too, both hold.
        let fixed = try builder.radio(seeds: [library[5]], length: 15)
        #expect(fixed.count == 15 && abs(fixed.reduce(0) { $0 + $1.durationSeconds } - 3600) <= 30)
        // Five tracks cannot last an hour here (the longest are under six minutes).
        let error1 = #expect(throws: PlaylistError.self) { try builder.radio(seeds: [library[5]], length: 5) }
        let text1 = error1?.description ?? ""
        #expect(text1.contains("5-track") && text1.contains("target duration") && text1.contains("closest"), "\(text1)")
    }

    @Test func impossibleSpacingNamesWhatIsPossible() throws {
        // Three artists: three others between repeats leaves room for three tracks only.
        let library = generatedLibrary(artists: 3, tracksPerArtist: 10)
        var c = PlaylistConstraints()
        c.artistSpacing = 3
        let builder = PlaylistBuilder(library: library, constraints: c)
        let error2 = #expect(throws: PlaylistError.self) { try builder.radio(seeds: [library[0]], length: 50) }
        #expect(
            error2?.description.contains("at most 3 tracks possible with no artist repeated within 3 from this library") == true,
            "\(String(describing: error2))")
        let three = try builder.radio(seeds: [library[0]], length: 3)
        #expect(Set(three.map(\.artist)).count == 3)
        // The tempo range rules some out, and the message counts them.
        c.artistSpacing = 0
        c.tempoRange = 100...110
        let error3 = #expect(throws: PlaylistError.self) {
            try PlaylistBuilder(library: library, constraints: c).radio(seeds: [library.first { (100...110).contains($0.bpm) }!], length: 25)
        }
        let text3 = error3?.description ?? ""
        #expect(text3.contains("tempo range rules out") && text3.contains("tracks possible"), "\(text3)")
    }

    @Test func orderModeChecksTheGivenTracks() throws {
        let library = generatedLibrary(artists: 4, tracksPerArtist: 5)
        var c = PlaylistConstraints()
        c.excludedArtists = ["Artist 2"]
        let builder = PlaylistBuilder(library: library, constraints: c)
        let error4 = #expect(throws: PlaylistError.self) { try builder.order(Array(library[8...12])) }
        #expect(
            error4?.description.contains("track 11 (Artist 2 – Song 11) is not allowed: its artist 'Artist 2' is excluded") == true,
            "\(String(describing: error4))")
        var spaced = PlaylistConstraints()
        spaced.artistSpacing = 1
        spaced.maxPerArtist = 2
        let picked = [library[0], library[1], library[5], library[6], library[10], library[15]]
        let order = try PlaylistBuilder(library: library, constraints: spaced).order(picked)
        #expect(Set(order.map(\.id)) == Set(picked.map(\.id)) && !spacingBroken(order, 1))
        let error5 = #expect(throws: PlaylistError.self) {
            try PlaylistBuilder(library: library, constraints: spaced).order(Array(library[0...2]) + [library[5]])
        }
        #expect(error5?.description.contains("3 tracks by Artist 0, over the limit of 2 per artist") == true, "\(String(describing: error5))")
    }

    /// Mean distance of each interior track (normalised) from the segment between the ends.
    func distanceFromLine(_ tracks: [PlaylistTrack], _ a: [Float], _ b: [Float]) -> Double {
        let ua = PlaylistBuilder.unit(a)
        let ub = PlaylistBuilder.unit(b)
        let ab = zip(ub, ua).map(-)
        let abab = ab.reduce(0) { $0 + $1 * $1 }
        return tracks.map { t in
            let u = PlaylistBuilder.unit(t.embedding)
            let f = max(0, min(1, zip(zip(u, ua).map(-), ab).reduce(0) { $0 + $1.0 * $1.1 } / abab))
            let closest = zip(ua, ab).map { $0 + f * $1 }
            return Double(PlaylistBuilder.distance(u, closest))
        }.reduce(0, +) / Double(tracks.count)
    }

    @Test func pathGoesFromAToBAlongTheLine() throws {
        let library = generatedLibrary(artists: 40, tracksPerArtist: 10)
        var rng = SplitMix64(seed: 3)
        for trial in 0..<3 {
            let a = library[trial * 37]
            let b = library[250 + trial * 41]
            var c = PlaylistConstraints()
            c.artistSpacing = trial
            let path = try PlaylistBuilder(library: library, constraints: c).path(from: a, to: b, length: 10)
            #expect(path.count == 10 && path.first == a && path.last == b)
            #expect(Set(path.map(\.id)).count == 10)
            #expect(!spacingBroken(path, trial))
            let inside = Array(path.dropFirst().dropLast())
            let random = (0..<8).map { _ in library[Int(rng.next() % UInt64(library.count))] }
            let near = distanceFromLine(inside, a.embedding, b.embedding)
            let far = distanceFromLine(random, a.embedding, b.embedding)
            #expect(near < far * 0.6, "path \(near) vs random \(far)")
        }
    }

    @Test func pathRefusesBadEnds() throws {
        let library = generatedLibrary(artists: 5, tracksPerArtist: 5)
        let builder = PlaylistBuilder(library: library)
        #expect(throws: PlaylistError.self) { try builder.path(from: library[0], to: library[0], length: 5) }
        var other = library[1]
        other.embedding = [1, 2, 3]
        let error6 = #expect(throws: PlaylistError.self) { try builder.path(from: library[0], to: other, length: 5) }
        #expect(error6?.description.contains("analysed differently") == true, "\(String(describing: error6))")
    }

    func rankCorrelation(_ values: [Float]) -> Double {
        let ranks = values.indices.sorted { values[$0] < values[$1] }.enumerated().reduce(into: [Int](repeating: 0, count: values.count)) {
            $0[$1.element] = $1.offset
        }
        let n = Double(values.count)
        let d2 = ranks.enumerated().reduce(0.0) { $0 + pow(Double($1.offset - $1.element), 2) }
        return 1 - 6 * d2 / (n * (n * n - 1))
    }

    @Test(arguments: [10, 30])
    func energyArcShapesTheOrder(n: Int) throws {
        let library = generatedLibrary(artists: 20, tracksPerArtist: 5, seed: UInt64(n))
        let tracks = Array(library.prefix(n))
        var builder = PlaylistBuilder(library: library)
        let plain = try builder.order(tracks).map(\.energy)
        builder.arc = .rising
        let rising = try builder.order(tracks).map(\.energy)
        builder.arc = .falling
        let falling = try builder.order(tracks).map(\.energy)
        builder.arc = .peak
        let peak = try builder.order(tracks).map(\.energy)
        #expect(rankCorrelation(rising) > 0.8, "\(rising)")
        #expect(rankCorrelation(falling) < -0.8, "\(falling)")
        #expect(rankCorrelation(rising) > rankCorrelation(plain) + 0.2)
        let top = peak.indices.max { peak[$0] < peak[$1] }!
        #expect(top >= n / 4 && top < n - n / 4, "peak at \(top) of \(n)")
        #expect(rankCorrelation(Array(peak[..<(n / 2)])) > 0.5 && rankCorrelation(Array(peak[(n / 2)...])) < -0.5, "\(peak)")
        // Steady: smaller energy steps between neighbours than with no arc.
        builder.arc = .steady
        let steady = try builder.order(tracks).map(\.energy)
        func steps(_ e: [Float]) -> Float { zip(e, e.dropFirst()).reduce(0) { $0 + abs($1.0 - $1.1) } }
        #expect(steps(steady) < steps(plain))
    }
}
