import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

/// Issue 19: every source in one history. Plays from different sources that are one listen count
/// once, whatever the order of the imports; a scrobble of a Spotify track counts for that track.
@Suite struct OneHistoryTests {
    typealias F = Fixtures

    func importing(_ paths: [URL], into store: any PlayStore) throws -> ImportReport {
        try HistoryImporter().run(paths: paths.map(\.path), store: store, profile: try store.profile(named: "me"))
    }

    func tracks(_ store: any PlayStore) throws -> [String] {
        try store.top(ChartQuery(kind: .tracks, metric: .streams, range: .all, limit: 10), profile: try store.profile(named: "me"))
            .map { "\($0.name)|\($0.artist ?? "")|\($0.uri ?? "")|\($0.streams)|\($0.milliseconds)" }
    }

    /// Creep on Spotify, 08:00:00–08:04:00 UTC on 1 June 2021.
    func spotify(_ dir: URL) throws -> URL {
        try F.write(
            try F.json([
                F.extended(
                    ts: "2021-06-01T08:04:00Z", ms: 240_000, track: "Creep", artist: "Radiohead", album: "Pablo Honey", uri: "spotify:track:creep")
            ]), to: dir, "Streaming_History_Audio_2021.json")
    }

    /// lastfm-to-csv (no header, minutes only): the same listen a minute after its start, another
    /// listen ten minutes later (other case, no album), and a song Spotify never saw.
    func lastfm(_ dir: URL) throws -> URL {
        try F.write(
            Data("Radiohead,Pablo Honey,Creep,01 Jun 2021 08:01\nradiohead,,CREEP,01 Jun 2021 08:11\nBjörk,Post,Army of Me,01 Jun 2021 09:00\n".utf8),
            to: dir, "scrobbles.csv")
    }

    @Test(arguments: StoreBackend.allCases)
    func aSpotifyPlayAndItsScrobbleCountOnceInEitherOrder(backend: StoreBackend) throws {
        let dir = try F.folder()
        let expected = [
            "Creep|Radiohead|spotify:track:creep|2|480000",  // the second scrobble adds the track's length
            "Army of Me|Björk||1|0",  // no length known anywhere: a stream, no minutes
        ]
        // Spotify first, then Last.fm.
        let a = try backend.make()
        _ = try importing([try spotify(dir)], into: a)
        let report = try importing([try lastfm(dir)], into: a)
        #expect(report.files.map(\.format) == ["lastfm"])
        #expect(report.total.musicPlays == 3)
        #expect(report.total.withoutLength == 3)
        #expect(report.mergedAcrossSources == ["lastfm": 1])
        #expect(try tracks(a) == expected)
        let stats = try a.stats(range: .all, timeZone: .gmt, profile: try a.profile(named: "me"))
        #expect(stats.musicPlays == 3)
        #expect(stats.playsWithoutLength == 2)
        #expect(stats.milliseconds == 480_000)

        // Last.fm first, then Spotify: the same history; the scrobble gives way to the richer play.
        let b = try backend.make()
        let first = try importing([try lastfm(dir)], into: b)
        #expect(first.mergedAcrossSources.isEmpty)
        let second = try importing([try spotify(dir)], into: b)
        #expect(second.mergedAcrossSources == ["lastfm": 1])
        #expect(try tracks(b) == expected)

        // Re-importing anything changes nothing.
        let again = try importing([try lastfm(dir), try spotify(dir)], into: b)
        #expect(again.total.duplicates == 4)
        #expect(again.total.musicPlays == 0)
        #expect(try tracks(b) == expected)
    }

    @Test(arguments: StoreBackend.allCases)
    func twoListensTenMinutesApartCountTwiceAndOneSourceNeverMerges(backend: StoreBackend) throws {
        let dir = try F.folder()
        let store = try backend.make()
        // Two Spotify plays of one track a minute apart are two plays (one source).
        _ = try importing(
            [
                try F.write(
                    try F.json([
                        F.extended(
                            ts: "2021-06-01T08:01:00Z", ms: 40_000, track: "Creep", artist: "Radiohead", album: "Pablo Honey",
                            uri: "spotify:track:creep"),
                        F.extended(
                            ts: "2021-06-01T08:02:00Z", ms: 40_000, track: "Creep", artist: "Radiohead", album: "Pablo Honey",
                            uri: "spotify:track:creep"),
                    ]), to: dir, "Streaming_History_Audio_2021.json")
            ], into: store)
        // ghan.nl's CSV (header, quoted, CRLF): one scrobble matches one of them (the other Spotify
        // play has no partner left), one is ten minutes later.
        let ghan = try F.write(
            Data(
                ("\"uts\",\"utc_time\",\"artist\",\"artist_mbid\",\"album\",\"album_mbid\",\"track\",\"track_mbid\"\r\n"
                    + "\"1622534430\",\"01 Jun 2021, 08:00\",\"Radiohead\",\"\",\"Pablo Honey\",\"\",\"Creep\",\"\"\r\n"
                    + "\"1622535030\",\"01 Jun 2021, 08:10\",\"Radiohead\",\"\",\"Pablo Honey\",\"\",\"Creep\",\"\"\r\n").utf8),
            to: dir, "recenttracks.csv")
        let report = try importing([ghan], into: store)
        #expect(report.files.map(\.format) == ["lastfm"])
        #expect(report.mergedAcrossSources == ["lastfm": 1])
        #expect(try tracks(store) == ["Creep|Radiohead|spotify:track:creep|3|120000"])
    }

    @Test(arguments: StoreBackend.allCases)
    func everySourceIsRecognisedByContentInFoldersAndArchives(backend: StoreBackend) throws {
        let dir = try F.folder()
        let store = try backend.make()
        // A ListenBrainz export: listens as JSON lines per month, beside files that are not listens.
        let lb =
            "{\"listened_at\": 1622534400, \"track_metadata\": {\"artist_name\": \"Björk\", \"track_name\": \"Jóga\", \"release_name\": \"Homogenic\", \"additional_info\": {\"duration_ms\": 305000}}}\n"
        try F.zip(
            [
                ("listens/2021/6.jsonl", Data(lb.utf8)),
                ("user.json", Data("{\"user_name\": \"me\"}".utf8)),
                ("feedback.jsonl", Data("{\"score\": 1, \"recording_msid\": \"x\"}\n".utf8)),
            ], at: dir.appendingPathComponent("listenbrainz_me.zip"))
        let other = dir.appendingPathComponent("other")
        // Apple Music (a negative duration is rejected with its reason) and YouTube Music.
        try F.write(
            Data(
                """
                Artist Name,Content Name,Content Specific Type,Event End Timestamp,Event Type,Play Duration Milliseconds
                Aurora,Runaway,Song,2021-06-02T10:04:08Z,PLAY_END,248000
                Aurora,Queendom,Song,2021-06-02T10:10:00Z,PLAY_END,-1

                """.utf8), to: other, "Apple Music Play Activity.csv")
        try F.write(
            Data(
                """
                [{"header": "YouTube Music", "title": "Watched Hoppípolla", "subtitles": [{"name": "Sigur Rós - Topic"}], "time": "2021-06-03T12:00:00Z"},
                 {"header": "YouTube Music", "title": "Watched https://music.youtube.com/watch?v=gone", "time": "2021-06-03T12:10:00Z"}]
                """.utf8), to: other, "watch-history.json")
        try F.write(Data("not, a, history\n".utf8), to: other, "notes.csv")
        let report = try importing([dir], into: store)
        #expect(report.files.map(\.format).sorted() == ["apple", "listenbrainz", "youtube"])
        #expect(report.total.musicPlays == 3)
        #expect(report.total.rejections == ["a play duration of zero or less": 1, "a removed video (no channel)": 1])
        #expect(
            Set(report.skipped.map { ($0.file as NSString).lastPathComponent + ": " + $0.reason }).isSuperset(of: [
                "notes.csv: not listening history", "listenbrainz_me.zip:user.json: not listening history",
                "listenbrainz_me.zip:feedback.jsonl: not listening history",
            ]))
        #expect(
            try tracks(store) == [
                "Hoppípolla|Sigur Rós||1|0", "Jóga|Björk||1|305000", "Runaway|Aurora||1|248000",
            ])
        // A history file named on its own is read whatever it is called; a stranger is one sentence.
        let named = try F.write(Data(lb.utf8), to: dir, "whatever.txt")
        #expect(try importing([named], into: store).total.duplicates == 1)
        let stranger = try F.write(Data("a,b,c\n".utf8), to: dir, "stranger.txt")
        #expect { try importing([stranger], into: store) } throws: {
            ($0 as? ImportError)?.description
                == "\(stranger.path): not a ZIP archive, a JSON file or a listening history Segue reads (Spotify, Last.fm, ListenBrainz, Apple Music, YouTube Music)"
        }
    }

    /// Export, then import into an empty profile: the same charts, stats, race and sources.
    @Test(arguments: StoreBackend.allCases)
    func exportThenImportGivesTheSameHistory(backend: StoreBackend) throws {
        let dir = try F.folder()
        let store = try backend.make()
        let zip = dir.appendingPathComponent("demo.zip")
        try DemoExport(seed: 7, records: 3_000, recordsPerFile: 1_500).writeZip(to: zip.path)
        _ = try importing([zip], into: store)
        let me = try store.profile(named: "me")
        // Scrobbles of every tenth play, 30 s after it started (one listen each), and a few of their own.
        let columns = try store.musicColumns(profile: me)
        var csv = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"
        for i in stride(from: 0, to: columns.playCount, by: 10) {
            let t = Int(columns.trackOfPlay[i])
            let start = columns.endTimes[i] - Int64(columns.milliseconds[i] / 1000) + 30
            let fields = [String(start), "", columns.artistNames[Int(columns.trackArtist[t])], "", "", "", columns.trackNames[t], ""]
            csv += fields.map { TextTable.csvField($0) }.joined(separator: ",") + "\n"
        }
        csv += "1700000000,,Nobody Else,,,,Only On Last.fm,\n1700000300,,Nobody Else,,,,Only On Last.fm,\n"
        let merged = try importing([try F.write(Data(csv.utf8), to: dir, "scrobbles.csv")], into: store)
        #expect(merged.mergedAcrossSources["lastfm"] == (columns.playCount + 9) / 10)

        var exported = ""
        let all = try store.musicColumns(profile: me)
        let written = HistoryExport.write(all, format: .listenbrainz) { exported += $0 }
        #expect(written == columns.playCount + 2)
        let file = try F.write(Data(exported.utf8), to: dir, "export.jsonl")
        let copy = try store.profile(named: "copy")
        let back = try HistoryImporter().run(paths: [file.path], store: store, profile: copy)
        #expect(back.files.map(\.format) == ["listenbrainz"] && back.total.rejected == 0 && back.mergedAcrossSources.isEmpty)
        for kind in EntityKind.allCases {
            for metric in [Metric.streams, .minutes] {
                let q = ChartQuery(kind: kind, metric: metric, range: .all, limit: 50)
                #expect(try store.top(q, profile: copy) == store.top(q, profile: me), "\(kind) \(metric)")
            }
        }
        // The same music statistics (the export holds music plays; episodes and chapters stay behind).
        var original = try store.stats(range: .all, timeZone: .gmt, profile: me)
        #expect(original.episodes > 0)
        original.episodes = 0
        original.audiobookChapters = 0
        #expect(try store.stats(range: .all, timeZone: .gmt, profile: copy) == original)
        let race = RaceQuery(kind: .artists, metric: .minutes, from: nil, to: nil, period: .month, top: 10)
        #expect(try store.race(race, timeZone: .gmt, profile: copy) == store.race(race, timeZone: .gmt, profile: me))
        #expect(try store.musicColumns(profile: copy).playsBySource() == store.musicColumns(profile: me).playsBySource())
        // The CSV has a header and one row per play.
        var table = ""
        HistoryExport.write(all, format: .csv) { table += $0 }
        #expect(table.split(separator: "\n").count == written + 1)
        #expect(table.hasPrefix("ended_at,started_at,artist,track,album,duration_ms,spotify_uri,source\n"))
    }

    /// Names are data in every format: a formula stays text in a spreadsheet, a quote or a line
    /// break stays inside its JSON string.
    @Test func exportedNamesCannotBreakOutOfTheirField() throws {
        var c = MusicColumns()
        c.endTimes = [1_700_000_000]
        c.milliseconds = [-1]
        c.trackOfPlay = [0]
        c.sources = [PlaySource.scrobble.rawValue]
        c.trackNames = ["=HYPERLINK(\"http://x\")"]
        c.trackURIs = [""]
        c.trackArtist = [0]
        c.trackAlbum = [-1]
        c.artistNames = ["a\"b\nc\u{2028}\u{1}"]
        var jsonl = ""
        HistoryExport.write(c, format: .listenbrainz) { jsonl += $0 }
        #expect(jsonl.split(separator: "\n").count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(jsonl.utf8)) as? [String: Any])
        let metadata = try #require(object["track_metadata"] as? [String: Any])
        #expect(metadata["artist_name"] as? String == "a\"b\nc\u{2028}\u{1}")
        #expect((metadata["additional_info"] as? [String: Any])?["duration_ms"] == nil)
        var csv = ""
        HistoryExport.write(c, format: .csv) { csv += $0 }
        #expect(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","))
        #expect(csv.hasSuffix(",,,scrobble\n"))
    }
}
