import Foundation
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueStorePostgres
@testable import SegueStoreSQLite

/// Published recaps on every backend: found only by their token's hash, owners apart, revoked for good.
@Suite struct RecapShareStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func addFindListRevokeKeepOwnersApart(backend: StoreBackend) throws {
        let store = try backend.makeRecapShareStore()
        let a = try store.addRecapShare(owner: "alice", tokenHash: SHA256.hex("a"), query: "year=2024", theme: "dark", millis: 10)
        let b = try store.addRecapShare(
            owner: "alice", tokenHash: SHA256.hex("b"), query: "from=2024-03-01&to=2024-05-31&tz=Europe/Berlin", theme: "light", millis: 20)
        let c = try store.addRecapShare(owner: "bob", tokenHash: SHA256.hex("c"), query: "year=2023", theme: "dark", millis: 30)
        #expect(a.id != b.id && b.id != c.id)
        #expect(try store.recapShares(owner: "alice") == [b, a])
        #expect(try store.recapShares(owner: "bob") == [c])
        #expect(try store.recapShare(tokenHash: SHA256.hex("b")) == b)
        #expect(try store.recapShare(tokenHash: SHA256.hex("nope")) == nil)
        #expect(try store.recapShare(tokenHash: "") == nil)
        // Someone else's share cannot be revoked; one's own can, once.
        #expect(try store.revokeRecapShare(id: c.id, owner: "alice") == false)
        #expect(try store.recapShare(tokenHash: SHA256.hex("c")) == c)
        #expect(try store.revokeRecapShare(id: a.id, owner: "alice"))
        #expect(try store.revokeRecapShare(id: a.id, owner: "alice") == false)
        #expect(try store.recapShare(tokenHash: SHA256.hex("a")) == nil)
        #expect(try store.recapShares(owner: "alice") == [b])
        // The same hash twice is refused (tokens are random: a repeat means a bug, not a second share).
        #expect(throws: (any Error).self) {
            try store.addRecapShare(owner: "bob", tokenHash: SHA256.hex("b"), query: "year=2024", theme: "dark", millis: 40)
        }
        try store.deleteRecapShares(owner: "alice")
        #expect(try store.recapShares(owner: "alice").isEmpty && store.recapShare(tokenHash: SHA256.hex("b")) == nil)
        #expect(try store.recapShares(owner: "bob") == [c])
    }

    /// A web store from before shares (version 4, with a saved playlist) migrates and keeps its rows.
    @Test func anOldSQLiteWebStoreKeepsItsRowsAndTakesShares() throws {
        let path = try Fixtures.folder("old-web-shares").appendingPathComponent("segue-web.sqlite").path
        do {
            let db = try SQLiteConnection(path: path)
            try db.migrate(Array(WebMigrations.steps.prefix(4)))
            try db.execute(
                "INSERT INTO saved_playlist(id, owner, name, mode, track_ids, created_ms, updated_ms) VALUES (7, 'me', 'Old', 'radio', '3,1', 1, 2)")
        }
        let store = try SQLiteWebStore(path: path)
        #expect(try store.savedPlaylist(id: 7, owner: "me")?.trackIDs == [3, 1])
        #expect(try SQLiteConnection(path: path).scalar("PRAGMA user_version") == Int64(WebMigrations.steps.count))
        let share = try store.addRecapShare(owner: "me", tokenHash: SHA256.hex("t"), query: "year=2024", theme: "dark", millis: 5)
        #expect(try store.recapShares(owner: "me") == [share])
    }

    /// The same on PostgreSQL: a database from before shares (version 12) migrates with its playlists.
    @Test(.enabled(if: TestPostgres.isEnabled)) func anOldPostgresDatabaseKeepsItsRowsAndTakesShares() throws {
        let backend = try PostgresBackend(url: try TestPostgres.freshSchemaURL())
        try backend.withConnection { db in
            try db.execute("DROP TABLE recap_share")
            try db.execute("UPDATE segue_schema_version SET version = 12")
            try db.execute(
                "INSERT INTO saved_playlist(id, owner, name, mode, track_ids, created_ms, updated_ms) VALUES (7, 'me', 'Old', 'radio', '3,1', 1, 2)")
        }
        try PostgresMigrations.migrate(backend)
        #expect(try backend.schemaVersion() == PostgresBackend.schemaVersion)
        #expect(try PostgresSavedPlaylistStore(backend: backend).savedPlaylist(id: 7, owner: "me")?.trackIDs == [3, 1])
        let store = PostgresRecapShareStore(backend: backend)
        let share = try store.addRecapShare(owner: "me", tokenHash: SHA256.hex("t"), query: "year=2024", theme: "dark", millis: 5)
        #expect(try store.recapShares(owner: "me") == [share])
    }
}

extension StoreBackend {
    /// A new, empty recap-share store of this kind.
    func makeRecapShareStore() throws -> any RecapShareStore {
        switch self {
        case .sqlite:
            let dir = try Fixtures.folder("recap-shares")
            return try SQLiteWebStore(path: dir.appendingPathComponent("segue-web.sqlite").path)
        case .postgres:
            return PostgresRecapShareStore(backend: try PostgresBackend(url: try TestPostgres.freshSchemaURL()))
        }
    }
}
