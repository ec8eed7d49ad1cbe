import CSQLite
import Foundation
import SegueModel
import SegueStore

/// Listens and ListenBrainz users in their own SQLite file, written through a group-commit thread:
/// every caller's rows that arrive while one transaction commits go into the next one, so a burst of
/// requests costs one fsync, not one per request. Bulk events and their ingest tokens live here too,
/// and go through the same commit thread.
public final class SQLiteListenStore: ListenStore, EventStore, @unchecked Sendable {
    let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let readLock = NSLock()
    /// Guards the writer connection (the commit thread and `createUser`).
    private let writeLock = NSLock()
    /// The group commit of listens and events (set once `init` has its connections).
    private var commits: GroupCommitQueue<IngestRows>!

    static let steps: [String] = [
        """
        CREATE TABLE lb_user(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            token TEXT NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE listen(
            user_id INTEGER NOT NULL,
            listened_at INTEGER NOT NULL,
            track_key TEXT NOT NULL,
            artist TEXT NOT NULL,
            track TEXT NOT NULL,
            release TEXT,
            inserted_ms INTEGER NOT NULL,
            metadata TEXT NOT NULL,
            PRIMARY KEY(user_id, listened_at, track_key)
        ) WITHOUT ROWID;
        """,
        // 2: ingest tokens (SHA-256 only) and bulk events; time indexes rebuild the live view on start.
        """
        CREATE TABLE ingest_token(
            id INTEGER PRIMARY KEY,
            name TEXT,
            scope TEXT NOT NULL,
            prefix TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE event(
            token_id INTEGER NOT NULL,
            user TEXT NOT NULL,
            event_key TEXT NOT NULL,
            event_id TEXT,
            track TEXT NOT NULL,
            artist TEXT,
            album TEXT,
            ts_ms INTEGER NOT NULL,
            inserted_ms INTEGER NOT NULL,
            PRIMARY KEY(token_id, user, event_key)
        ) WITHOUT ROWID;
        CREATE INDEX event_time ON event(ts_ms);
        CREATE INDEX listen_time ON listen(listened_at);
        """,
        // 3: events keyed by time first. Platforms send events as they happen, so a batch lands at
        // the right edge of one B-tree instead of on pages all over a table keyed by user (which
        // made every commit write a page per event) plus a time index; the time range that rebuilds
        // the live view reads the key itself. A retried event (same event_id or, without one, the
        // same track, user and ts) is still stored once.
        """
        CREATE TABLE event_by_time(
            ts_ms INTEGER NOT NULL,
            token_id INTEGER NOT NULL,
            user TEXT NOT NULL,
            event_key TEXT NOT NULL,
            event_id TEXT,
            track TEXT NOT NULL,
            artist TEXT,
            album TEXT,
            inserted_ms INTEGER NOT NULL,
            PRIMARY KEY(ts_ms, token_id, user, event_key)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO event_by_time(ts_ms, token_id, user, event_key, event_id, track, artist, album, inserted_ms)
            SELECT ts_ms, token_id, user, event_key, event_id, track, artist, album, inserted_ms FROM event ORDER BY ts_ms;
        DROP TABLE event;
        ALTER TABLE event_by_time RENAME TO event;
        """,
        """
        CREATE TABLE playing_now(
            user_id INTEGER PRIMARY KEY REFERENCES lb_user(id) ON DELETE CASCADE,
            track_metadata TEXT NOT NULL,
            expires_ms INTEGER NOT NULL
        );
        """,
        // 4: the profile a user's listens join (NULL: the profile of the user's name).
        "ALTER TABLE lb_user ADD COLUMN profile TEXT",
    ]

    /// The file the store uses inside a data folder.
    public static func databasePath(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent("listens.sqlite")
    }

    public init(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let db = try SQLiteConnection(path: path)
        // Events are keyed by time, so a batch appends near the right edge of their table; listens
        // are keyed by user, so a batch of many listeners touches pages all over theirs: a page cache
        // of at most 64 MiB and reads through mmap keep those pages from being read again and again.
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;")
        try db.migrate(Self.steps)
        try Self.hashStoredTokens(db)
        writer = db
        reader = try SQLiteConnection(path: path)
        commits = GroupCommitQueue(threadName: "segue-listen-commit") { [weak self] requests in
            guard let self else { throw CancellationError() }
            writeLock.lock()
            defer { writeLock.unlock() }
            return try write(requests)
        }
    }

    /// Stops the commit thread after what is queued is written.
    public func close() {
        commits?.close()
    }

    deinit { close() }

    // MARK: Users

    /// Tokens stored before they were hashed (32 hex digits) become their SHA-256 (64): they keep working, and
    /// the file no longer holds them. Idempotent, so it runs on every open.
    static func hashStoredTokens(_ db: SQLiteConnection) throws {
        let read = try db.prepare("SELECT id, token FROM lb_user WHERE length(token) <> 64")
        var plain: [(Int64, String)] = []
        while try read.step() { plain.append((read.int64(0), read.text(1) ?? "")) }
        guard !plain.isEmpty else { return }
        try db.transaction {
            let update = try db.prepare("UPDATE lb_user SET token = ? WHERE id = ?")
            for (id, token) in plain {
                update.reset()
                update.bind(1, SHA256.hex(token))
                update.bind(2, id)
                try update.run()
            }
        }
    }

    /// A fresh user token (see `StoreSecrets.userToken`).
    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return StoreSecrets.userToken(using: &rng)
    }

    public func createUser(named name: String, profile: String?) throws -> ListenUser {
        let token = Self.newToken()
        writeLock.lock()
        defer { writeLock.unlock() }
        let s = try writer.prepare("INSERT INTO lb_user(name, token, created_ms, profile) VALUES (?, ?, ?, ?)")
        s.bind(1, name)
        s.bind(2, SHA256.hex(token))
        s.bind(3, Int64(Date().timeIntervalSince1970 * 1000))
        s.bind(4, profile)
        try s.run()
        return ListenUser(id: writer.lastInsertRowID, name: name, token: token, profile: profile)
    }

    public func replaceToken(named name: String) throws -> ListenUser? {
        guard let user = try user(named: name) else { return nil }
        let token = Self.newToken()
        writeLock.lock()
        defer { writeLock.unlock() }
        let s = try writer.prepare("UPDATE lb_user SET token = ? WHERE id = ?")
        s.bind(1, SHA256.hex(token))
        s.bind(2, user.id)
        try s.run()
        return ListenUser(id: user.id, name: user.name, token: token, profile: user.profile)
    }

    private func readUser(_ sql: String, _ value: String) throws -> ListenUser? {
        readLock.lock()
        defer { readLock.unlock() }
        let s = try reader.prepare(sql)
        s.bind(1, value)
        return try s.step() ? ListenUser(id: s.int64(0), name: s.text(1) ?? "", token: "", profile: s.text(2)) : nil
    }

    public func user(named name: String) throws -> ListenUser? {
        try readUser("SELECT id, name, profile FROM lb_user WHERE name = ?", name)
    }

    public func user(token: String) throws -> ListenUser? {
        try readUser("SELECT id, name, profile FROM lb_user WHERE token = ?", SHA256.hex(token))
    }

    public func users() throws -> [ListenUser] {
        readLock.lock()
        defer { readLock.unlock() }
        let s = try reader.prepare("SELECT id, name, profile FROM lb_user ORDER BY name")
        var result: [ListenUser] = []
        while try s.step() { result.append(ListenUser(id: s.int64(0), name: s.text(1) ?? "", token: "", profile: s.text(2))) }
        return result
    }

    // MARK: Listens

    public func insert(_ listens: [StoredListen]) async throws -> [Bool] {
        guard !listens.isEmpty else { return [] }
        return try await enqueue(.listens(listens))
    }

    /// Hands rows to the commit thread and waits until their transaction has committed.
    private func enqueue(_ rows: IngestRows) async throws -> [Bool] {
        try await commits.submit(rows)
    }

    /// One transaction for every request in the batch; returns, per request and row, whether the row was new.
    private func write(_ requests: [IngestRows]) throws -> [[Bool]] {
        try writer.transaction {
            let s = try writer.prepare(
                "INSERT OR IGNORE INTO listen(user_id, listened_at, track_key, artist, track, release, inserted_ms, metadata) VALUES (?,?,?,?,?,?,?,?)"
            )
            let e = try writer.prepare(
                "INSERT OR IGNORE INTO event(ts_ms, token_id, user, event_key, event_id, track, artist, album, inserted_ms) VALUES (?,?,?,?,?,?,?,?,?)"
            )
            return try requests.map { request in
                var inserted: [Bool] = []
                switch request {
                case .listens(let listens):
                    inserted.reserveCapacity(listens.count)
                    for l in listens {
                        sqlite3_reset(s.handle)
                        s.bind(1, l.userID)
                        s.bind(2, l.listenedAt)
                        s.bind(3, l.trackKey)
                        s.bind(4, l.artist)
                        s.bind(5, l.track)
                        s.bind(6, l.release)
                        s.bind(7, l.insertedAt)
                        s.bind(8, l.metadataJSON)
                        try s.run()
                        inserted.append(writer.changes > 0)
                    }
                case .events(let events):
                    inserted.reserveCapacity(events.count)
                    for event in events {
                        sqlite3_reset(e.handle)
                        e.bind(1, event.time)
                        e.bind(2, event.tokenID)
                        e.bind(3, event.user)
                        e.bind(4, event.dedupeKey)
                        e.bind(5, event.eventID)
                        e.bind(6, event.track)
                        e.bind(7, event.artist)
                        e.bind(8, event.album)
                        e.bind(9, event.insertedAt)
                        try e.run()
                        inserted.append(writer.changes > 0)
                    }
                }
                return inserted
            }
        }
    }

    public func listens(userID: Int64, minTs: Int64?, maxTs: Int64?, count: Int) throws -> [StoredListen] {
        readLock.lock()
        defer { readLock.unlock() }
        let s = try reader.prepare(
            """
            SELECT listened_at, artist, track, release, inserted_ms, metadata FROM listen
            WHERE user_id = ? AND listened_at > ? AND listened_at < ? ORDER BY listened_at DESC LIMIT ?
            """)
        s.bind(1, userID)
        s.bind(2, minTs ?? Int64.min)
        s.bind(3, maxTs ?? Int64.max)
        s.bind(4, Int64(max(0, count)))
        var result: [StoredListen] = []
        while try s.step() {
            result.append(
                StoredListen(
                    userID: userID, listenedAt: s.int64(0), artist: s.text(1) ?? "", track: s.text(2) ?? "",
                    release: s.text(3), insertedAt: s.int64(4), metadataJSON: s.text(5) ?? "{}"))
        }
        return result
    }

    public func listenCount(userID: Int64) throws -> Int {
        readLock.lock()
        defer { readLock.unlock() }
        return Int(try reader.scalar("SELECT count(*) FROM listen WHERE user_id = ?", [.int(userID)]) ?? 0)
    }

    public func setPlayingNow(userID: Int64, trackMetadataJSON: String, expiresMillis: Int64) throws {
        writeLock.lock()
        defer { writeLock.unlock() }
        let s = try writer.prepare(
            "INSERT INTO playing_now(user_id, track_metadata, expires_ms) VALUES (?, ?, ?) "
                + "ON CONFLICT(user_id) DO UPDATE SET track_metadata = excluded.track_metadata, expires_ms = excluded.expires_ms")
        s.bind(1, userID)
        s.bind(2, trackMetadataJSON)
        s.bind(3, expiresMillis)
        try s.run()
    }

    public func playingNow(userID: Int64, nowMillis: Int64) throws -> String? {
        readLock.lock()
        defer { readLock.unlock() }
        let s = try reader.prepare("SELECT track_metadata FROM playing_now WHERE user_id = ? AND expires_ms > ?")
        s.bind(1, userID)
        s.bind(2, nowMillis)
        return try s.step() ? s.text(0) : nil
    }
}

// MARK: Bulk events

extension SQLiteListenStore {
    public func createIngestToken(name: String?, scope: String) throws -> (token: IngestToken, secret: String) {
        if let problem = StoreSecrets.scopeProblem(scope) { throw SQLiteError(code: SQLITE_MISUSE, message: problem) }
        var rng = SystemRandomNumberGenerator()
        let (secret, prefix) = StoreSecrets.ingestSecret(using: &rng)
        let created = Int64(Date().timeIntervalSince1970 * 1000)
        writeLock.lock()
        defer { writeLock.unlock() }
        let s = try writer.prepare("INSERT INTO ingest_token(name, scope, prefix, sha256, created_ms) VALUES (?, ?, ?, ?, ?)")
        s.bind(1, name)
        s.bind(2, scope)
        s.bind(3, prefix)
        s.bind(4, SHA256.hex(secret))
        s.bind(5, created)
        try s.run()
        return (IngestToken(id: writer.lastInsertRowID, name: name, scope: scope, prefix: prefix, createdAt: created), secret)
    }

    public func ingestToken(secret: String) throws -> IngestToken? {
        try readTokens("WHERE sha256 = ?", SHA256.hex(secret)).first
    }

    public func ingestTokens() throws -> [IngestToken] {
        try readTokens("", nil)
    }

    private func readTokens(_ filter: String, _ value: String?) throws -> [IngestToken] {
        readLock.lock()
        defer { readLock.unlock() }
        let s = try reader.prepare("SELECT id, name, scope, prefix, created_ms FROM ingest_token \(filter) ORDER BY id")
        if let value { s.bind(1, value) }
        var tokens: [IngestToken] = []
        while try s.step() {
            tokens.append(IngestToken(id: s.int64(0), name: s.text(1), scope: s.text(2) ?? "", prefix: s.text(3) ?? "", createdAt: s.int64(4)))
        }
        return tokens
    }

    public func appendEvents(_ events: [StoredEvent]) async throws -> [Bool] {
        guard !events.isEmpty else { return [] }
        return try await enqueue(.events(events))
    }

    public func eventCount() throws -> Int {
        readLock.lock()
        defer { readLock.unlock() }
        return Int(try reader.scalar("SELECT count(*) FROM event") ?? 0)
    }

    public func forEachRecentPlay(since: Int64, _ body: (RecentPlay) throws -> Void) throws {
        readLock.lock()
        defer { readLock.unlock() }
        let s = try reader.prepare(
            """
            SELECT u.name, l.track, l.artist, l.listened_at * 1000 AS t FROM listen l JOIN lb_user u ON u.id = l.user_id
            WHERE l.listened_at >= ?
            UNION ALL
            SELECT user, track, coalesce(artist, ''), ts_ms AS t FROM event WHERE ts_ms >= ?
            ORDER BY t
            """)
        // Listens are stored in whole seconds: the first second at or after `since`.
        s.bind(1, since >= 0 ? (since + 999) / 1000 : since / 1000)
        s.bind(2, since)
        while try s.step() {
            try body(RecentPlay(user: s.text(0) ?? "", track: s.text(1) ?? "", artist: s.text(2) ?? "", time: s.int64(3)))
        }
    }
}
