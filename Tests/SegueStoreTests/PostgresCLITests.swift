import Foundation
import SegueTestSupport
import Testing

/// `--database` through the built `segue`: the same import and charts as on the data folder.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresCLITests {
    @Test func importTopAndStatsAgainstPostgres() throws {
        let cli = CLITests()
        let url = try TestPostgres.freshSchemaURL()
        let dir = try Fixtures.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        #expect(try cli.segue(["demo", "export", "--records", "3000", zip]).status == 0)
        let data = dir.appendingPathComponent("data").path
        // The same export into SQLite and into PostgreSQL gives the same charts.
        #expect(try cli.segue(["import", "--data", data, zip]).status == 0)
        let imported = try cli.segue(["import", "--database", url, "--format", "json", zip])
        #expect(imported.status == 0, "\(imported.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(imported.out.utf8)) as? [String: Any])
        #expect((report["total"] as? [String: Any])?["records"] as? Int == 3000)
        let again = try cli.segue(["import", "--database", url, "--format", "json", zip])
        let second = try #require(try JSONSerialization.jsonObject(with: Data(again.out.utf8)) as? [String: Any])
        #expect((second["total"] as? [String: Any])?["musicPlays"] as? Int == 0)
        for args in [["--kind", "tracks", "--limit", "20"], ["--kind", "albums", "--metric", "minutes", "--from", "2021-01-01"]] {
            let onPostgres = try cli.segue(["top", "--database", url, "--format", "json"] + args)
            let onSQLite = try cli.segue(["top", "--data", data, "--format", "json"] + args)
            #expect(onPostgres.status == 0 && !onPostgres.out.isEmpty)
            #expect(onPostgres.out == onSQLite.out)
        }
        let stats = try cli.segue(["stats", "--database", url])
        let sqliteStats = try cli.segue(["stats", "--data", data])
        #expect(stats.status == 0 && stats.out == sqliteStats.out)
        let missing = try cli.segue(["top", "--database", url, "--profile", "nobody"])
        #expect(missing.status != 0 && missing.err.contains("postgres://postgres@"))
        let bad = try cli.segue(["top", "--database", "postgres://nohost"])
        #expect(bad.status != 0 && bad.err.contains("bad PostgreSQL URL"))
    }

    @Test func usersAndTokensAgainstPostgres() throws {
        let cli = CLITests()
        let url = try TestPostgres.freshSchemaURL()
        let added = try cli.segue(["users", "add", "ana", "--database", url])
        let token = added.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(added.status == 0 && token.count == 32, "\(added.err)")
        let again = try cli.segue(["users", "add", "ana", "--database", url])
        #expect(again.status != 0 && again.err.contains("exists"))
        let shown = try cli.segue(["users", "show", "ana", "--database", url])
        #expect(shown.status == 0 && !shown.out.contains(token))
        #expect(try cli.segue(["users", "new-token", "ana", "--database", url]).out.trimmingCharacters(in: .whitespacesAndNewlines).count == 32)
        #expect(try cli.segue(["users", "show", "bob", "--database", url]).status != 0)
        let created = try cli.segue(["tokens", "create", "--scope", "ingest", "--name", "platform", "--database", url])
        let secret = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && secret.hasPrefix("sgi_") && secret.count == 36, "\(created.err)")
        let list = try cli.segue(["tokens", "list", "--database", url])
        #expect(list.status == 0 && list.out.contains("platform") && list.out.contains(String(secret.prefix(10))) && !list.out.contains(secret))
        // Nothing went to a data folder: the same commands there know neither.
        let data = try Fixtures.folder().appendingPathComponent("data").path
        #expect(try cli.segue(["users", "show", "ana", "--data", data]).status != 0)
        let bad = try cli.segue(["users", "add", "x", "--database", "postgres://nohost"])
        #expect(bad.status != 0 && bad.err.contains("bad PostgreSQL URL"))
    }
}
