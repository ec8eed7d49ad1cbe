import Foundation
import SegueModel
import Testing

@testable import SegueImport

@Suite struct JSONScannerTests {
    func parse(_ text: String, required: Bool = true) throws -> HistoryImporter.ParsedFile? {
        try HistoryImporter.parse(Array(text.utf8), name: "f.json", required: required)
    }

    @Test func readsEscapesAndUnicode() throws {
        let text = #"""
            [{"ts":"2020-01-02T03:04:05Z","ms_played":31000,"master_metadata_track_name":"Tab\there \"q\" \u00e9 \ud83c\udfb5 /\/",
              "master_metadata_album_artist_name":"夜の図書館","master_metadata_album_album_name":null,"spotify_track_uri":"spotify:track:x",
              "unknown_nested":{"a":[1,2,{"b":"]}"}]},"skipped":null}]
            """#
        let parsed = try #require(try parse(text))
        #expect(parsed.plays.count == 1)
        #expect(parsed.plays[0].title == "Tab\there \"q\" é 🎵 //")
        #expect(parsed.plays[0].creator == "夜の図書館")
        #expect(parsed.plays[0].album == nil)
        #expect(parsed.plays[0].endTime == 1_577_934_245)
    }

    @Test func acceptsAByteOrderMarkAndAnEmptyArray() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array(" [ ] ".utf8)
        let parsed = try #require(try HistoryImporter.parse(bytes, name: "bom.json", required: true))
        #expect(parsed.records == 0)
    }

    @Test(arguments: [
        (#"[{"ts": "x",}]"#, 12),
        (#"[{"ts" "x"}]"#, 7),
        (#"[{"ts": tru}]"#, 8),
        (#"[{"ts": "unterminated}]"#, 8),
        (#"[{"ts":"x"} {"ts":"y"}]"#, 12),
        (#"[{"ts":"x"}] trailing"#, 13),
        (#"[{"a":01.}]"#, 6),
    ])
    func malformedJSONNamesTheByteOffset(text: String, offset: Int) {
        do {
            _ = try parse(text)
            Issue.record("no error for \(text)")
        } catch let ImportError.malformedJSON(file, at, _) {
            #expect(file == "f.json")
            #expect(at == offset)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func wrongShapeIsAnError() throws {
        #expect(throws: ImportError.wrongShape(file: "f.json", record: nil, reason: "expected a JSON array of plays, found an object")) {
            _ = try parse(#"{"ts": "2020-01-01T00:00:00Z"}"#)
        }
        #expect(
            throws: ImportError.wrongShape(
                file: "f.json", record: 0, reason: "neither extended history (ts, ms_played) nor account data (endTime, msPlayed)")
        ) {
            _ = try parse(#"[{"name": "Userdata"}]"#)
        }
        #expect(throws: ImportError.self) { _ = try parse(#"[{"ts":"2020-01-01T00:00:00Z","ms_played":1}, 42]"#) }
        // A file found by walking an export that is not history is skipped, not an error.
        #expect(try parse(#"[{"name": "Userdata"}]"#, required: false) == nil)
    }

    @Test func parsesBothTimestampShapes() {
        #expect(SpotifyTime.parseISO8601("1970-01-01T00:00:00Z") == 0)
        #expect(SpotifyTime.parseISO8601("2019-11-05T14:28:00Z") == 1_572_964_080)
        #expect(SpotifyTime.parseISO8601("2019-11-05T14:28:00.123Z") == 1_572_964_080)
        #expect(SpotifyTime.parseISO8601("2019-11-05T15:28:00+01:00") == 1_572_964_080)
        #expect(SpotifyTime.parseISO8601("2019-11-31T14:28:00Z") == nil)
        #expect(SpotifyTime.parseISO8601("2019-11-05") == nil)
        #expect(SpotifyTime.parseAccountTime("2024-05-06 18:43") == utcTime(2024, 5, 6, 18, 43))
        #expect(SpotifyTime.parseAccountTime("2024-05-06T18:43") == nil)
    }
}

func utcTime(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int) -> Int64 {
    var c = DateComponents()
    (c.year, c.month, c.day, c.hour, c.minute) = (y, m, d, h, mi)
    c.timeZone = TimeZone(identifier: "UTC")
    return Int64(Calendar(identifier: .gregorian).date(from: c)!.timeIntervalSince1970)
}

@Suite struct JSONStringScanTests {
    /// The eight-bytes-at-a-time scan must stop at a quote, backslash or control byte wherever it falls.
    @Test func findsTheEndOfStringsAtEveryOffset() throws {
        for n in 0..<20 {
            let body = String(repeating: "é", count: n / 2) + String(repeating: "a", count: n % 2)
            let text =
                #"[{"ts":"2020-01-01T00:00:00Z","ms_played":1,"master_metadata_track_name":""# + body
                + #"\"x","master_metadata_album_artist_name":"A","spotify_track_uri":"u"}]"#
            let parsed = try #require(try HistoryImporter.parse(Array(text.utf8), name: "f", required: true))
            #expect(parsed.plays.first?.title == body + "\"x")
            let raw = #"[{"ts":"2020-01-01T00:00:00Z","x":""# + String(repeating: "b", count: n) + "\u{01}\"}]"
            #expect(throws: ImportError.self) { _ = try HistoryImporter.parse(Array(raw.utf8), name: "f", required: true) }
        }
        #expect(!JSONScanner.mayEndString(UInt64(littleEndian: 0x6867_6665_6463_6261)))  // "abcdefgh"
        #expect(JSONScanner.mayEndString(UInt64(littleEndian: 0x6867_6665_2263_6261)))
        #expect(JSONScanner.mayEndString(UInt64(littleEndian: 0x0967_6665_6463_6261)))
        #expect(JSONScanner.mayEndString(UInt64(littleEndian: 0x5C67_6665_6463_6261)))
    }
}

@Suite struct SpotifyRecordTests {
    func play(_ json: String) throws -> Play? {
        try #require(try HistoryImporter.parse(Array(json.utf8), name: "f", required: true)).plays.first
    }

    @Test func offlineTimestampsInSecondsOrMillisecondsBecomeSeconds() throws {
        let base =
            #""ts":"2020-01-01T00:00:00Z","ms_played":40000,"master_metadata_track_name":"T","master_metadata_album_artist_name":"A","spotify_track_uri":"spotify:track:t""#
        #expect(try play("[{\(base),\"offline_timestamp\":1577836000}]")?.offlineTimestamp == 1_577_836_000)
        #expect(try play("[{\(base),\"offline_timestamp\":1577836000123}]")?.offlineTimestamp == 1_577_836_000)
        #expect(try play("[{\(base),\"offline_timestamp\":0}]")?.offlineTimestamp == nil)
        #expect(try play("[{\(base),\"offline_timestamp\":null,\"offline\":true,\"shuffle\":null,\"skipped\":1}]")?.offline == true)
        #expect(try play("[{\(base),\"skipped\":1}]")?.skipped == true)
    }

    @Test func absentFieldsAreLikeNulls() throws {
        // Only what a music play needs; everything else missing.
        let p = try #require(
            try play(
                #"[{"ts":"2020-01-01T00:00:00Z","ms_played":0,"master_metadata_track_name":"T","master_metadata_album_artist_name":"A","spotify_track_uri":"u"}]"#
            ))
        #expect(p.kind == .music && p.album == nil && p.platform == nil && p.shuffle == nil && p.msPlayed == 0)
        let parsed = try #require(
            try HistoryImporter.parse(Array(#"[{"ts":"2020-01-01T00:00:00Z"},{"ms_played":5}]"#.utf8), name: "f", required: true))
        #expect(parsed.rejections == ["missing ms_played": 1, "missing ts": 1])
    }

    /// Found by the spotify-json fuzz target: a whole number too large for Int64 trapped while the
    /// record was read; now it is out of the field's range, and the record is rejected for it.
    @Test func numbersPastInt64AreOutOfRangeNotATrap() throws {
        let huge = String(repeating: "4", count: 90)
        let parsed = try #require(
            try HistoryImporter.parse(
                Array(
                    #"[{"endTime":"2024-05-06 18:43","artistName":"A","trackName":"T","msPlayed":\#(huge)},{"endTime":"2024-05-06 18:44","artistName":"A","trackName":"T","msPlayed":-\#(huge)},{"endTime":"2024-05-06 18:45","artistName":"A","trackName":"T","msPlayed":1e300}]"#
                        .utf8),
                name: "f", required: true))
        #expect(parsed.rejections == ["msPlayed out of range": 3])
    }

    @Test func wrongTypesRejectTheRecordWithTheField() throws {
        let parsed = try #require(
            try HistoryImporter.parse(
                Array(
                    #"[{"ts":"2020-01-01T00:00:00Z","ms_played":"12","master_metadata_track_name":"T"},{"ts":"2020-01-01T00:00:00Z","ms_played":1,"shuffle":"yes"}]"#
                        .utf8),
                name: "f", required: true))
        #expect(parsed.rejections == ["ms_played is not an integer": 1, "shuffle is not a boolean": 1])
    }
}
