import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueStoreSQLite

/// The SQLite file's schema: what a play row holds, and upgrading a file written by an older build.
@Suite struct SQLiteSchemaTests {
    typealias F = Fixtures

    /// `/metrics` reports SQLite's page caches: a connection whose cache holds 32 MB of written pages
    /// shows at least 16 MiB (other connections can only add to the sum), and closing it takes its part away.
    @Test func sqliteMemoryCountsThePageCache() throws {
        let path = try F.folder("sqlite-memory").appendingPathComponent("m.sqlite").path
        var db: SQLiteConnection? = try SQLiteConnection(path: path)
        let id = ObjectIdentifier(db!)
        try db!.execute("PRAGMA cache_size=-65536; CREATE TABLE t(b BLOB); BEGIN;")
        for _ in 0..<2_000 { try db!.execute("INSERT INTO t VALUES (randomblob(16384))") }
        #expect(SQLiteMemory.pageCacheBytes >= 16 << 20, "\(SQLiteMemory.pageCacheBytes)")
        try db!.execute("COMMIT")
        #expect((SQLiteMemory.notes.bytes(of: id) ?? 0) >= 16 << 20)
        db = nil
        #expect(SQLiteMemory.notes.bytes(of: id) == nil)
    }

    /// Two stores on one file stand for two processes (the server and a worker process): an import
    /// holding the write lock longer than SQLite's usual 10 s busy timeout makes the other wait, not fail.
    @Test func anImportInAnotherProcessIsWaitedFor() throws {
        let path = try F.folder("two-writers").appendingPathComponent("segue.sqlite").path
        let first = try SQLitePlayStore(path: path)
        let second = try SQLitePlayStore(path: path)
        let play: @Sendable (Int64) -> Play = { end in
            Play(kind: .music, endTime: end, msPlayed: 200_000, title: "T", creator: "A", album: "L", uri: "spotify:track:t")
        }
        let holding = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        done.enter()
        Thread {
            _ = try? first.importPlays(into: try first.profile(named: "a")) { sink in
                holding.signal()
                Thread.sleep(forTimeInterval: 11)
                return try sink.add(PlayBatch([play(1_600_000_000)]))
            }
            done.leave()
        }.start()
        holding.wait()
        let profile = try second.profile(named: "b")
        let added = try second.importPlays(into: profile) { sink in try sink.add(PlayBatch([play(1_600_000_300)])) }
        #expect(added == [true])
        done.wait()
        #expect(try first.stats(range: .all, timeZone: .gmt, profile: try first.profile(named: "a")).musicPlays == 1)
    }

    @Test func playsKeepTheirReasonsPlatformsAndCountriesAsWords() throws {
        let path = try F.folder("schema").appendingPathComponent("segue.sqlite").path
        let store = try SQLitePlayStore(path: path)
        let profile = try store.profile(named: "p")
        let plays = [
            Play(
                kind: .music, endTime: 1_600_000_000, msPlayed: 200_000, title: "T", creator: "A", album: "L", uri: "spotify:track:t",
                reasonStart: "clickrow", reasonEnd: "trackdone", shuffle: true, skipped: false, offline: nil,
                offlineTimestamp: 1_599_999_000, incognito: false, platform: "android", country: "DE"),
            Play(
                kind: .music, endTime: 1_600_000_300, msPlayed: 100_000, title: "T", creator: "A", album: "L", uri: "spotify:track:t",
                reasonStart: "trackdone", reasonEnd: "fwdbtn", platform: "android", country: "FR"),
        ]
        let added = try store.importPlays(into: profile) { sink in try sink.add(PlayBatch(plays)) }
        #expect(added == [true, true])
        let db = try SQLiteConnection(path: path)
        let q = try db.prepare(
            "SELECT reason_start, reason_end, platform, country, flags, offline_ts FROM play_text WHERE profile_id = ? ORDER BY end_ts")
        q.bind(1, profile.id)
        #expect(try q.step())
        #expect(q.text(0) == "clickrow" && q.text(1) == "trackdone" && q.text(2) == "android" && q.text(3) == "DE")
        #expect(q.int64(4) == Int64(PlayFlags(shuffle: true, skipped: false, offline: nil, incognito: false).rawValue))
        #expect(q.int64(5) == 1_599_999_000)
        #expect(try q.step())
        #expect(q.text(0) == "trackdone" && q.text(1) == "fwdbtn" && q.text(3) == "FR" && q.isNull(5))
        // Each word is stored once however many plays use it.
        #expect(try db.scalar("SELECT count(*) FROM word") == 6)
    }

    /// Version 3 keeps the names each track's plays carried; a file from before starts each track
    /// with the names it has, dated to its latest play, and newer plays rename it.
    @Test func aVersionTwoFileKeepsItsNamesUntilNewerPlaysRenameThem() throws {
        let path = try F.folder("schema").appendingPathComponent("segue.sqlite").path
        do {
            let db = try SQLiteConnection(path: path)
            try db.migrate(Array(Migrations.steps.prefix(2)))
            try db.execute(
                """
                INSERT INTO profile(id, name, created_at) VALUES (1, 'old', 0);
                INSERT INTO artist(id, profile_id, name) VALUES (1, 1, 'Ann');
                INSERT INTO album(id, profile_id, artist_name, name) VALUES (1, 1, 'Ann', 'First');
                INSERT INTO track(id, profile_id, key, uri, name, artist_id, album_id) VALUES (1, 1, 'spotify:track:x', 'spotify:track:x', 'X', 1, 1);
                INSERT INTO play(profile_id, end_ts, kind, item_id, ms, flags) VALUES (1, 1000, 0, 1, 50000, 0), (1, 2000, 0, 1, 60000, 0);
                """)
        }
        let store = try SQLitePlayStore(path: path)
        let db = try SQLiteConnection(path: path)
        let v = try db.prepare("SELECT track_id, name, artist_id, album_id, last_ts, plays FROM track_variant")
        #expect(try v.step())
        #expect(v.int64(0) == 1 && v.text(1) == "X" && v.int64(2) == 1 && v.int64(3) == 1 && v.int64(4) == 2000 && v.int64(5) == 2)
        #expect(try !v.step())
        let profile = try #require(try store.existingProfile(named: "old"))
        func play(_ end: Int64, _ album: String) -> Play {
            Play(kind: .music, endTime: end, msPlayed: 100_000, title: "X", creator: "Ann", album: album, uri: "spotify:track:x")
        }
        // An older play under another album changes nothing; a newer one renames the album.
        _ = try store.importPlays(into: profile) { sink in try sink.add(PlayBatch([play(1500, "Old")])) }
        #expect(try store.top(ChartQuery(kind: .albums, metric: .minutes, limit: 5), profile: profile).map(\.name) == ["First"])
        _ = try store.importPlays(into: profile) { sink in try sink.add(PlayBatch([play(3000, "First (Deluxe)")])) }
        #expect(try store.top(ChartQuery(kind: .albums, metric: .minutes, limit: 5), profile: profile).map(\.name) == ["First (Deluxe)"])
        let shown = try db.prepare("SELECT album.name FROM track JOIN album ON album.id = track.album_id")
        #expect(try shown.step() && shown.text(0) == "First (Deluxe)")
        let variants = try db.prepare("SELECT album.name, last_ts, plays FROM track_variant JOIN album ON album.id = album_id ORDER BY last_ts")
        var rows: [String] = []
        while try variants.step() { rows.append("\(variants.text(0) ?? "") \(variants.int64(1)) \(variants.int64(2))") }
        #expect(rows == ["Old 1500 1", "First 2000 2", "First (Deluxe) 3000 1"])
    }

    @Test func aVersionOneFileIsUpgradedWithItsPlaysAndWords() throws {
        let path = try F.folder("schema").appendingPathComponent("segue.sqlite").path
        // A file as the first release wrote it: text columns in the play rows.
        do {
            let db = try SQLiteConnection(path: path)
            try db.migrate(Array(Migrations.steps.prefix(1)))
            try db.execute(
                """
                INSERT INTO profile(id, name, created_at) VALUES (1, 'old', 0);
                INSERT INTO artist(id, profile_id, name) VALUES (1, 1, 'Ann');
                INSERT INTO track(id, profile_id, key, uri, name, artist_id) VALUES (1, 1, 'spotify:track:x', 'spotify:track:x', 'X', 1);
                INSERT INTO play VALUES (1, 100, 0, 1, 50000, 'clickrow', 'trackdone', 6, NULL, 'ios', 'SE');
                INSERT INTO play VALUES (1, 200, 0, 1, 60000, NULL, 'trackdone', 0, 150, 'ios', NULL);
                """)
        }
        let store = try SQLitePlayStore(path: path)
        let db = try SQLiteConnection(path: path)
        #expect(try db.scalar("PRAGMA user_version") == Int64(SQLitePlayStore.schemaVersion))
        let q = try db.prepare("SELECT end_ts, ms, reason_start, reason_end, flags, offline_ts, platform, country FROM play_text ORDER BY end_ts")
        #expect(try q.step())
        #expect(q.int64(0) == 100 && q.int64(1) == 50_000 && q.text(2) == "clickrow" && q.text(3) == "trackdone")
        #expect(q.int64(4) == 6 && q.isNull(5) && q.text(6) == "ios" && q.text(7) == "SE")
        #expect(try q.step())
        #expect(q.int64(0) == 200 && q.isNull(2) && q.text(3) == "trackdone" && q.int64(5) == 150 && q.isNull(7))
        #expect(try !q.step())
        #expect(try db.scalar("SELECT count(*) FROM word") == 4)
        // The upgraded file takes new imports, and an old play is still an exact duplicate.
        let profile = try #require(try store.existingProfile(named: "old"))
        let again = Play(kind: .music, endTime: 100, msPlayed: 50_000, title: "X", creator: "Ann", uri: "spotify:track:x")
        let new = Play(kind: .music, endTime: 300, msPlayed: 50_000, title: "X", creator: "Ann", uri: "spotify:track:x", platform: "ios")
        let added = try store.importPlays(into: profile) { sink in try sink.add(PlayBatch([again, new])) }
        #expect(added == [false, true])
        #expect(try store.playCounts(profile: profile)[.music] == 3)
        #expect(try db.scalar("SELECT count(*) FROM word") == 4)
    }
}

@Suite struct PlayBatchTests {
    @Test func playsRoundTripThroughTheColumns() {
        let plays = [
            Play(
                kind: .music, endTime: 10, msPlayed: 1, title: "T", creator: "A", album: "L", uri: "spotify:track:t",
                reasonStart: "a", reasonEnd: "b", shuffle: true, skipped: nil, offline: false, offlineTimestamp: 7,
                incognito: true, platform: "p", country: "c"),
            Play(kind: .episode, endTime: 20, msPlayed: 2, title: "E", creator: "S", uri: "spotify:episode:e", reasonStart: "b"),
            Play(kind: .music, endTime: 30, msPlayed: 3, title: "T", creator: "A", album: "L", uri: "spotify:track:t"),
            Play(kind: .audiobookChapter, endTime: 40, msPlayed: 4, title: "C", creator: "B"),
            Play(kind: .music, endTime: 50, msPlayed: 5, title: "Account", creator: "Only"),
        ]
        let batch = PlayBatch(plays)
        #expect(batch.count == 5)
        #expect(batch.plays == plays)
        // One item per distinct kind and key, one word per distinct value.
        #expect(batch.items.count == 4)
        #expect(batch.itemOfPlay[0] == batch.itemOfPlay[2])
        #expect(Set(batch.words) == ["a", "b", "p", "c"] && batch.words.count == 4)
    }

    @Test func flagsKeepThreeStatesEach() {
        for shuffle in [nil, false, true] as [Bool?] {
            for skipped in [nil, false, true] as [Bool?] {
                let f = PlayFlags(shuffle: shuffle, skipped: skipped, offline: skipped, incognito: shuffle)
                #expect(f.shuffle == shuffle && f.skipped == skipped && f.offline == skipped && f.incognito == shuffle)
            }
        }
        #expect(PlayFlags(shuffle: true, skipped: false, offline: nil, incognito: nil).rawValue == 2 | 1 << 2)
    }
}
