import Foundation
import SegueTestSupport
import Testing

/// `--database` on the library commands: the same files added to PostgreSQL and to the data folder
/// give the same list, descriptors, neighbours and playlists.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresLibraryCLITests {
    @Test func librarySimilarPlaylistAndFeedbackAgainstPostgres() throws {
        let cli = CLITests()
        let url = try TestPostgres.freshSchemaURL()
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        for (i, f) in [220, 330, 440, 550].enumerated() {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
            p.arguments = [
                "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=\(f):duration=4", "-metadata", "artist=A\(i)",
                "-metadata", "title=Tone \(f)", music.appendingPathComponent("t\(i).flac").path,
            ]
            try p.run()
            p.waitUntilExit()
        }
        let onPostgres = try cli.segue(["library", "add", "--database", url, "--format", "json", music.path])
        #expect(onPostgres.status == 0, "\(onPostgres.err)")
        #expect(try cli.segue(["library", "add", "--data", data, music.path]).status == 0)
        let again = try cli.segue(["library", "add", "--database", url, "--format", "json", music.path])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(again.out.utf8)) as? [String: Any])
        #expect(report["duplicates"] as? Int == 4 && report["analyzed"] as? Int == 0)
        let commands: [[String]] = [
            ["library", "list", "--format", "json"], ["library", "show", "2"], ["similar", "1", "--format", "json"],
            ["playlist", "--mode", "radio", "--seed", "1", "--length", "3", "--format", "json"],
        ]
        for args in commands {
            let pg = try cli.segue(args + ["--database", url])
            let sqlite = try cli.segue(args + ["--data", data])
            #expect(pg.status == 0 && !pg.out.isEmpty, "\(args): \(pg.err)")
            guard args[0] == "similar" else {
                #expect(pg.out == sqlite.out, "\(args)")
                continue
            }
            // pgvector's HNSW index on PostgreSQL, the exact scan on SQLite: the same neighbours in the
            // same order; pgvector sums the cosine in another precision, so distances agree to 1e-5.
            let pgRows = try #require(try JSONSerialization.jsonObject(with: Data(pg.out.utf8)) as? [[String: Any]])
            let sqliteRows = try #require(try JSONSerialization.jsonObject(with: Data(sqlite.out.utf8)) as? [[String: Any]])
            #expect(pgRows.count == 3 && pgRows.map { $0["path"] as? String } == sqliteRows.map { $0["path"] as? String })
            for (a, b) in zip(pgRows, sqliteRows) {
                #expect(abs((a["distance"] as? Double ?? -1) - (b["distance"] as? Double ?? 1)) < 1e-5)
            }
        }
        let missing = try cli.segue(["library", "show", "--database", url, "99"])
        #expect(missing.status != 0 && missing.err.contains("no track 99"))
        let feedback = try cli.segue(["feedback", "list", "--database", url])
        #expect(feedback.status == 0 && feedback.out.contains("No feedback yet."))
    }
}
