import Foundation
import SegueTestSupport
import Testing

/// `segue recap` through the built executable: its JSON equals `segue stats` and `segue top` for
/// the same range, on the data folder and (when the run has PostgreSQL) with `--database`.
@Suite struct RecapCLITests {
    let cli = CLITests()

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text.prefix(200))")
    }

    /// Checks `segue recap` against `segue stats` and `segue top` on one store (`store`: `--data X` or `--database URL`).
    func checkAgreement(_ store: [String]) throws -> String {
        let recap = try cli.segue(["recap", "2024", "--format", "json"] + store)
        #expect(recap.status == 0, "\(recap.err)")
        let r = try object(recap.out)
        let range = ["--from", "2024-01-01", "--to", "2024-12-31"]
        let stats = try object(try cli.segue(["stats", "--format", "json"] + range + store).out)
        let totals = try #require(r["totals"] as? [String: Any])
        #expect(totals["plays"] as? Int == stats["musicPlays"] as? Int)
        #expect(totals["streams"] as? Int == stats["streams"] as? Int)
        #expect(totals["milliseconds"] as? Int == stats["milliseconds"] as? Int)
        #expect(totals["artists"] as? Int == stats["distinctArtists"] as? Int)
        #expect(totals["tracks"] as? Int == stats["distinctTracks"] as? Int)
        #expect(totals["albums"] as? Int == stats["distinctAlbums"] as? Int)
        #expect((stats["streams"] as? Int ?? 0) > 0)
        let shape = try #require(r["shape"] as? [String: Any])
        #expect(shape["millisecondsByHour"] as? [Int] == stats["millisecondsByHour"] as? [Int])
        for (kind, key) in [("artists", "topArtists"), ("tracks", "topTracks"), ("albums", "topAlbums")] {
            let top = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(try cli.segue(["top", "--kind", kind, "--limit", "5", "--format", "json"] + range + store).out.utf8))
                    as? [[String: Any]])
            let list = try #require(r[key] as? [[String: Any]])
            #expect(list.map { $0["name"] as? String } == top.map { $0["name"] as? String })
            #expect(list.map { $0["streams"] as? Int } == top.map { $0["streams"] as? Int })
            #expect(list.map { $0["minutes"] as? Double } == top.map { $0["minutes"] as? Double })
        }
        let dir = try Fixtures.folder()
        let cards = try cli.segue(["recap", "2024", "--out", dir.appendingPathComponent("cards").path, "--size", "square"] + store)
        #expect(cards.status == 0 && cards.err.contains("Wrote 7 cards (PNG and SVG, 1080x1080)"), "\(cards.err)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cards/07-rhythm.png").path))
        let blocked = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocked)
        let refused = try cli.segue(["recap", "2024", "--out", blocked.appendingPathComponent("cards").path] + store)
        #expect(refused.status != 0 && refused.err.contains("could not write \(blocked.path)/cards: the folder cannot be made"), "\(refused.err)")
        let text = try cli.segue(["recap", "2024"] + store)
        #expect(text.status == 0 && text.out.contains("Top artists") && text.out.contains("Discoveries"))
        return recap.out
    }

    @Test func recapJSONEqualsStatsAndTopOnBothStores() throws {
        let dir = try Fixtures.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        let data = dir.appendingPathComponent("data").path
        #expect(try cli.segue(["demo", "export", "--records", "3000", zip]).status == 0)
        #expect(try cli.segue(["import", "--data", data, zip]).status == 0)
        let onSQLite = try checkAgreement(["--data", data])
        guard TestPostgres.isEnabled else { return }
        let url = try TestPostgres.freshSchemaURL()
        #expect(try cli.segue(["import", "--database", url, zip]).status == 0)
        let onPostgres = try checkAgreement(["--database", url])
        #expect(onPostgres == onSQLite)
    }

    @Test func carelessInputIsOneSentenceNamingTheParameter() throws {
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let cases: [([String], String)] = [
            (["recap", "99999"], "The year '99999' is not a year from 1900 to 9999."),
            (["recap", "--from", "2024-05-01", "--to", "2024-01-01"], "The end date (to) 2024-01-01 is before the start date (from) 2024-05-01."),
            (["recap", "--from", "yesterday", "--to", "2024-01-01"], "The start date (from) 'yesterday' is not a date"),
            (["recap", "2024", "--from", "2024-01-01"], "Give either a year or a start and an end date (from and to), not both."),
            (["recap"], "Give a year (like 2024) or both a start and an end date (from and to"),
            (["recap", "2024", "--tz", "Mars/Olympus"], "The time zone (tz) 'Mars/Olympus' is not a time zone name"),
        ]
        for (args, message) in cases {
            let run = try cli.segue(args + ["--data", data])
            #expect(run.status != 0, "\(args)")
            #expect(run.err.contains(message), "\(args): \(run.err)")
            #expect(!run.err.contains("Fatal error"))
        }
        // No history yet: a clear error, not a crash.
        let none = try cli.segue(["recap", "2024", "--data", data])
        #expect(none.status != 0 && none.err.contains("run `segue import` first"))
    }
}
