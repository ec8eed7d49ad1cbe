import Foundation
import SegueStore
import SegueStoreSQLite
import SegueTestSupport
import Testing

/// Runs the built `segue` executable the way a person does.
@Suite struct CLITests {
    static let executable: String = {
        // Tests/SegueStoreTests/CLITests.swift → package root → the build folder of this test run.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = bundle.appendingPathComponent("segue").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return root.appendingPathComponent(".build/debug/segue").path
    }()

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    func segue(_ args: [String], environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable)
        p.arguments = args
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// OpenBLAS is opened on first use (musicnn), so a command that multiplies no matrix never
    /// loads it: the dynamic loader's own log (LD_DEBUG=files) names every library it opens.
    @Test func commandsThatMultiplyNoMatrixNeverLoadOpenBLAS() throws {
        let dir = try Fixtures.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        let data = dir.appendingPathComponent("data").path
        let exported = try segue(["demo", "export", "--records", "500", zip], environment: ["LD_DEBUG": "files"])
        #expect(exported.status == 0)
        // The log is there (so its silence about OpenBLAS means something), and it names no OpenBLAS.
        #expect(exported.err.contains("libsqlite3"))
        #expect(!exported.err.contains("openblas"))
        let imported = try segue(["import", "--data", data, "--format", "json", zip], environment: ["LD_DEBUG": "files"])
        #expect(imported.status == 0)
        #expect(imported.err.contains("libsqlite3") && !imported.err.contains("openblas"))
    }

    @Test func importTopAndStatsFromTheCommandLine() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable), "build the segue product first")
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let zip = dir.appendingPathComponent("demo.zip").path
        #expect(try segue(["demo", "export", "--records", "3000", zip]).status == 0)
        let imported = try segue(["import", "--data", data, "--format", "json", zip])
        #expect(imported.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(imported.out.utf8)) as? [String: Any])
        #expect((report["total"] as? [String: Any])?["records"] as? Int == 3000)

        let top = try segue(["top", "--data", data, "--kind", "albums", "--metric", "minutes", "--limit", "5", "--format", "json"])
        #expect(top.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(top.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 5)
        #expect(rows.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
        let minutes = rows.compactMap { $0["minutes"] as? Double }
        #expect(minutes == minutes.sorted(by: >))
        #expect(rows.allSatisfy { $0["artist"] is String && $0["uri"] == nil })

        let csv = try segue(["top", "--data", data, "--kind", "tracks", "--from", "2020-01-01", "--to", "2020-12-31", "--format", "csv"])
        #expect(csv.out.hasPrefix("rank,name,artist,album,uri,streams,minutes\n"))
        let table = try segue(["top", "--data", data])
        #expect(table.status == 0 && table.out.contains("Streams"))
        let stats = try segue(["stats", "--data", data, "--tz", "Europe/Berlin"])
        #expect(stats.status == 0 && stats.out.contains("By weekday"))
    }

    /// `segue race` without `--duration` lasts 1 s per period step plus 2.5 s (5 to 60 s), and says so.
    @Test func raceLengthFollowsThePeriodsUnlessGiven() throws {
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let zip = dir.appendingPathComponent("demo.zip").path
        #expect(try segue(["demo", "export", "--records", "3000", zip]).status == 0)
        #expect(try segue(["import", "--data", data, zip]).status == 0)
        func frames(_ extra: [String]) throws -> Int? {
            let run = try segue(
                [
                    "race", "--data", data, "--from", "2023-01-01", "--to", "2023-12-31", "--size", "96x160", "--format", "json",
                    "--out", dir.appendingPathComponent("race-\(extra.count).mp4").path,
                ] + extra)
            #expect(run.status == 0, "\(run.err)")
            return (try? JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])?["frames"] as? Int
        }
        // Twelve months: 11 steps + 0.5 s settling + 2 s hold = 13.5 s at 30 fps.
        #expect(try frames([]) == 405)
        #expect(try frames(["--duration", "4"]) == 120)
        let short = try segue(["race", "--data", data, "--hold", "1", "--out", dir.appendingPathComponent("x.mp4").path])
        #expect(short.status != 0 && short.err.contains("hold the last frame for 1.5"))
        let help = try segue(["race", "--help"])
        #expect(help.out.contains("at least 5 s and at most 60 s"))
    }

    @Test func badInputExitsNonZeroNamingTheFile() throws {
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let bad = try Fixtures.write(Data("[{\"ts\": }]".utf8), to: dir, "Streaming_History_Audio_2020.json")
        let run = try segue(["import", "--data", data, bad.path])
        #expect(run.status != 0)
        #expect(run.err.contains(bad.path) && run.err.contains("byte 8"))
        #expect(run.err.contains("Nothing was imported"))
        let badDate = try segue(["top", "--data", data, "--from", "2020-13-01"])
        #expect(badDate.status != 0 && badDate.err.contains("2020-13-01"))
        let noProfile = try segue(["top", "--data", data, "--profile", "nobody"])
        #expect(noProfile.status != 0 && noProfile.err.contains("nobody"))
    }

    @Test func usersGetTokensOnce() throws {
        let data = try Fixtures.folder().appendingPathComponent("data").path
        let added = try segue(["users", "add", "ana", "--data", data])
        let token = added.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(added.status == 0 && token.count == 32)
        let again = try segue(["users", "add", "ana", "--data", data])
        #expect(again.status != 0 && again.err.contains("exists"))
        // Only the token's SHA-256 is kept: `show` cannot print it, `new-token` replaces it.
        let shown = try segue(["users", "show", "ana", "--data", data])
        #expect(shown.status == 0 && shown.out.contains("new-token") && !shown.out.contains(token))
        #expect(try segue(["users", "show", "bob", "--data", data]).status != 0)
        let renewed = try segue(["users", "new-token", "ana", "--data", data]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(renewed.count == 32 && renewed != token)
        for name in try FileManager.default.contentsOfDirectory(atPath: data) where name.hasPrefix("listens.sqlite") {
            let bytes = try String(contentsOfFile: data + "/" + name, encoding: .isoLatin1)
            #expect(!bytes.contains(token) && !bytes.contains(renewed), "\(name) holds a token")
        }
        #expect(try segue(["users", "new-token", "bob", "--data", data]).status != 0)
    }

    /// Feedback is written by visitors: printed on a terminal, its control characters are escaped and no line of
    /// a message passes for an entry of its own.
    @Test func feedbackListEscapesControlCharacters() throws {
        let data = try Fixtures.folder().appendingPathComponent("data").path
        let store = try SQLiteWebStore(path: SQLiteWebStore.databasePath(inDataDirectory: data))
        _ = try store.addFeedback(
            message: "nice\n#999  2020-01-01  ★★★★★\u{1B}]0;owned\u{07}\u{1B}[2J", rating: 2, contact: "me\u{1B}[31m@x", millis: 0)
        let run = try segue(["feedback", "list", "--data", data])
        #expect(run.status == 0)
        #expect(!run.out.contains("\u{1B}") && !run.out.contains("\u{07}"))
        #expect(run.out.contains("  #999  2020-01-01  ★★★★★\\e]0;owned\\u{7}\\e[2J"))
        #expect(run.out.contains("<me\\e[31m@x>"))
        #expect(!run.out.split(separator: "\n").contains { $0.hasPrefix("#999") })
    }

    @Test func serveRefusesASingleUserInstallOpenToTheNetworkWithoutAPassword() throws {
        let data = try Fixtures.folder().appendingPathComponent("data").path
        let open = try segue(["serve", "--single-user", "--host", "0.0.0.0", "--port", "1", "--data", data])
        #expect(open.status != 0 && open.err.contains("--password-file"))
        let empty = data + "-empty-password"
        #expect(FileManager.default.createFile(atPath: empty, contents: Data("\n".utf8)))
        let blank = try segue(["serve", "--single-user", "--host", "0.0.0.0", "--password-file", empty, "--port", "1", "--data", data])
        #expect(blank.status != 0 && blank.err.contains("is empty"))
        let metrics = try segue(["serve", "--metrics", "everywhere", "--port", "1", "--data", data])
        #expect(metrics.status != 0 && metrics.err.contains("--metrics"))
    }

    @Test func serveRefusesALatenessThatIsNotADuration() throws {
        for bad in ["2d", "-5m", "25h", "soon"] {
            let run = try segue(["serve", "--live-lateness=\(bad)", "--port", "1"])
            #expect(run.status != 0 && run.err.contains("--live-lateness") && run.err.contains(bad))
        }
    }

    @Test func ingestTokensAreCreatedAndListedWithoutTheirSecret() throws {
        let data = try Fixtures.folder().appendingPathComponent("data").path
        let created = try segue(["tokens", "create", "--scope", "ingest", "--name", "platform", "--data", data])
        let token = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && token.hasPrefix("sgi_") && token.count == 36)
        let store = try SQLiteListenStore(path: SQLiteListenStore.databasePath(inDataDirectory: data))
        #expect(try store.ingestToken(secret: token)?.name == "platform")
        store.close()
        let list = try segue(["tokens", "list", "--data", data])
        #expect(list.status == 0 && list.out.contains("platform") && list.out.contains("ingest"))
        #expect(list.out.contains(String(token.prefix(10))) && !list.out.contains(token))
        let bad = try segue(["tokens", "create", "--scope", "admin", "--data", data])
        #expect(bad.status != 0 && bad.err.contains("--scope"))
    }

    /// A cover embedded in a library file colours and illustrates that artist's bar; an artist
    /// without one gets generated artwork.
    @Test func embeddedCoversReachTheCharts() throws {
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let song = dir.appendingPathComponent("red.mp3").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = [
            "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-f", "lavfi", "-i",
            "color=c=0xE03020:s=300x300:d=1", "-map", "0:a", "-map", "1:v", "-frames:v", "1", "-c:a", "libmp3lame",
            "-c:v", "mjpeg", "-disposition:v", "attached_pic", "-id3v2_version", "3", "-metadata", "artist=Red Artist",
            "-metadata", "album=Red Album", "-metadata", "title=Red Song", song,
        ]
        try p.run()
        p.waitUntilExit()
        let added = try segue(["library", "add", "--data", data, "--format", "json", song])
        #expect(added.status == 0 && added.out.contains("\"covers\" : 1"))
        let again = try segue(["library", "add", "--data", data, "--format", "json", song])
        #expect(again.status == 0 && again.out.contains("\"covers\" : 0"))
        let plays =
            (0..<6).map {
                Fixtures.extended(ts: "2021-01-0\($0 + 1)T10:00:00Z", ms: 200_000, track: "Red Song", artist: "Red Artist", uri: "spotify:track:red")
            }
            + (0..<3).map {
                Fixtures.extended(
                    ts: "2021-02-0\($0 + 1)T10:00:00Z", ms: 200_000, track: "Blue Song", artist: "Blue Artist", uri: "spotify:track:blue")
            }
        let history = try Fixtures.write(try Fixtures.json(plays), to: dir, "Streaming_History_Audio_2021.json")
        #expect(try segue(["import", "--data", data, history.path]).status == 0)
        let svg = dir.appendingPathComponent("top.svg").path
        #expect(try segue(["chart", "--data", data, "--kind", "artists", "--top", "3", "--size", "square", "--out", svg]).status == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        // One embedded image (Red Artist's cover); Blue Artist keeps its monogram.
        #expect(text.components(separatedBy: "data:image/png;base64,").count == 2)
        #expect(text.contains(">BA<"))
        #expect(!text.contains(">RA<"))
    }

    /// `library add --queue` hands files to a worker process sharing the data folder.
    @Test func queuedAnalysisRunsOnAWorker() throws {
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        for (i, f) in [220, 330, 440].enumerated() {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
            p.arguments = [
                "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=\(f):duration=4", "-metadata", "artist=Q\(i)",
                "-metadata", "title=Queued \(f)", music.appendingPathComponent("q\(i).flac").path,
            ]
            try p.run()
            p.waitUntilExit()
        }
        let queued = try segue(["library", "add", "--data", data, "--queue", "--files-per-job", "2", "--format", "json", music.path])
        #expect(queued.status == 0)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(queued.out.utf8)) as? [String: Any])
        #expect(answer["files"] as? Int == 3 && (answer["jobs"] as? [Any])?.count == 2)
        // Nothing is analysed until a worker runs.
        let before = try segue(["library", "list", "--data", data, "--format", "json"])
        #expect((try JSONSerialization.jsonObject(with: Data(before.out.utf8)) as? [Any])?.isEmpty ?? true)
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: Self.executable)
        worker.arguments = ["worker", "--data", data]
        worker.standardError = FileHandle.nullDevice
        worker.standardOutput = FileHandle.nullDevice
        try worker.run()
        defer {
            worker.terminate()
            worker.waitUntilExit()
        }
        var rows: [[String: Any]] = []
        for _ in 0..<240 {
            let list = try segue(["library", "list", "--data", data, "--format", "json"])
            rows = (try? JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]]) ?? []
            if rows.count == 3 && rows.allSatisfy({ $0["status"] as? String == "done" }) { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(rows.count == 3 && rows.allSatisfy { $0["status"] as? String == "done" && $0["bpm"] != nil })
        let missing = try segue(["library", "add", "--data", data, "--queue", dir.appendingPathComponent("nowhere").path])
        #expect(missing.status != 0 && missing.err.contains("nowhere"))
    }

    @Test func libraryAndPlaylistFromTheCommandLine() throws {
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        for (i, f) in [220, 330, 440, 550].enumerated() {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
            p.arguments = [
                "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=\(f):duration=5", "-metadata", "artist=A\(i)",
                "-metadata", "title=Tone \(f)", music.appendingPathComponent("t\(i).flac").path,
            ]
            try p.run()
            p.waitUntilExit()
        }
        let added = try segue(["library", "add", "--data", data, "--format", "json", music.path])
        #expect(added.status == 0)
        let list = try segue(["library", "list", "--data", data, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 4 && rows.allSatisfy { $0["status"] as? String == "done" && $0["camelot"] is String && $0["bpm"] != nil })
        let show = try segue(["library", "show", "--data", data, "1"])
        #expect(show.status == 0 && show.out.contains("mfcc_mean_0"))
        // musicnn (scripts/setup.sh installs its weights): five top tags in the list, all 50 scores
        // and the 200-d embedding in `show`.
        #expect(rows.allSatisfy { ($0["tags"] as? [String])?.count == 5 })
        let full = try #require(
            try JSONSerialization.jsonObject(with: Data(try segue(["library", "show", "--data", data, "--format", "json", "2"]).out.utf8))
                as? [String: Any])
        #expect((full["embedding"] as? [Double])?.count == 200)
        let scores = try #require(full["tag_scores"] as? [String: Double])
        #expect(scores.count == 50 && scores.values.allSatisfy { (0...1).contains($0) } && scores["rock"] != nil)
        let xspf = dir.appendingPathComponent("mix.xspf").path
        let mix = dir.appendingPathComponent("mix.m4a").path
        let playlist = try segue([
            "playlist", "--data", data, "--mode", "order", "--tracks", "4,3,2,1", "--out", xspf, "--format", "json", "--mix", mix, "--fade", "1",
        ])
        #expect(FileManager.default.fileExists(atPath: mix))
        #expect(playlist.status == 0)
        let order = try #require(try JSONSerialization.jsonObject(with: Data(playlist.out.utf8)) as? [[String: Any]])
        #expect(order.count == 4 && order.dropLast().allSatisfy { $0["transition"] != nil })
        #expect(try String(contentsOfFile: xspf, encoding: .utf8).components(separatedBy: "<track>").count == 5)
        let unknown = try segue(["playlist", "--data", data, "--mode", "order", "--tracks", "1,99"])
        #expect(unknown.status != 0 && unknown.err.contains("99"))
        let impossible = try segue(["playlist", "--data", data, "--mode", "radio", "--seed", "1", "--length", "50"])
        #expect(impossible.status != 0 && impossible.err.contains("4 analysed tracks"))

        // The constraint options, each with an effect or a message naming the rule.
        func artists(_ arguments: [String]) throws -> [String]? {
            let run = try segue(["playlist", "--data", data, "--format", "json"] + arguments)
            guard run.status == 0, let rows = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[String: Any]] else { return nil }
            return rows.compactMap { $0["artist"] as? String }
        }
        let withoutA2 = try artists(["--mode", "radio", "--seed", "1", "--length", "3", "--exclude-artist", "a2"])
        #expect(withoutA2?.count == 3 && withoutA2?.contains("A2") == false)
        #expect(try artists(["--mode", "radio", "--seed", "1", "--length", "4", "--exclude-album", "Nothing", "--exclude-tag", "rock"])?.count == 4)
        #expect(
            try artists(["--mode", "radio", "--seed", "1", "--length", "4", "--max-per-artist", "1", "--max-per-album", "4", "--artist-spacing", "3"]
            )?.count == 4)
        let byDuration = try artists(["--mode", "radio", "--seed", "1", "--duration", "0:15", "--duration-tolerance", "0:02"])
        #expect(byDuration?.count == 3)
        let tooLong = try segue(["playlist", "--data", data, "--mode", "radio", "--seed", "1", "--length", "2", "--max-track-length", "0:03"])
        #expect(tooLong.status != 0 && tooLong.err.contains("maximum track length"))
        let tempo = try segue(["playlist", "--data", data, "--mode", "order", "--tracks", "1,2", "--min-bpm", "250", "--max-bpm", "300"])
        #expect(tempo.status != 0 && tempo.err.contains("outside 250–300 BPM"))
        let backwards = try segue(["playlist", "--data", data, "--mode", "order", "--tracks", "1,2", "--min-bpm", "200", "--max-bpm", "100"])
        #expect(backwards.status != 0 && backwards.err.contains("--min-bpm"))
        // The same limits as the web API and a saved recipe (one check, PlaylistRecipe.Rules.checked()), named by option.
        let wide = try segue(["playlist", "--data", data, "--mode", "radio", "--seed", "1", "--length", "2", "--artist-spacing", "5000"])
        #expect(wide.status != 0 && wide.err.contains("--artist-spacing must be 0 to 1000"), "\(wide.err)")
        let fast = try segue(["playlist", "--data", data, "--mode", "order", "--tracks", "1,2", "--max-bpm", "2000"])
        #expect(fast.status != 0 && fast.err.contains("--max-bpm must be 0 to 1000"), "\(fast.err)")
        let excludedSeed = try segue(["playlist", "--data", data, "--mode", "radio", "--seed", "1", "--length", "2", "--exclude-artist", "A0"])
        #expect(excludedSeed.status != 0 && excludedSeed.err.contains("excluded"))
    }
}
