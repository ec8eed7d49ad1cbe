import Foundation
import SegueCharts
import SegueImport
import SegueModel
import SegueTestSupport
import Testing

@testable import SegueStore

@Suite struct RaceDataTests {
    typealias F = Fixtures

    /// A rises in January, B takes over in February, C appears in March.
    func store(_ backend: StoreBackend) throws -> (any PlayStore, Profile) {
        let store = try backend.make()
        var records: [[String: Any]] = []
        func plays(_ n: Int, _ artist: String, month: Int, day: Int = 10, ms: Int = 100_000) {
            for i in 0..<n {
                records.append(
                    F.extended(
                        ts: String(format: "2021-%02d-%02dT%02d:%02d:00Z", month, day, i / 60, i % 60), ms: ms,
                        track: "\(artist) song", artist: artist, uri: "spotify:track:\(artist)"))
            }
        }
        plays(5, "A", month: 1)
        plays(2, "B", month: 1, day: 11)
        plays(6, "B", month: 2)
        plays(1, "A", month: 2, day: 11)
        plays(20, "C", month: 3, ms: 10_000)  // short plays: minutes but no streams
        plays(1, "D", month: 3, day: 20)
        let dir = try F.folder()
        let file = try F.write(try F.json(records), to: dir, "Streaming_History_Audio_2021.json")
        let profile = try store.profile(named: "default")
        _ = try HistoryImporter().run(paths: [file.path], store: store, profile: profile)
        return (store, profile)
    }

    @Test(arguments: StoreBackend.allCases)
    func cumulativeStreamsPerMonth(backend: StoreBackend) throws {
        let (store, profile) = try store(backend)
        let race = try store.race(RaceQuery(kind: .artists, metric: .streams, period: .month, top: 3), timeZone: .gmt, profile: profile)
        #expect(race.periods.map(\.description) == ["2021-01-10", "2021-02-01", "2021-03-01"])
        // Ever in the top 3: A, B, and D from March (C's plays are all short: no streams).
        let byName = Dictionary(uniqueKeysWithValues: zip(race.entities.map(\.name), race.values))
        #expect(Set(byName.keys) == ["A", "B", "D"])
        #expect(byName["A"] == [5, 6, 6])
        #expect(byName["B"] == [2, 8, 8])
        #expect(byName["D"] == [0, 0, 1])
    }

    @Test(arguments: StoreBackend.allCases)
    func minutesAndRangesAndTop1(backend: StoreBackend) throws {
        let (store, profile) = try store(backend)
        let race = try store.race(
            RaceQuery(kind: .artists, metric: .minutes, from: CalendarDay("2021-02-01"), to: CalendarDay("2021-03-31"), period: .month, top: 1),
            timeZone: .gmt, profile: profile)
        #expect(race.periods.map(\.description) == ["2021-02-01", "2021-03-01"])
        let byName = Dictionary(uniqueKeysWithValues: zip(race.entities.map(\.name), race.values))
        // February: B leads with 10 minutes; March: C's 20 short plays make 3.33 minutes, B stays on top.
        #expect(Set(byName.keys) == ["B"])
        #expect(byName["B"] == [10, 10])
        let weekly = try store.race(RaceQuery(kind: .tracks, metric: .streams, period: .week, top: 3), timeZone: .gmt, profile: profile)
        #expect(weekly.periods.first == CalendarDay("2021-01-10"))
        #expect(weekly.periods.dropFirst().allSatisfy { $0.weekdayFromMonday == 0 })
        #expect(weekly.values.allSatisfy { row in zip(row, row.dropFirst()).allSatisfy { $0 <= $1 } })
        #expect(weekly.entities.first { $0.name == "A song" }?.uri == "spotify:track:A")
    }

    /// The last frame of a race (the final hold) as (name, artist, value) rows, best first.
    func finalRanking(_ race: RaceData, top: Int) throws -> [RankedRow] {
        let timeline = try RaceTimeline(
            data: race, top: top, timing: RaceTiming.readable(fps: 10, periods: race.periods.count))
        let last = timeline.frame(timeline.frameCount - 1)
        return last.bars.map {
            RankedRow(name: race.entities[$0.entity].name, artist: race.entities[$0.entity].artist, value: $0.value)
        }
    }

    struct RankedRow: Equatable, CustomStringConvertible {
        var name: String
        var artist: String?
        var value: Double
        var description: String { "\(name)/\(artist ?? "-")=\(value)" }
    }

    /// What `segue top` shows for the same range, metric and N (entries with a value: a race has no
    /// bar for an entity with no streams).
    func topRanking(_ store: any PlayStore, _ profile: Profile, _ q: RaceQuery) throws -> [RankedRow] {
        let entries = try store.top(
            ChartQuery(kind: q.kind, metric: q.metric, range: TimeRange(from: q.from, to: q.to), limit: q.top),
            profile: profile)
        return entries.map {
            RankedRow(
                name: $0.name, artist: $0.artist,
                value: q.metric == .streams ? Double($0.streams) : Double($0.milliseconds) / 60_000)
        }.filter { $0.value > 0 }
    }

    /// Ties the race must break as the top chart does: equal minutes reached by different sums of
    /// plays (six 70 s plays against three of 140 s), and two tracks with one name by two artists.
    @Test(arguments: StoreBackend.allCases)
    func theRaceEndsOnTheTopChartOfItsRangeEvenOnTies(backend: StoreBackend) throws {
        let store = try backend.make()
        var records: [[String: Any]] = []
        func plays(_ n: Int, _ track: String, by artist: String, day: String, ms: Int) {
            for i in 0..<n {
                records.append(
                    F.extended(
                        ts: "2021-\(day)T10:\(String(format: "%02d", i)):00Z", ms: ms, track: track, artist: artist,
                        uri: "spotify:track:\(track)\(artist)"))
            }
        }
        plays(3, "Intro", by: "Zed", day: "01-05", ms: 70_000)
        plays(3, "Outro", by: "Zed", day: "01-06", ms: 70_000)
        plays(3, "Intro", by: "Abe", day: "01-20", ms: 140_000)
        plays(1, "Elsewhere", by: "Mia", day: "02-03", ms: 60_000)
        let dir = try F.folder()
        let file = try F.write(try F.json(records), to: dir, "Streaming_History_Audio_2021.json")
        let profile = try store.profile(named: "default")
        _ = try HistoryImporter().run(paths: [file.path], store: store, profile: profile)
        for kind in [EntityKind.artists, .tracks] {
            for metric in [Metric.streams, .minutes] {
                let q = RaceQuery(kind: kind, metric: metric, period: .month, top: 3)
                let race = try store.race(q, timeZone: .gmt, profile: profile)
                #expect(try finalRanking(race, top: 3) == topRanking(store, profile, q), "\(kind) by \(metric)")
            }
        }
        let minutes = try finalRanking(
            try store.race(RaceQuery(kind: .artists, metric: .minutes, period: .month, top: 3), timeZone: .gmt, profile: profile),
            top: 3)
        #expect(minutes.map(\.name) == ["Abe", "Zed", "Mia"])
        #expect(minutes.first?.value == 7)
    }

    /// A realistic history: for every kind, metric, N and a few ranges, the race ends on the top chart.
    @Test(arguments: StoreBackend.allCases)
    func theRaceEndsOnTheTopChartOfItsRange(backend: StoreBackend) throws {
        let dir = try Fixtures.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        try DemoExport(seed: 11, records: 8_000, recordsPerFile: 4_000).writeZip(to: zip)
        let store = try backend.make()
        let profile = try store.profile(named: "demo")
        _ = try HistoryImporter().run(paths: [zip], store: store, profile: profile)
        let all = try store.race(RaceQuery(kind: .artists, metric: .streams, period: .month, top: 3), timeZone: .gmt, profile: profile)
        let first = try #require(all.periods.first)
        let ranges: [(CalendarDay?, CalendarDay?)] = [
            (nil, nil), (CalendarDay(year: first.year + 1, month: 3, day: 15), nil),
            (nil, CalendarDay(year: first.year + 2, month: 6, day: 30)),
        ]
        var compared = 0
        for kind in EntityKind.allCases {
            for metric in [Metric.streams, .minutes] {
                for top in [3, 10] {
                    for (from, to) in ranges {
                        let q = RaceQuery(kind: kind, metric: metric, from: from, to: to, period: .month, top: top)
                        let race = try store.race(q, timeZone: .gmt, profile: profile)
                        let expected = try topRanking(store, profile, q)
                        #expect(expected.count == top)
                        #expect(
                            try finalRanking(race, top: top) == expected,
                            "\(kind) by \(metric), top \(top), \(String(describing: from))...\(String(describing: to))")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 36)
    }

    @Test(arguments: StoreBackend.allCases)
    func emptyProfileGivesAnEmptyRace(backend: StoreBackend) throws {
        let store = try backend.make()
        let race = try store.race(RaceQuery(kind: .albums, metric: .streams), timeZone: .gmt, profile: try store.profile(named: "x"))
        #expect(race.periods.isEmpty && race.entities.isEmpty)
    }
}

@Suite struct DemoExportTests {
    @Test(arguments: StoreBackend.allCases)
    func demoExportImportsAndReimportsCleanly(backend: StoreBackend) throws {
        let dir = try Fixtures.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        try DemoExport(seed: 3, records: 6_000, recordsPerFile: 2_000).writeZip(to: zip)
        let store = try backend.make()
        let profile = try store.profile(named: "demo")
        let report = try HistoryImporter().run(paths: [zip], store: store, profile: profile)
        #expect(report.total.records == 6_000)
        #expect(report.files.count == 3)
        #expect(report.total.musicPlays > 5_000)
        #expect(report.total.episodes > 0 && report.total.audiobookChapters > 0 && report.total.shortPlays > 0)
        #expect(report.total.duplicates > 0)
        #expect(report.total.rejections["track without spotify_track_uri (local file?)", default: 0] > 0)
        #expect(report.skipped.count == 2)
        let top = try store.top(ChartQuery(kind: .artists, metric: .streams, limit: 20), profile: profile)
        #expect(top.count == 20)
        // Names in many scripts survive the round trip.
        let all = try store.top(ChartQuery(kind: .artists, metric: .streams, limit: 1000), profile: profile).map(\.name)
        #expect(all.contains("夜の図書館") && all.contains("Mötley <Brass> Band") && all.contains("O'Brien \"Big\" Quartet"))
        let again = try HistoryImporter().run(paths: [zip], store: store, profile: profile)
        #expect(again.total.musicPlays == 0 && again.total.duplicates == report.total.records - report.total.rejected)
        #expect(try store.top(ChartQuery(kind: .artists, metric: .streams, limit: 20), profile: profile) == top)
    }

    @Test(arguments: StoreBackend.allCases)
    func parsingOnOneOrManyThreadsInAnyChunksImportsTheSame(backend: StoreBackend) throws {
        let dir = try Fixtures.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        try DemoExport(seed: 5, records: 9_000, recordsPerFile: 1_000).writeZip(to: zip)
        var results: [(ImportReport, [ChartEntry], [ChartEntry], ListeningStats)] = []
        // One thread with whole files, then several threads handing plays over in small chunks.
        for (threads, chunk) in [(1, Int.max), (2, 4096), (4, 97), (3, 1)] {
            let store = try backend.make()
            let profile = try store.profile(named: "demo")
            let report = try HistoryImporter(parseThreads: threads, chunkSize: chunk)
                .run(paths: [zip], store: store, profile: profile)
            results.append(
                (
                    report,
                    try store.top(ChartQuery(kind: .tracks, metric: .minutes, limit: 200), profile: profile),
                    try store.top(ChartQuery(kind: .albums, metric: .streams, limit: 200), profile: profile),
                    try store.stats(range: .all, timeZone: .gmt, profile: profile)
                ))
        }
        #expect(results[0].0.total.records == 9_000 && results[0].0.files.count == 9)
        for r in results.dropFirst() {
            #expect(r.0 == results[0].0)
            #expect(r.1 == results[0].1 && r.2 == results[0].2 && r.3 == results[0].3)
        }
    }

    @Test func demoExportIsDeterministic() {
        let a = DemoExport(seed: 9, records: 500).files()
        let b = DemoExport(seed: 9, records: 500).files()
        #expect(a.map(\.bytes) == b.map(\.bytes))
        #expect(a.first?.path.hasPrefix("Spotify Extended Streaming History/Streaming_History_Audio_") == true)
    }
}

@Suite struct MusicColumnsTests {
    @Test func encodingRoundTrips() throws {
        var c = MusicColumns()
        c.endTimes = [1, 2, 3]
        c.milliseconds = [10, 40_000, 5]
        c.trackOfPlay = [0, 1, 0]
        c.trackNames = ["a", "夜"]
        c.trackURIs = ["", "spotify:track:x"]
        c.trackArtist = [0, 0]
        c.trackAlbum = [-1, 0]
        c.artistNames = ["Zoë"]
        c.albumNames = ["Al"]
        c.albumArtistNames = ["Zoë"]
        c.sources = [0, 1, 5]
        c.trackLengths = [10, 40_000]
        let bytes = c.encoded()
        let back = try bytes.withUnsafeBytes { try MusicColumns(decoding: $0) }
        #expect(back == c)
        #expect(throws: MusicColumns.DecodingError.self) {
            try Array(bytes.prefix(bytes.count - 3)).withUnsafeBytes { _ = try MusicColumns(decoding: $0) }
        }
    }

    @Test func variableLengthColumnsRoundTripAndVersionOneStillReads() throws {
        var c = MusicColumns()
        // Unsorted, negative and extreme values survive the differences and zigzag.
        c.endTimes = [Int64.min, -5, 0, 1_700_000_000, 1_700_000_000, 1_600_000_000, Int64.max]
        c.milliseconds = [0, 1, 127, 128, Int32.max, Int32.min, -1]
        c.trackOfPlay = [0, 1, 0, 1, 1, 0, 1]
        c.trackNames = ["a", "b"]
        c.trackURIs = ["", "spotify:track:b"]
        c.trackArtist = [0, 0]
        c.trackAlbum = [-1, -1]
        c.artistNames = ["Zoë"]
        c.sources = [0, 0, 0, 0, 0, 0, 0]
        // Derived when encoding: the longest play of known length per track.
        c.trackLengths = [127, Int32.max]
        let bytes = c.encoded()
        #expect(try bytes.withUnsafeBytes { try MusicColumns(decoding: $0) } == c)
        // Every truncation fails cleanly.
        for cut in 1..<bytes.count {
            #expect(throws: MusicColumns.DecodingError.self) {
                try Array(bytes.prefix(cut)).withUnsafeBytes { _ = try MusicColumns(decoding: $0) }
            }
        }
        // An export-like column set is a fraction of the fixed-width size.
        var big = MusicColumns()
        big.trackNames = (0..<5_000).map { "t\($0)" }
        big.trackURIs = big.trackNames
        big.trackArtist = [Int32](repeating: 0, count: 5_000)
        big.trackAlbum = [Int32](repeating: -1, count: 5_000)
        big.artistNames = ["x"]
        var t: Int64 = 1_500_000_000
        for i in 0..<100_000 {
            t += Int64(60 + (i * 7919) % 3_000)
            big.endTimes.append(t)
            big.milliseconds.append(Int32((i * 104_729) % 300_000))
            big.trackOfPlay.append(Int32((i * 31) % 5_000))
        }
        big.sources = [UInt8](repeating: 2, count: 100_000)
        big.trackLengths = MusicColumns.lengths(trackCount: 5_000, trackOfPlay: big.trackOfPlay, milliseconds: big.milliseconds)
        let encoded = big.encoded()
        #expect(encoded.count < 100_000 * 16 * 6 / 10)
        #expect(try encoded.withUnsafeBytes { try MusicColumns(decoding: $0) } == big)
        // Version 1, as stores written before version 2 hold it: every column fixed-width.
        var v1: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { v1.append(contentsOf: $0) } }
        func fixed<T: FixedWidthInteger>(_ a: [T]) {
            u32(UInt32(a.count))
            for x in a { withUnsafeBytes(of: x.littleEndian) { v1.append(contentsOf: $0) } }
        }
        func strings(_ a: [String]) {
            u32(UInt32(a.count))
            for s in a {
                u32(UInt32(s.utf8.count))
                v1.append(contentsOf: Array(s.utf8))
            }
        }
        u32(0x434D_4753)
        u32(1)
        fixed(c.endTimes)
        fixed(c.milliseconds)
        fixed(c.trackOfPlay)
        strings(c.trackNames)
        strings(c.trackURIs)
        fixed(c.trackArtist)
        fixed(c.trackAlbum)
        strings(c.artistNames)
        strings(c.albumNames)
        strings(c.albumArtistNames)
        #expect(try v1.withUnsafeBytes { try MusicColumns(decoding: $0) } == c)
        // A version from the future is refused.
        var future = bytes
        future[4] = UInt8(MusicColumns.formatVersion + 1)
        #expect(throws: MusicColumns.DecodingError.self) { try future.withUnsafeBytes { _ = try MusicColumns(decoding: $0) } }
    }
}
