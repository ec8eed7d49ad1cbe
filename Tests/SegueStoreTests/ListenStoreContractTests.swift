import Foundation
import PostgresNIO
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueStorePostgres
@testable import SegueStoreSQLite

/// Users, tokens, listens and bulk events through the store protocols, on every backend.
@Suite struct ListenStoreContractTests {

    func listen(_ user: ListenUser, _ at: Int64, _ track: String) -> StoredListen {
        StoredListen(userID: user.id, listenedAt: at, artist: "A", track: track, insertedAt: 0, metadataJSON: #"{"track_name":"\#(track)"}"#)
    }

    @Test(arguments: StoreBackend.allCases)
    func usersHaveUniqueNamesAndUnguessableTokens(backend: StoreBackend) throws {
        let s = try backend.makeListenStore()
        let ana = try s.createUser(named: "ana")
        let ben = try s.createUser(named: "ben")
        #expect(ana.token.count == 32 && ana.token != ben.token)
        // Only the token's SHA-256 is stored: read back, a user has no token.
        #expect(try s.user(token: ana.token) == ListenUser(id: ana.id, name: "ana", token: ""))
        #expect(try s.user(named: "ben") == ListenUser(id: ben.id, name: "ben", token: ""))
        #expect(try s.user(token: "nope") == nil)
        #expect(try s.user(token: SHA256.hex(ana.token)) == nil)
        #expect(throws: (any Error).self) { _ = try s.createUser(named: "ana") }
        // A new token replaces the old one.
        let renewed = try #require(try s.replaceToken(named: "ana"))
        #expect(renewed.id == ana.id && renewed.token.count == 32 && renewed.token != ana.token)
        #expect(try s.user(token: ana.token) == nil)
        #expect(try s.user(token: renewed.token)?.name == "ana")
        #expect(try s.replaceToken(named: "nobody") == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func usersAreListedByNameWithTheirProfiles(backend: StoreBackend) throws {
        let s = try backend.makeListenStore()
        #expect(try s.users().isEmpty)
        let cy = try s.createUser(named: "cy")
        let ana = try s.createUser(named: "ana", profile: "home")
        // Without tokens, and a user made without a profile joins the one of its name.
        #expect(
            try s.users() == [ListenUser(id: ana.id, name: "ana", token: "", profile: "home"), ListenUser(id: cy.id, name: "cy", token: "")])
        #expect(try s.users().map(\.profile) == ["home", "cy"])
    }

    /// Tokens stored in plain text before they were hashed keep working, and are hashed in place.
    @Test(arguments: StoreBackend.allCases)
    func plainTokensFromBeforeAreHashedAndKeepWorking(backend: StoreBackend) throws {
        let plain = "0123456789abcdef0123456789abcdef"
        switch backend {
        case .sqlite:
            let path = try Fixtures.folder("listens-plain").appendingPathComponent("listens.sqlite").path
            do {
                let old = try SQLiteListenStore(path: path)
                try old.writer.execute("INSERT INTO lb_user(name, token, created_ms) VALUES ('old', '\(plain)', 0)")
                old.close()
            }
            let reopened = try SQLiteListenStore(path: path)
            #expect(try reopened.user(token: plain)?.name == "old")
            let stored = try reopened.writer.prepare("SELECT token FROM lb_user WHERE name = 'old'")
            #expect(try stored.step() && stored.text(0) == SHA256.hex(plain))
        case .postgres:
            let url = try TestPostgres.freshSchemaURL(pool: 2)
            let first = try PostgresBackend(url: url)
            try first.withConnection { db in
                try db.query("INSERT INTO lb_user(name, token, created_ms) VALUES ('old', \(plain), 0)")
                // As if the database were from before step 9 (tokens hashed), with the token stored as
                // it was issued; the later steps run again too, so they must be repeatable.
                try db.query("UPDATE segue_schema_version SET version = 8")
            }
            let store = PostgresListenStore(backend: try PostgresBackend(url: url))
            #expect(try store.user(token: plain)?.name == "old")
            let stored = try store.backend.withConnection { db in
                try db.query("SELECT token FROM lb_user WHERE name = 'old'").rows.first?.decode(String.self)
            }
            #expect(stored == SHA256.hex(plain))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func duplicatesAreStoredOnceAndReadsAreNewestFirst(backend: StoreBackend) async throws {
        let s = try backend.makeListenStore()
        let ana = try s.createUser(named: "ana")
        let ben = try s.createUser(named: "ben")
        #expect(try await s.append([listen(ana, 100, "x"), listen(ana, 200, "y"), listen(ana, 100, "x")]) == 2)
        #expect(try await s.append([listen(ana, 100, "x"), listen(ana, 100, "z"), listen(ben, 100, "x")]) == 2)
        #expect(try s.listenCount(userID: ana.id) == 3)
        #expect(try s.listens(userID: ana.id, minTs: nil, maxTs: nil, count: 10).map(\.listenedAt) == [200, 100, 100])
        #expect(try s.listens(userID: ana.id, minTs: 100, maxTs: nil, count: 10).map(\.track) == ["y"])
        #expect(try s.listens(userID: ana.id, minTs: nil, maxTs: 200, count: 1).count == 1)
        #expect(try s.listens(userID: ben.id, minTs: nil, maxTs: nil, count: 10).map(\.track) == ["x"])
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentAppendsAreAllDurable(backend: StoreBackend) async throws {
        let s = try backend.makeListenStore()
        let ana = try s.createUser(named: "ana")
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for request in 0..<50 {
                group.addTask { try await s.append((0..<20).map { self.listen(ana, Int64(request * 100 + $0), "t") }) }
            }
            return try await group.reduce(0, +)
        }
        #expect(counts == 1000)
        #expect(try s.listenCount(userID: ana.id) == 1000)
    }

    @Test(arguments: StoreBackend.allCases)
    func playingNowIsReplacedAndExpires(backend: StoreBackend) throws {
        let s = try backend.makeListenStore()
        let ana = try s.createUser(named: "ana")
        let ben = try s.createUser(named: "ben")
        #expect(try s.playingNow(userID: ana.id, nowMillis: 0) == nil)
        try s.setPlayingNow(userID: ana.id, trackMetadataJSON: #"{"track_name":"a"}"#, expiresMillis: 1_000)
        try s.setPlayingNow(userID: ana.id, trackMetadataJSON: #"{"track_name":"b"}"#, expiresMillis: 2_000)
        #expect(try s.playingNow(userID: ana.id, nowMillis: 1_500) == #"{"track_name":"b"}"#)
        #expect(try s.playingNow(userID: ana.id, nowMillis: 2_000) == nil)
        #expect(try s.playingNow(userID: ben.id, nowMillis: 0) == nil)
    }

    /// Two nodes on one database: what a listener's client posted to one is read on the other.
    @Test(.enabled(if: TestPostgres.isEnabled))
    func playingNowPostedToOneNodeIsReadOnAnother() throws {
        let url = try TestPostgres.freshSchemaURL()
        let a = PostgresListenStore(backend: try PostgresBackend(url: url), node: "a")
        let b = PostgresListenStore(backend: try PostgresBackend(url: url), node: "b")
        let ana = try a.createUser(named: "ana")
        try a.setPlayingNow(userID: ana.id, trackMetadataJSON: #"{"track_name":"x"}"#, expiresMillis: .max)
        #expect(try b.playingNow(userID: ana.id, nowMillis: 0) == #"{"track_name":"x"}"#)
    }

    func event(_ token: IngestToken, _ id: String?, user: String = "u1", at: Int64, track: String = "t") -> StoredEvent {
        StoredEvent(tokenID: token.id, eventID: id, user: user, track: track, artist: "A", time: at, insertedAt: 0)
    }

    @Test(arguments: StoreBackend.allCases)
    func ingestTokensAreStoredAsDigestsAndFoundBySecret(backend: StoreBackend) throws {
        let s = try backend.makeListenStore()
        let (first, secret) = try s.createIngestToken(name: "platform", scope: "ingest")
        let (second, other) = try s.createIngestToken(name: nil, scope: "ingest")
        #expect(secret.hasPrefix("sgi_") && secret.count == 36 && secret != other)
        #expect(try s.ingestToken(secret: secret) == first)
        #expect(try s.ingestToken(secret: other) == second)
        #expect(try s.ingestToken(secret: "sgi_0000") == nil)
        #expect(try s.ingestTokens().map(\.name) == ["platform", nil])
        #expect(first.prefix == String(secret.prefix(10)))
        #expect(throws: (any Error).self) { _ = try s.createIngestToken(name: nil, scope: "admin") }
        // The secret itself is stored nowhere; its digest is.
        switch s {
        case let sqlite as SQLiteListenStore:
            sqlite.close()
            let path = sqlite.writer.path
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
            #expect(bytes.range(of: Data(SHA256.hex(secret).utf8)) != nil)
        case let postgres as PostgresListenStore:
            let rows = try postgres.backend.withConnection { db in
                try db.query("SELECT concat_ws(' ', id, name, scope, prefix, sha256, created_ms) FROM ingest_token").rows.map {
                    try $0.decode(String.self)
                }
            }
            #expect(rows.count == 2 && !rows.contains { $0.contains(secret) } && rows.contains { $0.contains(SHA256.hex(secret)) })
        default:
            Issue.record("unknown store \(type(of: s))")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func eventsAreIdempotentPerTokenAndUser(backend: StoreBackend) async throws {
        let s = try backend.makeListenStore()
        let (a, _) = try s.createIngestToken(name: "a", scope: "ingest")
        let (b, _) = try s.createIngestToken(name: "b", scope: "ingest")
        // The same id twice in one batch is one event; events are keyed by time first, so the same id
        // with another time is another event (a retry resends an event with its time).
        let first = try await s.appendEvents([
            event(a, "e1", at: 1_000), event(a, "e2", at: 2_000), event(a, "e1", at: 1_000), event(a, nil, at: 4_000),
            event(a, "e2", at: 3_000),
        ])
        #expect(first == [true, true, false, true, true])
        // A retry changes nothing; the same id from another user or another token is another event.
        let retry = try await s.appendEvents([
            event(a, "e1", at: 1_000), event(a, nil, at: 4_000), event(a, "e1", user: "u2", at: 1_000), event(b, "e1", at: 1_000),
            event(a, nil, at: 4_000, track: "other"),
        ])
        #expect(retry == [false, false, true, true, true])
        #expect(try s.eventCount() == 7)
    }

    /// A listens file from before events were keyed by time (schema step 2) keeps its events, and
    /// retries of them are still recognised.
    @Test func eventsMoveToTheTimeKeyedTable() async throws {
        let path = try Fixtures.folder("listens-v2").appendingPathComponent("listens.sqlite").path
        do {
            let old = try SQLiteConnection(path: path)
            try old.migrate(Array(SQLiteListenStore.steps.prefix(2)))
            try old.execute(
                """
                INSERT INTO ingest_token(id, name, scope, prefix, sha256, created_ms) VALUES (1, 't', 'ingest', 'sgi_000000', 'x', 0);
                INSERT INTO event(token_id, user, event_key, event_id, track, artist, album, ts_ms, inserted_ms) VALUES
                  (1, 'u1', 'id:e1', 'e1', 'T', 'A', NULL, 2000, 5), (1, 'u2', 'id:e2', 'e2', 'T', 'A', NULL, 1000, 5);
                """)
        }
        let s = try SQLiteListenStore(path: path)
        #expect(try s.eventCount() == 2)
        let token = IngestToken(id: 1, name: "t", scope: "ingest", prefix: "sgi_000000", createdAt: 0)
        let again = try await s.appendEvents([event(token, "e1", at: 2_000), event(token, "e3", at: 3_000)])
        #expect(again == [false, true])
        #expect(try s.recentPlays(since: 0).map(\.time) == [1_000, 2_000, 3_000])
    }

    @Test(arguments: StoreBackend.allCases)
    func recentPlaysJoinListensAndEventsOldestFirst(backend: StoreBackend) async throws {
        let s = try backend.makeListenStore()
        let ana = try s.createUser(named: "ana")
        let (token, _) = try s.createIngestToken(name: nil, scope: "ingest")
        _ = try await s.append([listen(ana, 1_000, "old"), listen(ana, 5_000, "new")])
        _ = try await s.appendEvents([event(token, "x", user: "p1", at: 4_999_500), event(token, "y", user: "p2", at: 900_000)])
        let plays = try s.recentPlays(since: 4_000_000)
        #expect(
            plays == [
                RecentPlay(user: "p1", track: "t", artist: "A", time: 4_999_500),
                RecentPlay(user: "ana", track: "new", artist: "A", time: 5_000_000),
            ])
    }
}
