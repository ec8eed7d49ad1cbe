import Foundation
import SegueTestSupport
import Testing

/// `segue recap` with the data folder's library: the sound of the year from the analysed files the
/// history plays (real files, made by ffmpeg and analysed by `segue library add`).
extension CLITests {
    @Test func recapHasTheSoundOfTheLibrarysPlayedFiles() throws {
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        let csv =
            "Björk,Homogenic,Jóga,01 Jun 2021 08:00\nBjörk,Homogenic,Jóga,03 Jun 2021 08:00\nBjörk,Post,Army of Me,02 Jun 2021 09:00\n"
            + "Nobody Here,Else,Not A File,04 Jun 2021 09:00\nBjörk,Homogenic,Jóga,03 Jun 2020 08:00\n"
        let scrobbles = dir.appendingPathComponent("scrobbles.csv")
        try Data(csv.utf8).write(to: scrobbles)
        #expect(try segue(["import", "--data", data, scrobbles.path]).status == 0)
        // No library yet: no sound, and no library file made by asking.
        let before = try #require(
            try JSONSerialization.jsonObject(with: Data(try segue(["recap", "2021", "--data", data, "--format", "json"]).out.utf8)) as? [String: Any])
        #expect(before["sound"] == nil && (before["totals"] as? [String: Any])?["plays"] as? Int == 4)
        #expect(!FileManager.default.fileExists(atPath: (data as NSString).appendingPathComponent("library.sqlite")))

        try makeTaggedTone(music.appendingPathComponent("a.flac").path, artist: "Björk", title: "Jóga", album: "Homogenic")
        try makeTaggedTone(music.appendingPathComponent("b.flac").path, artist: "BJÖRK ", title: "army of me")
        try makeTaggedTone(music.appendingPathComponent("d.flac").path, artist: "Nobody", title: "Never Played")
        #expect(try segue(["library", "add", "--data", data, music.path]).status == 0)
        let list = try segue(["library", "list", "--data", data, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        func bpm(_ file: String) -> Double {
            (rows.first { (($0["path"] as? String ?? "") as NSString).lastPathComponent == file }?["bpm"] as? Double) ?? .nan
        }
        let run = try segue(["recap", "2021", "--data", data, "--format", "json"])
        #expect(run.status == 0, "\(run.err)")
        let recap = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let sound = try #require(recap["sound"] as? [String: Any], "\(run.out.prefix(300))")
        // Jóga twice, Army of Me once: 3 of the 4 plays of 2021; the 2020 play is the period before.
        #expect(sound["matchedPlays"] as? Int == 3 && sound["matchedTracks"] as? Int == 2 && sound["previousMatchedPlays"] as? Int == 1)
        #expect(abs((sound["share"] as? Double ?? 0) - 0.75) < 1e-9)
        let expected = (2 * bpm("a.flac") + bpm("b.flac")) / 3
        #expect(abs((sound["averageBPM"] as? Double ?? 0) - expected) < 1e-3, "\(sound["averageBPM"] ?? "") against \(expected)")
        let playlist = try #require(sound["playlist"] as? [[String: Any]])
        #expect(playlist.map { $0["title"] as? String } == ["Jóga", "army of me"])
        #expect(playlist.map { $0["plays"] as? Int } == [2, 1])
        let text = try segue(["recap", "2021", "--data", data])
        #expect(
            text.out.contains("Sound") && text.out.contains("from 3 plays of 2 library songs") && text.out.contains("1. Jóga – Björk"), "\(text.out)")
        // 2019: nothing played, no sound.
        let empty = try #require(
            try JSONSerialization.jsonObject(with: Data(try segue(["recap", "2019", "--data", data, "--format", "json"]).out.utf8)) as? [String: Any])
        #expect(empty["sound"] == nil)
        // The cards include the sound.
        let cards = try segue(["recap", "2021", "--data", data, "--out", dir.appendingPathComponent("cards").path])
        #expect(cards.status == 0 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("cards/08-sound.png").path), "\(cards.err)")
    }
}
