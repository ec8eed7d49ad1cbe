import Foundation
import SegueModel
import Testing

@testable import SeguePlaylists

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct TransitionCostTests {
    func track(_ id: Int64, bpm: Float, key: String?, lufs: Double = -10, energy: Float = 0.5, embedding: [Float] = [1, 0]) -> PlaylistTrack {
        let section = PlaylistTrack.Section(bpm: bpm, camelot: key.flatMap(Camelot.init), energy: energy)
        return PlaylistTrack(
            id: id, path: "/m/\(id).flac", artist: "A\(id)", title: "T\(id)", durationSeconds: 200, intro: section, outro: section,
            loudnessLUFS: lufs, embedding: embedding)
    }

    @Test func camelotWheel() {
        #expect(Camelot("8A") == Camelot(number: 8, major: false))
        #expect(Camelot("13B") == nil && Camelot("8C") == nil)
        #expect(Camelot("12A")!.steps(to: Camelot("1A")!) == 1)
        #expect(TransitionCost.keyCost(Camelot("8A"), Camelot("8A")) == 0)
        #expect(TransitionCost.keyCost(Camelot("8A"), Camelot("9A")) == 0.2)
        #expect(TransitionCost.keyCost(Camelot("8A"), Camelot("8B")) == 0.2)  // relative major
        #expect(TransitionCost.keyCost(Camelot("8A"), Camelot("9B")) == 0.5)
        #expect(TransitionCost.keyCost(Camelot("8A"), Camelot("2A")) > 0.8)
    }

    @Test func tempoAllowsHalfAndDoubleTime() {
        #expect(TransitionCost.tempoDeviation(120, 120) == 0)
        #expect(abs(TransitionCost.tempoDeviation(120, 60)) < 1e-9)
        #expect(abs(TransitionCost.tempoDeviation(85, 170)) < 1e-9)
        #expect(TransitionCost.tempoCost(120, 126) <= 0.25)  // +5 %: mixable
        #expect(TransitionCost.tempoCost(120, 140) > 0.5)
        #expect(TransitionCost.tempoCost(120, 150) == 1)
    }

    @Test func partsAddUpWithWeights() {
        let a = track(1, bpm: 120, key: "8A", lufs: -8, energy: 0.8, embedding: [1, 0])
        let b = track(2, bpm: 120, key: "8A", lufs: -16, energy: 0.3, embedding: [0, 1])
        let c = TransitionCost(from: a, to: b)
        #expect(c.tempo == 0 && c.key == 0)
        #expect(c.loudness == 1 && abs(c.energy - 1) < 1e-6)
        #expect(abs(c.embedding - 0.5) < 1e-6)
        let w = TransitionCost.Weights()
        #expect(abs(c.total - (w.loudness + w.energy + w.embedding * 0.5)) < 1e-6)
        #expect(TransitionCost(from: a, to: a).total == 0)
    }

    @Test func oneBadPartMakesATransitionRough() throws {
        // A 22 BPM jump between tracks that otherwise match: the total (1.0) is under the total's rough
        // line, but nobody would call the move fair.
        let slow = track(1, bpm: 100, key: "8A")
        let jump = TransitionCost(from: slow, to: track(2, bpm: 122, key: "8A"))
        #expect(jump.total == 1 && jump.grade == .rough)
        #expect(TransitionCost(from: slow, to: track(3, bpm: 102, key: "9A")).grade == .smooth)
        // +8 % and a diagonal key move: fair, not smooth.
        #expect(TransitionCost(from: slow, to: track(4, bpm: 108, key: "9B")).grade == .fair)
        #expect(TransitionCost(from: slow, to: slow).grade == .smooth)
        let encoded = String(decoding: try JSONEncoder().encode(jump), as: UTF8.self)
        #expect(encoded.contains("\"grade\":\"rough\""))
    }
}

@Suite struct PlaylistOrdererTests {
    func randomCosts(_ n: Int, seed: UInt64) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { i in (0..<n).map { j in i == j ? 0 : Double(rng.next() % 1000) / 100 } }
    }

    func bruteForce(_ cost: [[Double]]) -> Double {
        var best = Double.infinity
        func go(_ path: [Int], _ left: Set<Int>, _ c: Double) {
            if c >= best { return }
            if left.isEmpty {
                best = c
                return
            }
            for j in left { go(path + [j], left.subtracting([j]), c + (path.last.map { cost[$0][j] } ?? 0)) }
        }
        go([], Set(cost.indices), 0)
        return best
    }

    @Test(arguments: [3, 5, 7, 8])
    func heldKarpIsOptimal(n: Int) {
        for seed in 1...5 {
            let cost = randomCosts(n, seed: UInt64(seed * 31 + n))
            let order = PlaylistOrderer().order(cost: cost)
            #expect(Set(order) == Set(0..<n) && order.count == n)
            #expect(abs(PlaylistOrderer.pathCost(order, cost) - bruteForce(cost)) < 1e-9)
        }
    }

    @Test func pinnedFirstTrackStaysFirst() {
        let cost = randomCosts(9, seed: 4)
        #expect(PlaylistOrderer().order(cost: cost, first: 5).first == 5)
        #expect(PlaylistOrderer().order(cost: randomCosts(30, seed: 4), first: 7).first == 7)
    }

    @Test func localSearchBeatsGreedyOnLargerSets() {
        var wins = 0
        for seed in 1...5 {
            let cost = randomCosts(40, seed: UInt64(seed))
            let greedy = (0..<40).map { PlaylistOrderer.pathCost(PlaylistOrderer.nearestNeighbour(cost, start: $0), cost) }.min()!
            let order = PlaylistOrderer().order(cost: cost)
            #expect(Set(order).count == 40)
            let c = PlaylistOrderer.pathCost(order, cost)
            #expect(c <= greedy + 1e-9)
            if c < greedy - 1e-9 { wins += 1 }
        }
        #expect(wins >= 3)
    }

    @Test func aKeyLadderComesOutInOrder() {
        // Tracks a step apart on the wheel, shuffled: the smoothest order walks the wheel.
        let keys = ["5A", "6A", "7A", "8A", "9A", "10A"]
        let shuffled = [3, 0, 5, 1, 4, 2]
        let tracks = shuffled.map { i in
            PlaylistTrack(
                id: Int64(i), path: "/\(i)", artist: "A", title: keys[i], durationSeconds: 180,
                intro: .init(bpm: 124, camelot: Camelot(keys[i]), energy: 0.5), outro: .init(bpm: 124, camelot: Camelot(keys[i]), energy: 0.5),
                loudnessLUFS: -9, embedding: [1])
        }
        let cost = tracks.map { a in tracks.map { b in a == b ? 0 : TransitionCost(from: a, to: b).total } }
        let titles = PlaylistOrderer().order(cost: cost).map { tracks[$0].title }
        #expect(titles == keys || titles == keys.reversed())
    }
}

@Suite struct PlaylistExportTests {
    let tracks = [
        PlaylistTrack(
            id: 1, path: "/music/Björk/Post/01 Army of Me.flac", artist: "Björk", title: "Army of Me", album: "Post",
            durationSeconds: 234.4, intro: .init(bpm: 90, camelot: nil, energy: 0.6), outro: .init(bpm: 90, camelot: nil, energy: 0.6),
            loudnessLUFS: -9, embedding: []),
        PlaylistTrack(
            id: 2, path: "/music/Mötley & <Sons>/x.mp3", artist: "Mötley & <Sons>", title: "\"Quote\"", durationSeconds: 61,
            intro: .init(bpm: 90, camelot: nil, energy: 0.6), outro: .init(bpm: 90, camelot: nil, energy: 0.6), loudnessLUFS: -9,
            embedding: []),
    ]

    @Test func m3u8WithDurationsAndRelativePaths() {
        let text = PlaylistExport.render(tracks, format: .m3u8, title: "Mix", relativeTo: "/music/playlists")
        #expect(text.hasPrefix("#EXTM3U\n"))
        #expect(text.contains("#EXTINF:234,Björk - Army of Me\n../Björk/Post/01 Army of Me.flac\n"))
        #expect(PlaylistExport.render(tracks, format: .m3u8, title: "Mix").contains("\n/music/Mötley & <Sons>/x.mp3\n"))
    }

    @Test func xspfIsEscapedXML() throws {
        let text = PlaylistExport.render(tracks, format: .xspf, title: "A & B")
        #expect(text.contains("<title>A &amp; B</title>"))
        #expect(text.contains("<creator>Mötley &amp; &lt;Sons&gt;</creator>"))
        #expect(text.contains("<duration>234400</duration>"))
        #expect(text.contains("<location>file:///music/Bj%C3%B6rk/Post/01%20Army%20of%20Me.flac</location>"))
        let parser = XMLParser(data: Data(text.utf8))
        #expect(parser.parse())
    }

    @Test func relativePathsStayRelativeInEveryFormat() throws {
        var named = tracks
        named[0].path = "01 Army of Me.flac"
        #expect(PlaylistExport.render(named, format: .m3u8, title: "Mix").contains("\n01 Army of Me.flac\n"))
        #expect(PlaylistExport.render(named, format: .xspf, title: "Mix").contains("<location>01%20Army%20of%20Me.flac</location>"))
        #expect(PlaylistExport.render(named, format: .jspf, title: "Mix").contains("\"01%20Army%20of%20Me.flac\""))
    }

    /// A title or tag with a newline cannot forge a line of its own, and control characters never reach XML.
    @Test func newlinesAndControlCharactersAreCleaned() throws {
        var hostile = tracks
        hostile[0].title = "Army of Me\n/etc/passwd\r\n#EXTINF:1,Forged"
        hostile[0].artist = "Bj\u{1B}[31mörk\u{0}"
        let title = "Mix\n../../secret.flac\u{2028}#EXTM3U"
        let m3u = PlaylistExport.render(hostile, format: .m3u8, title: title)
        let lines = m3u.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 + 2 * hostile.count + 1, "\(m3u)")
        #expect(lines[1] == "#PLAYLIST:Mix ../../secret.flac #EXTM3U")
        #expect(lines[2] == "#EXTINF:234,Bj [31mörk  - Army of Me /etc/passwd #EXTINF:1,Forged")
        #expect(!lines.contains("/etc/passwd") && !m3u.contains("\r") && !m3u.contains("\u{1B}"))
        let xspf = PlaylistExport.render(hostile, format: .xspf, title: title)
        #expect(xspf.contains("<title>Army of Me /etc/passwd #EXTINF:1,Forged</title>"))
        #expect(XMLParser(data: Data(xspf.utf8)).parse())
    }

    @Test func jspfHasListenBrainzShape() throws {
        let text = PlaylistExport.render(tracks, format: .jspf, title: "Mix")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let playlist = try #require(root["playlist"] as? [String: Any])
        let items = try #require(playlist["track"] as? [[String: Any]])
        #expect(items.count == 2 && items[0]["creator"] as? String == "Björk" && items[0]["duration"] as? Int == 234_400)
        #expect(PlaylistExport.Format(path: "x.JSPF") == .jspf && PlaylistExport.Format(path: "x.txt") == nil)
    }
}

@Suite struct SimilarityIndexTests {
    @Test func exactScanMatchesBruteForce() {
        var rng = SplitMix64(seed: 9)
        var index = ExactSimilarityIndex(dimensions: 16)
        var all: [(Int64, [Float])] = []
        for id in 0..<500 {
            let v = (0..<16).map { _ in Float(rng.next() % 2000) / 1000 - 1 }
            all.append((Int64(id), v))
            index.add(id: Int64(id), vector: v)
        }
        let refused = index.add(id: 9999, vector: [1, 2])
        #expect(!refused)
        let query = all[42].1
        let got = index.nearest(to: query, k: 10, excluding: [42])
        let expected = all.filter { $0.0 != 42 }
            .map { ($0.0, TransitionCost.cosineDistance(query, $0.1)) }.sorted { $0.1 < $1.1 }.prefix(10)
        #expect(got.map(\.id) == expected.map(\.0))
        for (g, e) in zip(got, expected) { #expect(abs(g.distance - e.1) < 1e-5) }
        #expect(index.nearest(to: query, k: 1).first?.id == 42)
    }

    @Test(arguments: [36, 200])
    func vectorisedScanOnTwoThreadsMatchesBruteForce(dimensions: Int) {
        var rng = SplitMix64(seed: UInt64(dimensions))
        var index = ExactSimilarityIndex(dimensions: dimensions)
        index.parallelThreshold = 100
        var all: [(Int64, [Float])] = []
        for id in 0..<1_001 {
            let v = (0..<dimensions).map { _ in Float(rng.unit() * 2 - 1) }
            all.append((Int64(id), v))
            index.add(id: Int64(id), vector: v)
        }
        for q in [3, 500, 999] {
            let query = all[q].1.map { $0 * 0.9 + 0.05 }
            let excluded: Set<Int64> = [Int64(q), 17, 600]
            let got = index.nearest(to: query, k: 12, excluding: excluded)
            let expected = all.filter { !excluded.contains($0.0) }
                .map { ($0.0, TransitionCost.cosineDistance(query, $0.1)) }.sorted { $0.1 < $1.1 }.prefix(12)
            #expect(got.map(\.id) == expected.map(\.0))
            for (g, e) in zip(got, expected) { #expect(abs(g.distance - e.1) < 1e-4) }
        }
        #expect(index.nearest(to: all[0].1, k: 5000).count == 1_001)
    }
}
