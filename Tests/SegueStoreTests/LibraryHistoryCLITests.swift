import Foundation
import SegueTestSupport
import Testing

/// Issue 19, history meets the library: `segue library list` shows each file's plays and last played
/// day from the profile's history, matched by normalised artist and title (and album when both have one).
extension CLITests {
    func makeTaggedTone(_ path: String, artist: String, title: String, album: String? = nil, tags: [String] = []) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments =
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=5", "-metadata", "artist=\(artist)",
                "-metadata", "title=\(title)",
            ] + (album.map { ["-metadata", "album=\($0)"] } ?? []) + tags.flatMap { ["-metadata", $0] } + [path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func libraryFilesShowTheirPlaysFromTheHistory() throws {
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        try makeTaggedTone(music.appendingPathComponent("a.flac").path, artist: "Björk", title: "Jóga", album: "Homogenic")
        try makeTaggedTone(music.appendingPathComponent("b.flac").path, artist: "BJÖRK ", title: "army of me")
        try makeTaggedTone(music.appendingPathComponent("c.flac").path, artist: "Björk", title: "Jóga", album: "Live at Royal Opera House")
        try makeTaggedTone(music.appendingPathComponent("d.flac").path, artist: "Nobody", title: "Never Played")
        let csv = "Björk,Homogenic,Jóga,01 Jun 2021 08:00\nBjörk,Homogenic,Jóga,03 Jun 2021 08:00\nBjörk,Post,Army of Me,02 Jun 2021 09:00\n"
        let scrobbles = dir.appendingPathComponent("scrobbles.csv")
        try Data(csv.utf8).write(to: scrobbles)
        #expect(try segue(["import", "--data", data, scrobbles.path]).status == 0)
        #expect(try segue(["library", "add", "--data", data, music.path]).status == 0)
        let list = try segue(["library", "list", "--data", data, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        let byFile = Dictionary(
            uniqueKeysWithValues: rows.map { ((($0["path"] as? String) ?? "") as NSString).lastPathComponent }.enumerated().map { ($1, rows[$0]) })
        #expect(byFile["a.flac"]?["plays"] as? Int == 2 && byFile["a.flac"]?["last_played"] as? String == "2021-06-03", "\(rows)")
        #expect(byFile["b.flac"]?["plays"] as? Int == 1 && byFile["b.flac"]?["last_played"] as? String == "2021-06-02")
        // Another album of the same song is another recording.
        #expect(byFile["c.flac"]?["plays"] as? Int == 0 && byFile["c.flac"]?["last_played"] == nil)
        #expect(byFile["d.flac"]?["plays"] as? Int == 0)
        let text = try segue(["library", "list", "--data", data])
        #expect(text.out.contains("Last played") && text.out.contains("2021-06-03"), "\(text.out)")

        // A radio seeded from the history: the most played library tracks of 2021 first.
        func radio(_ extra: [String]) throws -> [String] {
            let run = try segue(["playlist", "--data", data, "--mode", "radio", "--length", "2", "--format", "json"] + extra)
            #expect(run.status == 0, "\(run.err)")
            let tracks = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[String: Any]] ?? []
            return tracks.map { (($0["path"] as? String ?? "") as NSString).lastPathComponent }
        }
        #expect(try radio(["--seed-from-history", "2021"]).prefix(2) == ["a.flac", "b.flac"])
        #expect(
            try segue(["playlist", "--data", data, "--mode", "radio", "--seed-from-history", "2019"]).err.contains(
                "none of the library's analysed tracks was played in 2019"))
        #expect(try segue(["playlist", "--data", data, "--mode", "radio", "--seed-from-history", "20x1"]).err.contains("is not a period"))
        // Four equal tones: without a preference the tie goes to the first file; "unplayed" picks
        // the one never played.
        let seedID = String(byFile["d.flac"]?["id"] as? Int ?? 0)
        #expect(try radio(["--seed", seedID]) == ["d.flac", "a.flac"])
        #expect(try radio(["--seed", seedID, "--prefer", "unplayed"]) == ["d.flac", "c.flac"])
    }

    /// The same by ISRC and MusicBrainz recording id: tags written by ffmpeg (mp3 TXXX frames, FLAC
    /// Vorbis comments) meet a ListenBrainz export's ISRCs and a Last.fm CSV's track MBIDs.
    @Test func libraryFilesMatchPlaysByTheirIdentifiers() throws {
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        let a = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
        let b = "11111111-2222-4333-8444-555555555555"
        try makeTaggedTone(
            music.appendingPathComponent("remaster.mp3").path, artist: "The Band", title: "Song (Remastered 2011)", tags: ["ISRC=GBAYE0601498"])
        try makeTaggedTone(music.appendingPathComponent("twin-a.flac").path, artist: "Twins", title: "Twin", tags: ["MUSICBRAINZ_TRACKID=\(a)"])
        try makeTaggedTone(music.appendingPathComponent("twin-b.mp3").path, artist: "Twins", title: "Twin", tags: ["MusicBrainz Track Id=\(b)"])
        let lb =
            "{\"listened_at\": 1622534400, \"track_metadata\": {\"artist_name\": \"The Band\", \"track_name\": \"Song\", \"additional_info\": {\"isrc\": \"GBAYE0601498\"}}}\n"
        try Data(lb.utf8).write(to: dir.appendingPathComponent("listens.jsonl"))
        let csv =
            "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n1622600000,x,Twins,,,,Twin,\(a)\n1622700000,x,Twins,,,,Twin,\(a)\n1622800000,x,Twins,,,,Twin,bad-mbid\n"
        try Data(csv.utf8).write(to: dir.appendingPathComponent("lastfm.csv"))
        let imported = try segue([
            "import", "--data", data, dir.appendingPathComponent("listens.jsonl").path, dir.appendingPathComponent("lastfm.csv").path,
        ])
        #expect(imported.status == 0 && imported.out.contains("1 ISRCs or MusicBrainz recording ids were not valid"), "\(imported.out)")
        #expect(try segue(["library", "add", "--data", data, music.path]).status == 0)
        let list = try segue(["library", "list", "--data", data, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        let byFile = Dictionary(
            uniqueKeysWithValues: rows.map { ((($0["path"] as? String) ?? "") as NSString).lastPathComponent }.enumerated().map { ($1, rows[$0]) })
        #expect(byFile["remaster.mp3"]?["isrc"] as? String == "GBAYE0601498" && byFile["remaster.mp3"]?["plays"] as? Int == 1, "\(rows)")
        #expect(byFile["remaster.mp3"]?["last_played"] as? String == "2021-06-01")
        // Twin played three times, twice named recording A, once with an id that is not valid:
        // identifiers are kept per track, so the track is recording A with three plays; B's id
        // differs, so B has none though its names are the same.
        #expect(byFile["twin-a.flac"]?["recording_mbid"] as? String == a && byFile["twin-a.flac"]?["plays"] as? Int == 3)
        #expect(byFile["twin-b.mp3"]?["plays"] as? Int == 0)
    }
}
