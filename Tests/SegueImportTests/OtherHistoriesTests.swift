import Foundation
import SegueModel
import SegueStore
import Testing

@testable import SegueImport

/// Last.fm, ListenBrainz, Apple Music and YouTube Music histories in the shapes they have in the wild
/// (issue 19): each record a listen or a rejection with its reason, every hostile shape one sentence.
@Suite struct OtherHistoriesTests {
    /// 2026-12-07, so fixtures from 2017-2024 are in the past.
    let now: Int64 = 1_796_601_600

    func parse(_ text: String, _ format: HistoryFormat, file: String = "f") throws -> ParsedListens {
        try HistoryFormat.parseListens(FileBytes(Array(text.utf8)), format: format, file: file, now: now)
    }

    @Test func lastfmWithoutHeader() throws {
        let csv = """
            Radiohead,OK Computer,Airbag,19 Oct 2017 17:54
            "Crosby, Stills & Nash",,"Suite: Judy Blue Eyes",01 Jan 2020 00:00
            Now Playing Band,Album,Current Song,
            Somebody,Album,Song,01 Jan 1970 00:00
            Bad,Date,Row,31 Feb 2020 10:00

            """
        #expect(HistoryFormat.sniff(Array(csv.utf8)) == .lastfmCSV)
        let parsed = try parse(csv, .lastfmCSV)
        #expect(parsed.records == 5)
        #expect(parsed.listens.count == 2)
        let first = try #require(parsed.listens.first)
        #expect(first.artist == "Radiohead" && first.album == "OK Computer" && first.title == "Airbag")
        #expect(first.time == 1_508_435_640 && first.timeIsStart && first.durationMs == nil && first.source == .lastfm)
        #expect(parsed.listens[1].artist == "Crosby, Stills & Nash" && parsed.listens[1].album == nil)
        #expect(parsed.rejections["no date (the track playing while the export ran)"] == 1)
        #expect(parsed.rejections["time before 2002 (a placeholder date)"] == 1)
        #expect(parsed.rejections["date is not like '19 Oct 2017 17:54'"] == 1)
        #expect(parsed.examples.map(\.record) == [2, 3, 4])
    }

    @Test func lastfmWithHeaderQuotedCRLF() throws {
        let csv =
            "\u{FEFF}\"uts\",\"utc_time\",\"artist\",\"artist_mbid\",\"album\",\"album_mbid\",\"track\",\"track_mbid\"\r\n"
            + "\"1508435640\",\"19 Oct 2017, 17:54\",\"Radiohead\",\"a74b1b7f\",\"OK Computer\",\"\",\"Airbag\",\"f0b6b4d2-1ed6-4b2d-9d2e-8a8d5c7b1a11\"\r\n"
            + "\"1508435900\",\"19 Oct 2017, 17:58\",\"Say \"\"Hi\"\"\",\"\",\"\",\"\",\"Line\r\nBreak\",\"\"\r\n"
            + "\"soon\",\"\",\"A\",\"\",\"\",\"\",\"B\",\"\"\r\n"
        #expect(HistoryFormat.sniff(Array(csv.utf8)) == .lastfmCSV)
        let parsed = try parse(csv, .lastfmCSV)
        #expect(parsed.records == 3 && parsed.listens.count == 2)
        #expect(parsed.listens[0].recordingMBID == "f0b6b4d2-1ed6-4b2d-9d2e-8a8d5c7b1a11")
        #expect(parsed.listens[0].time == 1_508_435_640)
        #expect(parsed.listens[1].artist == "Say \"Hi\"" && parsed.listens[1].title == "Line\r\nBreak")
        #expect(parsed.listens[1].album == nil)
        #expect(parsed.rejections == ["uts is not a number of seconds": 1])
    }

    /// Rows are read from their bytes (no `String` per field): the edges that path must still get
    /// right, as the `String` rules did.
    @Test func lastfmRowsReadFromBytesKeepTheTextRules() throws {
        let long = String(repeating: "é", count: 513)  // 1,026 bytes
        let csv =
            "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"
            + " +1508435640 ,,\u{00A0}Björk\u{3000},,\"Homo\"genic,,\" Jóga \",\n"  // Unicode spaces trimmed; text after a closing quote kept
            + "1508435641,,\(long),,,,T,\n"
            + "1508435642,,A\u{0}B,,,,T,\n"
            + "9223372036854775807,,A,,,,T,\n"  // 19 digits: a number, far in the future
            + "12e3,,A,,,,T,\n"
            + "1508435643,,\u{00A0},,,,T,\n"
            + "1508435644,,Björk,,Homogenic,,Jóga,\n"
        let parsed = try parse(csv, .lastfmCSV)
        #expect(parsed.records == 7)
        #expect(parsed.listens.count == 2)
        #expect(parsed.listens[0].artist == "Björk" && parsed.listens[0].title == "Jóga")
        #expect(parsed.listens[0].album == "Homogenic" && parsed.listens[0].time == 1_508_435_640)
        #expect(
            parsed.listens[1] == Listen(source: .lastfm, time: 1_508_435_644, timeIsStart: true, artist: "Björk", title: "Jóga", album: "Homogenic"))
        #expect(
            parsed.rejections == [
                "a name longer than 1,024 bytes": 1, "a name with a NUL character": 1, "time in the future": 1,
                "uts is not a number of seconds": 1, "no artist name": 1,
            ])
        // The batch for the store: one item for both listens of the same names.
        let file = HistoryImporter.parsedFile(parsed)
        #expect(file.batch.items.count == 1 && file.batch.count == 2)
        #expect(file.plays.map(\.endTime) == [1_508_435_640, 1_508_435_644] && file.plays.allSatisfy { $0.msPlayed == -1 })
    }

    @Test func hostileCSVIsOneSentenceNamingTheLine() throws {
        let open = "Radiohead,OK Computer,Airbag,19 Oct 2017 17:54\nA,B,\"never closed,19 Oct 2017 17:55\n"
        #expect {
            try parse(open, .lastfmCSV, file: "scrobbles.csv")
        } throws: { ($0 as? ImportError)?.description == "scrobbles.csv: line 2 has a quoted field that never closes" }
        let huge = "Radiohead,OK Computer,Airbag,19 Oct 2017 17:54\n" + String(repeating: "x", count: 1 << 21) + ",a,b,c\n"
        #expect {
            try parse(huge, .lastfmCSV, file: "scrobbles.csv")
        } throws: { ($0 as? ImportError)?.description == "scrobbles.csv: line 2 is longer than 1 MiB" }
        #expect {
            try parse("hello,world\n", .lastfmCSV, file: "notes.csv")
        } throws: { ($0 as? ImportError)?.description.hasPrefix("notes.csv: line 1 is neither a Last.fm export header") == true }
        // A short row after the header is that row's rejection; NUL and giant names too.
        let rows = "uts,artist,track\n1508435640,A\n1508435640,A\u{0}B,T\n1508435640,\(String(repeating: "n", count: 2000)),T\n"
        let parsed = try parse(rows, .lastfmCSV)
        #expect(parsed.listens.isEmpty && parsed.records == 3)
        #expect(parsed.rejections["line 2 has 2 fields, fewer than the header's"] == 1)
        #expect(parsed.rejections["a name with a NUL character"] == 1)
        #expect(parsed.rejections["a name longer than 1,024 bytes"] == 1)
    }

    @Test func listenBrainzArrayAndLines() throws {
        let listen = """
            {"listened_at": 1700000000, "track_metadata": {"artist_name": "Björk", "track_name": "Jóga", "release_name": "Homogenic",
             "additional_info": {"duration_ms": 305000, "recording_mbid": "b1a9c0e9-d987-4042-ae91-78d6a3267d69",
             "spotify_id": "https://open.spotify.com/track/3yNZ5r3LKfdmjoS3gkhUCT", "isrc": "GBAAN9700110"}}}
            """
        let array =
            "[\(listen), {\"listened_at\": 1700000400, \"track_metadata\": {\"artist_name\": \"Björk\", \"track_name\": \"Bachelorette\", \"additional_info\": {\"duration\": 312}}}]"
        #expect(HistoryFormat.sniff(Array(array.utf8)) == .listenBrainz)
        let parsed = try parse(array, .listenBrainz)
        #expect(parsed.listens.count == 2 && parsed.rejected == 0)
        let jóga = parsed.listens[0]
        #expect(jóga.time == 1_700_000_000 && jóga.timeIsStart && jóga.durationMs == 305_000 && jóga.endTime == 1_700_000_305)
        #expect(jóga.spotifyURI == "spotify:track:3yNZ5r3LKfdmjoS3gkhUCT" && jóga.isrc == "GBAAN9700110")
        #expect(jóga.recordingMBID == "b1a9c0e9-d987-4042-ae91-78d6a3267d69" && jóga.album == "Homogenic")
        #expect(parsed.listens[1].durationMs == 312_000 && parsed.listens[1].album == nil)

        let lines =
            listen.replacingOccurrences(of: "\n", with: "") + "\n{not json\n"
            + "{\"listened_at\": true, \"track_metadata\": {\"artist_name\": \"A\", \"track_name\": \"B\"}}\n"
            + "{\"listened_at\": 1700000000, \"track_metadata\": {\"artist_name\": \"\", \"track_name\": \"B\"}}\n"
            + "{\"listened_at\": 1700000000, \"track_metadata\": {\"artist_name\": \"A\", \"track_name\": \"B\", \"additional_info\": {\"duration_ms\": -5}}}\n"
            + "{\"listened_at\": 99999999999, \"track_metadata\": {\"artist_name\": \"A\", \"track_name\": \"B\"}}\n"
        let jsonl = try parse(lines, .listenBrainz)
        #expect(jsonl.records == 6 && jsonl.listens.count == 2)
        #expect(jsonl.listens[1].durationMs == nil)
        #expect(jsonl.rejections["line 2 is not valid JSON"] == 1)
        #expect(jsonl.rejections["listened_at is not a number of seconds"] == 1)
        #expect(jsonl.rejections["no artist name"] == 1)
        #expect(jsonl.rejections["time in the future"] == 1)
    }

    @Test func listenBrainzHostile() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            try parse(deep, .listenBrainz, file: "listens.json")
        } throws: { ($0 as? ImportError)?.description.hasPrefix("listens.json: malformed JSON") == true }
        #expect {
            try parse("hello\n", .listenBrainz, file: "listens.jsonl")
        } throws: { ($0 as? ImportError)?.description == "listens.jsonl: line 1 is not a JSON object" }
    }

    @Test func appleMusicActivity() throws {
        let csv = """
            Apple Id Number,Artist Name,Content Name,Content Specific Type,Event End Timestamp,Event Start Timestamp,Event Type,Play Duration Milliseconds,Media Duration In Milliseconds
            1,Aurora,Runaway,Song,2021-03-04T18:23:47.123Z,2021-03-04T18:19:39.000Z,PLAY_END,248123,248500
            1,Aurora,Runaway,Song,2021-03-04T18:23:47.123Z,,LYRIC_DISPLAY,,
            1,,Untitled,Song,2021-03-04T18:30:00Z,,PLAY_END,1000,
            1,Aurora,Queendom,Song,2021-03-04T18:40:00Z,,PLAY_END,-2,
            1,Aurora,Queendom,Song,2021-03-04T18:41:00Z,,PLAY_END,0,
            1,Some Show,Episode 1,Radio Show,2021-03-04T18:50:00Z,,PLAY_END,60000,
            1,"Sigur Rós","Hoppípolla",Song,2021-03-05T08:00:00Z,,,268000,

            """
        #expect(HistoryFormat.sniff(Array(csv.utf8)) == .appleMusic)
        let parsed = try parse(csv, .appleMusic)
        #expect(parsed.records == 7 && parsed.listens.count == 2)
        let runaway = parsed.listens[0]
        #expect(runaway.source == .apple && !runaway.timeIsStart && runaway.time == 1_614_882_227 && runaway.durationMs == 248_123)
        #expect(runaway.startTime == Int64(1_614_881_979))
        #expect(parsed.listens[1].title == "Hoppípolla")
        #expect(parsed.rejections["not the end of a play (LYRIC_DISPLAY)"] == 1)
        #expect(parsed.rejections["no artist name"] == 1)
        #expect(parsed.rejections["a play duration of zero or less"] == 2)
        #expect(parsed.rejections["not a song (Radio Show)"] == 1)
        // An older export: no Content Specific Type, Song Name, only a start time.
        let old = "Artist Name,Song Name,Event Start Timestamp,Play Duration Milliseconds\nAurora,Runaway,2017-01-02T03:04:05Z,200000\n"
        let older = try parse(old, .appleMusic)
        #expect(older.listens.count == 1 && older.listens[0].timeIsStart && older.listens[0].endTime == 1_483_326_245 + 200)
    }

    @Test func youtubeMusicTakeout() throws {
        let json = """
            [{"header": "YouTube Music", "title": "Watched Hoppípolla", "titleUrl": "https://music.youtube.com/watch?v=x",
              "subtitles": [{"name": "Sigur Rós - Topic", "url": "https://www.youtube.com/channel/y"}],
              "time": "2023-05-01T12:34:56.789Z", "products": ["YouTube"]},
             {"header": "YouTube", "title": "Watched cats", "subtitles": [{"name": "Cat Channel"}], "time": "2023-05-01T12:40:00Z"},
             {"header": "YouTube Music", "title": "Watched https://music.youtube.com/watch?v=gone", "time": "2023-05-01T12:50:00Z"},
             {"header": "YouTube Music", "title": "Watched Song", "subtitles": [{"name": "Band"}], "time": "yesterday"},
             "not an object"]
            """
        #expect(HistoryFormat.sniff(Array(json.utf8)) == .youtubeMusic)
        let parsed = try parse(json, .youtubeMusic)
        #expect(parsed.records == 5 && parsed.listens.count == 1)
        let song = parsed.listens[0]
        #expect(song.artist == "Sigur Rós" && song.title == "Hoppípolla" && song.time == 1_682_944_496 && song.timeIsStart)
        #expect(parsed.rejections["not YouTube Music (a YouTube video)"] == 1)
        #expect(parsed.rejections["a removed video (no channel)"] == 1)
        #expect(parsed.rejections["time is missing or not an ISO 8601 time"] == 1)
        #expect(parsed.rejections["not a JSON object"] == 1)
    }

    @Test func sniffingTellsSpotifyAndStrangersApart() {
        #expect(HistoryFormat.sniff(Array("[{\"ts\": \"2020-01-01T00:00:00Z\", \"ms_played\": 1}]".utf8)) == .spotify)
        #expect(HistoryFormat.sniff(Array("[{\"endTime\": \"2020-01-01 00:00\", \"msPlayed\": 1}]".utf8)) == .spotify)
        #expect(HistoryFormat.sniff(Array("{\"name\": \"x\"}".utf8)) == nil)
        #expect(HistoryFormat.sniff(Array("a,b,c\n".utf8)) == nil)
        #expect(HistoryFormat.sniff([UInt8]()) == nil)
        #expect(HistoryFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == nil)
    }
}
