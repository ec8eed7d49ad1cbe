import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueStoreSQLite

/// What the import's speed depends on, checked for correctness: items a sink has resolved by token
/// in one batch are not mixed up with another source's, and a parse started before the store opens
/// imports the same as one started by the store.
@Suite struct ImportPipelineTests {
    typealias F = Fixtures

    func item(_ n: String) -> PlayBatch.Item {
        PlayBatch.Item(kind: .music, title: "Song \(n)", creator: "Artist \(n)", album: "Album \(n)", uri: "spotify:track:\(n)")
    }

    func play(_ batch: inout PlayBatch, item: Int32, end: Int64, ms: Int32 = 60_000) {
        batch.append(
            item: item, endTime: end, milliseconds: ms, reasonStart: PlayBatch.noWord, reasonEnd: PlayBatch.noWord,
            platform: PlayBatch.noWord, country: PlayBatch.noWord, flags: 0, offlineTimestamp: PlayBatch.noTimestamp)
    }

    @Test(arguments: StoreBackend.allCases)
    func tokensNameItemsWithinTheirSourceOnly(backend: StoreBackend) throws {
        let store = try backend.make()
        let profile = try store.profile(named: "tokens")
        let one = PlayBatch.newTokenSource()
        let two = PlayBatch.newTokenSource()
        #expect(one != two && one != 0 && two != 0)
        // Source one: A is token 0, B token 1; a later batch of it lists B first, then C (token 2).
        var a = PlayBatch()
        a.tokenSource = one
        let aA = a.addItem(item("A"), token: 0)
        let aB = a.addItem(item("B"), token: 1)
        play(&a, item: aA, end: 1_000)
        play(&a, item: aB, end: 1_100)
        var b = PlayBatch()
        b.tokenSource = one
        let bB = b.addItem(item("B"), token: 1)
        let bC = b.addItem(item("C"), token: 2)
        play(&b, item: bB, end: 1_200)
        play(&b, item: bC, end: 1_300)
        play(&b, item: bB, end: 1_400)
        // Source two numbers D as 0 and B as 2: neither is A or C.
        var c = PlayBatch()
        c.tokenSource = two
        let cD = c.addItem(item("D"), token: 0)
        let cB = c.addItem(item("B"), token: 2)
        play(&c, item: cD, end: 1_500)
        play(&c, item: cB, end: 1_600)
        // No source: tokens mean nothing.
        var d = PlayBatch()
        let dE = d.addItem(item("E"), token: 0)
        play(&d, item: dE, end: 1_700)
        try store.importPlays(into: profile) { sink in
            for batch in [a, b, c, d] {
                let isNew = try sink.add(batch)
                #expect(isNew == [Bool](repeating: true, count: batch.count))
            }
        }
        let top = try store.top(ChartQuery(kind: .tracks, metric: .streams, limit: 10), profile: profile)
        #expect(top.map(\.name) == ["Song B", "Song A", "Song C", "Song D", "Song E"])
        #expect(top.map(\.streams) == [4, 1, 1, 1, 1])
        #expect(top.map(\.artist) == ["Artist B", "Artist A", "Artist C", "Artist D", "Artist E"])
        let stats = try store.stats(range: .all, timeZone: .gmt, profile: profile)
        #expect(stats.musicPlays == 8 && stats.distinctTracks == 5 && stats.distinctArtists == 5)
    }

    @Test func parsingStartedBeforeTheStoreOpensImportsTheSame() throws {
        let dir = try F.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        try DemoExport(seed: 11, records: 4_000, recordsPerFile: 500).writeZip(to: zip)
        let importer = HistoryImporter(parseThreads: 2, chunkSize: 50)
        let started = try importer.start(paths: [zip])
        let early = try StoreBackend.sqlite.make()
        let report = try started.run(store: early, profile: try early.profile(named: "p"))
        let late = try StoreBackend.sqlite.make()
        let expected = try importer.run(paths: [zip], store: late, profile: try late.profile(named: "p"))
        #expect(report == expected && report.total.records == 4_000 && report.files.count == 8)
        let query = ChartQuery(kind: .albums, metric: .minutes, limit: 100)
        #expect(try early.top(query, profile: try early.profile(named: "p")) == late.top(query, profile: try late.profile(named: "p")))
        // A started import that is dropped leaves its parse threads to stop; a missing path fails
        // before anything is parsed.
        _ = try importer.start(paths: [zip])
        #expect(throws: ImportError.self) { _ = try importer.start(paths: [dir.appendingPathComponent("missing.zip").path]) }
    }

    /// The SQLite sink's test for plays that cannot be duplicates: never true for an end time seen
    /// before or stored, and true for every first end time of files that come out of time order.
    @Test func endTimesOutsideEveryRangeAreCertainlyNew() {
        func feed(_ cover: inout CoveredEndTimes, _ ends: [Int64]) -> [Bool] {
            var result: [Bool] = []
            for end in ends { result.append(cover.addIfOutside(end)) }
            return result
        }
        var fresh = CoveredEndTimes()
        let first = feed(&fresh, [300, 400, 500])
        // A file that goes before: its plays fall in the gap, up to the start of the range.
        let before = feed(&fresh, [10, 50, 299])
        let again = feed(&fresh, [300, 450, 500, 10, 299])
        let after = feed(&fresh, [501, 501, 600])
        #expect(first == [true, true, true] && before == [true, true, true])
        #expect(again == [false, false, false, false, false] && after == [true, false, true])
        #expect(fresh.ranges.count >= 2)

        var stored = CoveredEndTimes(stored: 1_000...2_000)
        let answers = feed(&stored, [999, 1_000, 1_500, 2_000, 2_001, 500, 998])
        #expect(answers == [true, false, false, false, true, true, true])

        // Random order with repeats, against a set of everything seen: never new twice, and with
        // many ranges merged into one the answer only gets more careful.
        var rng = SystemRandomNumberGenerator()
        var cover = CoveredEndTimes(stored: 5_000...5_100)
        var seen = Set<Int64>(5_000...5_100)
        var newTwice = 0
        for _ in 0..<20_000 {
            let end = Int64.random(in: 0...10_000, using: &rng)
            if cover.addIfOutside(end) && seen.contains(end) { newTwice += 1 }
            seen.insert(end)
        }
        #expect(newTwice == 0)
        #expect(cover.ranges.count <= CoveredEndTimes.maxRanges)
        // Ascending runs out of order (files by name), each first end time is new.
        var files = CoveredEndTimes()
        for start in [2_000, 0, 6_000, 4_000, 8_000] as [Int64] {
            for end in stride(from: start, to: start + 2_000, by: 7) {
                let isNew = files.addIfOutside(end)
                #expect(isNew)
            }
        }
    }
}
