import Foundation
import SegueTestSupport
import Testing

/// Issue 17 parts 4 and 5 from the command line: `segue library add` prints one short sentence per
/// failed file (the decoder's log only with `--verbose`), and `segue library list` lists every file
/// given, analysed or failed, with its reason; a file ffmpeg refuses is read by libsndfile.
extension CLITests {
    func makeTone(_ path: String, codec: [String] = [], title: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=6"] + codec + ["-metadata", "title=\(title)", path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func aGarbageMP3HasAShortMessageAndIsListed() throws {
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        // Behind a valid ID3 header, so ffmpeg gets to try (and prints its log).
        try (Data("ID3".utf8) + Data([4, 0, 0, 0, 0, 0, 0]) + Data(repeating: 0x42, count: 50_000)).write(
            to: music.appendingPathComponent("song.mp3"))
        try Data("a shopping list\n".utf8).write(to: music.appendingPathComponent("list.mp3"))
        try makeTone(music.appendingPathComponent("good.flac").path, title: "Good")
        let added = try segue(["library", "add", "--data", data, music.path])
        #expect(added.status == 1)
        let lines = added.err.split(separator: "\n").filter { $0.hasPrefix("failed: ") }
        #expect(lines.count == 2, "\(added.err)")
        for line in lines {
            #expect(line.count < 170 && (line.contains("song.mp3 ") || line.contains("list.mp3 ")) && !line.contains("@ 0x"), "\(line)")
        }
        #expect(added.err.count < 600, "\(added.err)")
        let verbose = try segue(["library", "add", "--data", data, "--verbose", music.path])
        #expect(verbose.err.count > added.err.count)
        let list = try segue(["library", "list", "--data", data, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        let byFile = Dictionary(
            uniqueKeysWithValues: rows.map { (($0["path"] as? String ?? "") as NSString).lastPathComponent }.enumerated().map { ($1, rows[$0]) })
        #expect(Set(byFile.keys) == ["song.mp3", "list.mp3", "good.flac"])
        #expect(byFile["good.flac"]?["status"] as? String == "done")
        #expect((byFile["song.mp3"]?["error"] as? String)?.hasPrefix("song.mp3 ") == true)
        #expect(byFile["list.mp3"]?["status"] as? String == "failed")
        let text = try segue(["library", "list", "--data", data])
        #expect(text.out.contains("list.mp3 is not an audio file"), "\(text.out)")
    }

    /// ffmpeg and ffprobe told to refuse every file (as Debian's 5.1 refuses some valid Vorbis
    /// files): the Ogg Vorbis file is still analysed, through libsndfile, and listed as done.
    @Test func aFileFFmpegRefusesIsAnalysedByTheSecondDecoder() throws {
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("data").path
        let song = dir.appendingPathComponent("theme.ogg").path
        try makeTone(song, codec: ["-c:a", "libvorbis"], title: "Main Theme")
        let added = try segue(
            ["library", "add", "--data", data, "--format", "json", song], environment: ["SEGUE_FFMPEG": "/bin/false", "SEGUE_FFPROBE": "/bin/false"])
        #expect(added.status == 0, "\(added.out) \(added.err)")
        let list = try segue(["library", "list", "--data", data, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["status"] as? String == "done" && rows[0]["title"] as? String == "Main Theme", "\(rows)")
        #expect(rows[0]["bpm"] != nil && rows[0]["camelot"] is String)
    }
}
