import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

/// The rules of issue 2, checked through the importer and the store protocol on every backend.
@Suite struct PlayStoreContractTests {
    typealias F = Fixtures

    func importing(_ paths: [URL], into store: any PlayStore, profile name: String = "default") throws -> ImportReport {
        try HistoryImporter().run(paths: paths.map(\.path), store: store, profile: try store.profile(named: name))
    }

    func top(
        _ store: any PlayStore, _ kind: EntityKind, _ metric: Metric = .streams, range: TimeRange = .all, limit: Int = 50, profile: String = "default"
    ) throws -> [ChartEntry] {
        try store.top(ChartQuery(kind: kind, metric: metric, range: range, limit: limit), profile: try store.profile(named: profile))
    }

    /// A typical extended ZIP: two audio files (one with a BOM), a video file and the read-me PDF.
    func extendedZip(_ dir: URL) throws -> URL {
        let root = "Spotify Extended Streaming History/"
        let a = try F.json([
            F.extended(ts: "2020-01-01T10:00:00Z", ms: 200_000, track: "One", artist: "Ann", album: "First", uri: "spotify:track:one"),
            F.extended(ts: "2020-01-01T10:04:00Z", ms: 29_999, track: "One", artist: "Ann", album: "First", uri: "spotify:track:one"),
            F.extended(ts: "2020-01-01T10:05:00Z", ms: 30_000, track: "Two", artist: "Ann", album: "First", uri: "spotify:track:two"),
            F.extended(
                ts: "2020-01-01T11:00:00Z", ms: 1_000_000, track: nil, artist: nil, album: nil, uri: nil,
                episode: "Ep 1", show: "A Show", episodeURI: "spotify:episode:e1"),
            F.extended(ts: "2020-01-01T12:00:00Z", ms: 90_000, track: "Local", artist: "Me", album: "Home", uri: nil),
            F.extended(ts: "2020-01-01T12:30:00Z", ms: 0, track: nil, artist: nil, album: nil, uri: nil),
            F.extended(
                ts: "2020-01-01T13:00:00Z", ms: 600_000, track: nil, artist: nil, album: nil, uri: nil,
                extra: [
                    "audiobook_title": "A Book", "audiobook_uri": "spotify:audiobook:b",
                    "audiobook_chapter_uri": "spotify:chapter:c1", "audiobook_chapter_title": "Chapter 1",
                ]),
            F.extended(ts: "not a time", ms: 100_000),
        ])
        let b = try F.json(
            [
                // An exact duplicate of a play in the first file, and a same-time play of another length.
                F.extended(ts: "2020-01-01T10:00:00Z", ms: 200_000, track: "One", artist: "Ann", album: "First", uri: "spotify:track:one"),
                F.extended(ts: "2020-01-01T10:00:00Z", ms: 100_000, track: "One", artist: "Ann", album: "First", uri: "spotify:track:one"),
                F.extended(
                    ts: "2021-06-01T08:00:00Z", ms: 240_000, track: "Three", artist: "Bo", album: "Bo's Album", uri: "spotify:track:three",
                    extra: ["offline_timestamp": 1_622_534_400_000, "offline": true]),
            ], bom: true)
        let zip = dir.appendingPathComponent("my_spotify_data.zip")
        try F.zip(
            [
                (root + "Streaming_History_Audio_2020_0.json", a),
                (root + "Streaming_History_Audio_2020-2021_1.json", b),
                (root + "Streaming_History_Video_2020.json", try F.json([F.extended(ts: "2020-01-01T09:00:00Z", ms: 100_000)])),
                (root + "ReadMeFirst_ExtendedStreamingHistory.pdf", Data("%PDF-1.4".utf8)),
            ], at: zip)
        return zip
    }

    @Test(arguments: StoreBackend.allCases)
    func importsAnExtendedZipAndCountsEveryRecord(backend: StoreBackend) throws {
        let store = try backend.make()
        let report = try importing([try extendedZip(try F.folder())], into: store)
        #expect(report.files.count == 2)
        #expect(report.files.allSatisfy { $0.format == "extended" })
        #expect(Set(report.skipped.map(\.reason)) == ["video history", "not a JSON or CSV file"])
        let t = report.total
        #expect(t.records == 11)
        #expect(t.musicPlays == 5)  // One ×2 (one short), Two, One at another length, Three
        #expect(t.shortPlays == 1)
        #expect(t.episodes == 1)
        #expect(t.audiobookChapters == 1)
        #expect(t.duplicates == 1)
        #expect(t.rejected == 3)
        #expect(t.rejections["track without spotify_track_uri (local file?)"] == 1)
        #expect(t.rejections["no track, episode or audiobook"] == 1)
        #expect(t.rejections["ts is not an ISO 8601 UTC time"] == 1)
        #expect(t.records == t.musicPlays + t.episodes + t.audiobookChapters + t.duplicates + t.rejected)
        let first = try #require(report.files.first { $0.file.hasSuffix("Streaming_History_Audio_2020_0.json") })
        #expect(first.examples.map(\.record) == [4, 5, 7])
        #expect(first.file.hasPrefix(report.files[0].file.components(separatedBy: ":").first!))
    }

    @Test(arguments: StoreBackend.allCases)
    func streamsNeedThirtySecondsAndMinutesCountEveryMusicPlay(backend: StoreBackend) throws {
        let store = try backend.make()
        _ = try importing([try extendedZip(try F.folder())], into: store)
        let tracks = try top(store, .tracks)
        let one = try #require(tracks.first { $0.name == "One" })
        #expect(one.streams == 2)  // 200 s and 100 s; the 29.999 s play is no stream
        #expect(one.milliseconds == 200_000 + 29_999 + 100_000)
        #expect(one.uri == "spotify:track:one")
        #expect(one.artist == "Ann" && one.album == "First")
        let two = try #require(tracks.first { $0.name == "Two" })
        #expect(two.streams == 1)  // exactly 30 s counts
        // Episodes and audiobooks never count as music.
        #expect(tracks.map(\.name).sorted() == ["One", "Three", "Two"])
        let artists = try top(store, .artists)
        #expect(artists.map(\.name) == ["Ann", "Bo"])
        #expect(artists[0].streams == 3)
        #expect(abs(artists[0].minutes - Double(200_000 + 29_999 + 100_000 + 30_000) / 60_000) < 1e-9)
        let byMinutes = try top(store, .artists, .minutes)
        #expect(byMinutes.map(\.name) == ["Ann", "Bo"])
    }

    @Test(arguments: StoreBackend.allCases)
    func identitiesFollowURIsAndAlbumArtists(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        let file = try F.write(
            try F.json([
                // One URI under two spellings: one track, named as its most recent play.
                F.extended(ts: "2020-01-01T10:00:00Z", ms: 100_000, track: "Song", artist: "A", album: "Greatest Hits", uri: "spotify:track:s1"),
                F.extended(
                    ts: "2020-01-01T10:10:00Z", ms: 100_000, track: "Song (Remastered)", artist: "A", album: "Greatest Hits", uri: "spotify:track:s1"),
                // Same name, another URI (a single): another track.
                F.extended(ts: "2020-01-01T10:20:00Z", ms: 100_000, track: "Song", artist: "A", album: "Song - Single", uri: "spotify:track:s2"),
                // Same album name, another artist: another album.
                F.extended(ts: "2020-01-01T10:30:00Z", ms: 100_000, track: "Other", artist: "B", album: "Greatest Hits", uri: "spotify:track:o1"),
            ]), to: dir, "Streaming_History_Audio_2020.json")
        _ = try importing([file], into: store)
        let tracks = try top(store, .tracks)
        #expect(tracks.count == 3)
        #expect(tracks[0].uri == "spotify:track:s1" && tracks[0].streams == 2 && tracks[0].name == "Song (Remastered)")
        let albums = try top(store, .albums)
        #expect(albums.count == 3)
        #expect(albums[0].name == "Greatest Hits" && albums[0].artist == "A" && albums[0].streams == 2)
        #expect(Set(albums.map { "\($0.artist!)/\($0.name)" }) == ["A/Greatest Hits", "B/Greatest Hits", "A/Song - Single"])
    }

    @Test(arguments: StoreBackend.allCases)
    func tiesAreBrokenByName(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        var records: [[String: Any]] = []
        for (i, artist) in ["Zed", "alpha", "Mid", "Alpha"].enumerated() {
            records.append(F.extended(ts: "2020-02-0\(i + 1)T10:00:00Z", ms: 60_000, track: "T\(i)", artist: artist, uri: "spotify:track:\(i)"))
        }
        records.append(F.extended(ts: "2020-02-09T10:00:00Z", ms: 60_000, track: "T9", artist: "Mid", uri: "spotify:track:9"))
        _ = try importing([try F.write(try F.json(records), to: dir, "endsong_0.json")], into: store)
        #expect(try top(store, .artists).map(\.name) == ["Mid", "Alpha", "Zed", "alpha"])
        #expect(try top(store, .artists).map(\.rank) == [1, 2, 3, 4])
        #expect(try top(store, .artists, limit: 2).map(\.name) == ["Mid", "Alpha"])
    }

    @Test(arguments: StoreBackend.allCases)
    func rangesAreInclusiveDaysOfTheEndTime(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        _ = try importing(
            [
                try F.write(
                    try F.json([
                        F.extended(ts: "2024-05-05T23:59:59Z", ms: 60_000, track: "Before", artist: "A", uri: "spotify:track:b"),
                        F.extended(ts: "2024-05-06T00:00:00Z", ms: 60_000, track: "First", artist: "A", uri: "spotify:track:f"),
                        F.extended(ts: "2024-05-06T23:59:59Z", ms: 60_000, track: "Last", artist: "A", uri: "spotify:track:l"),
                        F.extended(ts: "2024-05-07T00:00:00Z", ms: 60_000, track: "After", artist: "A", uri: "spotify:track:a"),
                        F.extended(ts: "2024-05-07T21:30:00Z", ms: 60_000, track: "Late", artist: "A", uri: "spotify:track:t"),
                    ]), to: dir, "Streaming_History_Audio_2024.json")
            ], into: store)
        let day = TimeRange(from: CalendarDay("2024-05-06"), to: CalendarDay("2024-05-06"))
        #expect(try top(store, .tracks, range: day).map(\.name).sorted() == ["First", "Last"])
        let open = TimeRange(from: CalendarDay("2024-05-07"), to: nil)
        #expect(try top(store, .tracks, range: open).map(\.name).sorted() == ["After", "Late"])
        // In Tokyo (UTC+9) the 21:30 UTC play belongs to May 8th, and the midnight one to May 7th.
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let may7 = TimeRange(from: CalendarDay("2024-05-07"), to: CalendarDay("2024-05-07"), timeZone: tokyo)
        #expect(try top(store, .tracks, range: may7).map(\.name).sorted() == ["After", "Last"])
    }

    @Test(arguments: StoreBackend.allCases)
    func reimportingTheSameExportChangesNothing(backend: StoreBackend) throws {
        let store = try backend.make()
        let zip = try extendedZip(try F.folder())
        let first = try importing([zip], into: store)
        let before = try top(store, .tracks)
        let second = try importing([zip], into: store)
        #expect(second.total.musicPlays == 0 && second.total.episodes == 0 && second.total.audiobookChapters == 0)
        #expect(second.total.duplicates == first.total.musicPlays + first.total.episodes + first.total.audiobookChapters + first.total.duplicates)
        #expect(try top(store, .tracks) == before)
    }

    @Test(arguments: StoreBackend.allCases)
    func anImportIsAllOrNothing(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        _ = try importing(
            [
                try F.write(
                    try F.json([
                        F.extended(ts: "2019-01-01T10:00:00Z", ms: 100_000, track: "Kept", artist: "K", uri: "spotify:track:k")
                    ]), to: dir, "old/Streaming_History_Audio_2019.json")
            ], into: store)
        let before = try top(store, .tracks)
        let export = dir.appendingPathComponent("export")
        try F.write(
            try F.json([F.extended(ts: "2020-01-01T10:00:00Z", ms: 100_000, track: "New", artist: "N", uri: "spotify:track:n")]),
            to: export, "Streaming_History_Audio_2020_0.json")
        let broken = try F.write(
            Data(#"[{"ts": "2020-01-02T10:00:00Z", "ms_played": 5,, }]"#.utf8), to: export, "Streaming_History_Audio_2020_1.json")
        #expect {
            _ = try importing([export], into: store)
        } throws: { error in
            guard case ImportError.malformedJSON(let file, let offset, _) = error else { return false }
            return file == broken.path && offset == 47  // the second comma
        }
        #expect(try top(store, .tracks) == before)
        #expect(try top(store, .tracks).map(\.name) == ["Kept"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aCancelledImportStopsBetweenChunksAndLeavesNothing(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        try DemoExport(seed: 11, records: 4_000, recordsPerFile: 1_000).writeZip(to: zip)
        let profile = try store.profile(named: "default")
        let asked = Counter()
        #expect(throws: ImportError.cancelled) {
            // Cancelled when the third chunk is about to be stored.
            _ = try HistoryImporter(chunkSize: 300).run(
                paths: [zip], store: store, profile: profile, isCancelled: { asked.next() >= 3 })
        }
        #expect(asked.value >= 3)
        #expect(try top(store, .tracks).isEmpty)
        let report = try HistoryImporter(chunkSize: 300).run(paths: [zip], store: store, profile: profile)
        #expect(report.total.records == 4_000)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func next() -> Int {
            lock.withLock {
                count += 1
                return count
            }
        }
    }

    /// Plays reach the store in chunks while a file is parsed; a fault late in a file must still
    /// leave nothing of the import behind.
    @Test(arguments: StoreBackend.allCases)
    func aFaultAfterChunksWereStoredLeavesNothing(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        let profile = try store.profile(named: "default")
        let good = (0..<50).map {
            F.extended(ts: String(format: "2020-01-01T10:%02d:00Z", $0), ms: 100_000, track: "T\($0)", artist: "A", uri: "spotify:track:t\($0)")
        }
        var text = String(decoding: try F.json(good), as: UTF8.self)
        text.removeLast()  // the closing bracket
        text += #", {"ts": "2020-01-02T10:00:00Z", "ms_played": }]"#
        let file = try F.write(Data(text.utf8), to: dir, "Streaming_History_Audio_2020.json")
        #expect(throws: ImportError.self) {
            _ = try HistoryImporter(parseThreads: 2, chunkSize: 7).run(paths: [file.path], store: store, profile: profile)
        }
        #expect(try top(store, .tracks).isEmpty)
        // The same plays without the fault import whole.
        let fixed = try F.write(try F.json(good), to: dir, "fixed/Streaming_History_Audio_2020.json")
        let report = try HistoryImporter(parseThreads: 2, chunkSize: 7).run(paths: [fixed.path], store: store, profile: profile)
        #expect(report.total.musicPlays == 50)
        #expect(try top(store, .tracks, limit: 100).count == 50)
    }

    @Test(arguments: StoreBackend.allCases)
    func badArchivesAreRefusedAndChangeNothing(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        let good = try F.json([F.extended(ts: "2020-01-01T10:00:00Z", ms: 100_000)])
        let traversal = dir.appendingPathComponent("traversal.zip")
        try F.zip([("MyData/endsong_0.json", good), ("../../evil.json", good)], at: traversal)
        #expect(throws: ImportError.unsafeZipEntry(archive: traversal.path, entry: "../../evil.json")) {
            _ = try importing([traversal], into: store)
        }
        let absolute = dir.appendingPathComponent("absolute.zip")
        try F.zip([("/tmp/endsong_0.json", good)], at: absolute)
        #expect(throws: ImportError.unsafeZipEntry(archive: absolute.path, entry: "/tmp/endsong_0.json")) {
            _ = try importing([absolute], into: store)
        }
        // A bomb: a small archive that inflates past the bound.
        let bomb = dir.appendingPathComponent("bomb.zip")
        try F.zip([("MyData/endsong_0.json", Data(repeating: 0x20, count: 3_000_000) + good)], at: bomb)
        let limited = HistoryImporter(limits: ImportLimits(maxEntryBytes: 1_000_000, maxTotalBytes: 2_000_000))
        #expect(throws: ImportError.entryTooLarge(archive: bomb.path, entry: "MyData/endsong_0.json", limit: 1_000_000)) {
            _ = try limited.run(paths: [bomb.path], store: store, profile: try store.profile(named: "default"))
        }
        let notZip = try F.write(Data("PDF or whatever".utf8), to: dir, "export.zip")
        #expect(throws: ImportError.notZipOrJSON(file: notZip.path)) { _ = try importing([notZip], into: store) }
        let corrupt = try F.write(Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]), to: dir, "corrupt.zip")
        #expect(throws: ImportError.self) { _ = try importing([corrupt], into: store) }
        let missing = dir.appendingPathComponent("nope.zip")
        #expect(throws: ImportError.fileNotFound(path: missing.path)) { _ = try importing([missing], into: store) }
        #expect(try top(store, .tracks).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func accountDataIsRecognisedByNameAndContent(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder().appendingPathComponent("Spotify Account Data")
        try F.write(
            try F.json([
                F.account(end: "2024-05-06 18:43", artist: "Ann", track: "One", ms: 216_783),
                F.account(end: "2024-05-06 18:50", artist: "Ann", track: "One", ms: 10_000),
                F.account(end: "2024-05-06 18:50", artist: "Ann", track: "One", ms: 10_000),
                F.account(end: "2024-05-07 09:00", artist: "Cy", track: "One", ms: 100_000),
                ["endTime": "2024-05-07 10:00", "artistName": "Cy", "trackName": NSNull(), "msPlayed": 5000],
            ]), to: dir, "StreamingHistory_music_0.json")
        try F.write(
            try F.json([["endTime": "2024-05-06 07:00", "podcastName": "Pod", "episodeName": "E1", "msPlayed": 1_800_000]]),
            to: dir, "StreamingHistory_podcast_0.json")
        // Recognised by content although the name is new.
        try F.write(try F.json([F.account(end: "2024-05-08 09:00", artist: "Dee", track: "Four", ms: 60_000)]), to: dir, "History_new_0.json")
        try F.write(Data(#"{"username": "someone", "country": "DE"}"#.utf8), to: dir, "Userdata.json")
        try F.write(Data(#"[{"payment_method": "card"}]"#.utf8), to: dir, "Payments.json")
        let report = try importing([dir], into: store)
        #expect(report.files.map(\.format).allSatisfy { $0 == "account" })
        #expect(report.total.musicPlays == 4)
        #expect(report.total.episodes == 1)
        #expect(report.total.duplicates == 1)
        #expect(report.total.rejected == 1)
        #expect(report.total.rejections["track without artistName"] == nil)
        #expect(report.total.rejections["no trackName, episodeName or chapterName"] == 1)
        #expect(Set(report.skipped.map { URL(fileURLWithPath: $0.file).lastPathComponent }) == ["Userdata.json", "Payments.json"])
        // A track is artist + name: "One" by Ann and "One" by Cy are two tracks.
        let tracks = try top(store, .tracks)
        #expect(tracks.count == 3)
        #expect(tracks.filter { $0.name == "One" }.count == 2)
        #expect(tracks.allSatisfy { $0.uri == nil && $0.album == nil })
        #expect(try top(store, .albums).isEmpty)
        let stats = try store.stats(range: .all, timeZone: .gmt, profile: try store.profile(named: "default"))
        #expect(stats.episodes == 1)
        #expect(stats.firstPlay == SpotifyTimeShim.utc(2024, 5, 6, 18, 43))
    }

    @Test(arguments: StoreBackend.allCases)
    func profilesKeepDataApart(backend: StoreBackend) throws {
        let store = try backend.make()
        let zip = try extendedZip(try F.folder())
        _ = try importing([zip], into: store, profile: "ana")
        #expect(try top(store, .tracks, profile: "ana").count == 3)
        #expect(try top(store, .tracks, profile: "ben").isEmpty)
        let benReport = try importing([zip], into: store, profile: "ben")
        #expect(benReport.total.duplicates == 1)  // only within the export, not against Ana's plays
        try store.deleteProfile(named: "ana")
        #expect(try store.existingProfile(named: "ana") == nil)
        #expect(try top(store, .tracks, profile: "ben").count == 3)
        #expect(try store.profiles().map(\.name) == ["ben"])
    }

    @Test(arguments: StoreBackend.allCases)
    func statsCountPatternsInTheTimeZone(backend: StoreBackend) throws {
        let store = try backend.make()
        _ = try importing([try extendedZip(try F.folder())], into: store)
        let profile = try store.profile(named: "default")
        let s = try store.stats(range: .all, timeZone: .gmt, profile: profile)
        #expect(s.musicPlays == 5 && s.streams == 4)
        #expect(s.episodes == 1 && s.audiobookChapters == 1)
        #expect(s.distinctTracks == 3 && s.distinctArtists == 2 && s.distinctAlbums == 2)
        #expect(s.firstPlay == SpotifyTimeShim.utc(2020, 1, 1, 10, 0))
        #expect(s.streamsByHour[10] == 3 && s.streamsByHour[8] == 1)
        #expect(s.streamsByWeekday[2] == 3)  // 2020-01-01 was a Wednesday
        #expect(s.streamsByMonth[0] == 3 && s.streamsByMonth[5] == 1)
        let ny = try #require(TimeZone(identifier: "America/New_York"))
        let local = try store.stats(range: .all, timeZone: ny, profile: profile)
        #expect(local.streamsByHour[5] == 3)  // 10:00 UTC is 05:00 in New York in January
        #expect(local.streamsByHour[4] == 1)  // 08:00 UTC is 04:00 in June (EDT)
    }
}

enum SpotifyTimeShim {
    static func utc(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int) -> Int64 {
        CalendarDay(year: y, month: m, day: d).daysSinceEpoch * 86_400 + Int64(h * 3600 + mi * 60)
    }
}

/// Account data and extended history overlap; the same listen in both counts once.
@Suite struct CrossFormatTests {
    typealias F = Fixtures

    func files(_ dir: URL) throws -> (extended: URL, account: URL) {
        let extended = try F.write(
            try F.json([
                F.extended(ts: "2024-05-06T18:43:27Z", ms: 216_783, track: "One", artist: "Ann", album: "First", uri: "spotify:track:one"),
                F.extended(ts: "2024-05-06T19:00:10Z", ms: 100_000, track: "Two", artist: "Ann", album: "First", uri: "spotify:track:two"),
            ]), to: dir, "Spotify Extended Streaming History/Streaming_History_Audio_2024.json")
        let account = try F.write(
            try F.json([
                F.account(end: "2024-05-06 18:43", artist: "Ann", track: "One", ms: 216_783),  // the same listen
                F.account(end: "2024-05-06 19:00", artist: "Ann", track: "Two", ms: 99_000),  // another length: another listen
                F.account(end: "2024-05-07 08:00", artist: "Ann", track: "One", ms: 216_783),  // another day
            ]), to: dir, "Spotify Account Data/StreamingHistory_music_0.json")
        return (extended, account)
    }

    @Test(arguments: StoreBackend.allCases, [false, true])
    func theSameListenInBothFormatsCountsOnce(backend: StoreBackend, accountFirst: Bool) throws {
        let store = try backend.make()
        let profile = try store.profile(named: "default")
        let (extended, account) = try files(try F.folder())
        let order = accountFirst ? [account, extended] : [extended, account]
        let first = try HistoryImporter().run(paths: [order[0].path], store: store, profile: profile)
        let second = try HistoryImporter().run(paths: [order[1].path], store: store, profile: profile)
        #expect(first.total.duplicates == 0)
        #expect(second.total.duplicates == 1)
        #expect(first.total.musicPlays + second.total.musicPlays == 4)
        let tracks = try store.top(ChartQuery(kind: .tracks, metric: .streams, limit: 10), profile: profile)
        let ones = tracks.filter { $0.name == "One" }
        // The 18:43 listen is stored once, with the extended record's URI.
        #expect(ones.map(\.streams).reduce(0, +) == 2)
        // One track (issue 19): a play without a URI counts for the track with a URI and the same
        // artist and title.
        #expect(ones.count == 1 && ones.first?.uri == "spotify:track:one")
        let stats = try store.stats(range: .all, timeZone: .gmt, profile: profile)
        #expect(stats.musicPlays == 4)
    }
}
