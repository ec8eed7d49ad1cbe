import Foundation
import PostgresNIO
import SegueModel
import SegueStore

/// ListenBrainz users and listens, ingest tokens and bulk events on PostgreSQL, shared by every node.
///
/// Writes go through one commit thread per store (group commit, as on SQLite): every request that
/// arrives while a transaction commits goes into the next one. A transaction writes each table's
/// rows with one `INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING key`, so a
/// batch costs a few statements whatever its size, and the returned keys say which rows were new.
///
/// Each transaction is a *live batch*: it takes an id from a sequence, stamps its rows with it,
/// records it in `live_batch` and sends `NOTIFY` on the schema's live channel (delivered only if it
/// commits). Other nodes read the batch's rows by that id and count them in their own windows
/// (`PostgresLiveFeed`); the writing node counts them itself.
public final class PostgresListenStore: ListenStore, EventStore, @unchecked Sendable {
    public let backend: PostgresBackend
    /// This process's name in `live_batch.node`, so that its feed skips the batches it wrote.
    public let node: String
    /// The group commit of listens and events (set once `init` has stored its properties).
    private var commits: GroupCommitQueue<IngestRows>!

    public init(backend: PostgresBackend, node: String = PostgresListenStore.newNodeName()) {
        self.backend = backend
        self.node = node
        commits = GroupCommitQueue(threadName: "segue-pg-listen-commit") { [weak self] requests in
            guard let self else { throw CancellationError() }
            // A lost connection retries the whole transaction (for up to the backend's retry window).
            do {
                return try backend.transaction { db in try write(requests, db) }
            } catch {
                throw PostgresStoreError.wrap(error)
            }
        }
    }

    /// Opens the database at `url` (migrating it as needed).
    public convenience init(url: String) throws {
        self.init(backend: try PostgresBackend(url: url))
    }

    /// A name unique to this process: host, process id and a random suffix.
    public static func newNodeName() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host.prefix(40)):\(getpid()):\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    /// The NOTIFY channel for live batches in this database and schema (channels are per database,
    /// so nodes in different schemas of one database must not hear each other).
    public var liveChannel: String { "segue_live_" + backend.location.schema }

    /// Stops the commit thread after what is queued is written.
    public func close() {
        commits?.close()
    }

    deinit { close() }

    // MARK: Users

    /// A fresh user token (see `StoreSecrets.userToken`).
    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return StoreSecrets.userToken(using: &rng)
    }

    public func replaceToken(named name: String) throws -> ListenUser? {
        let token = Self.newToken()
        let digest = SHA256.hex(token)
        return try backend.withConnection { db in
            try db.query("UPDATE lb_user SET token = \(digest) WHERE name = \(name) RETURNING id, profile").rows.first.map {
                let (id, profile) = try $0.decode((Int64, String?).self)
                return ListenUser(id: id, name: name, token: token, profile: profile)
            }
        }
    }

    public func createUser(named name: String, profile: String?) throws -> ListenUser {
        let token = Self.newToken()
        let digest = SHA256.hex(token)
        let created = Int64(Date().timeIntervalSince1970 * 1000)
        return try backend.withConnection { db in
            let rows = try db.query(
                """
                INSERT INTO lb_user(name, token, created_ms, profile) VALUES (\(name), \(digest), \(created), \(profile))
                ON CONFLICT (name) DO NOTHING RETURNING id
                """)
            guard let row = rows.rows.first else { throw PostgresStoreError.server("user '\(name)' exists") }
            return ListenUser(id: try row.decode(Int64.self), name: name, token: token, profile: profile)
        }
    }

    private func readUser(_ query: PostgresQuery) throws -> ListenUser? {
        try backend.withConnection { db in
            try db.query(query).rows.first.map {
                let (id, name, profile) = try $0.decode((Int64, String, String?).self)
                return ListenUser(id: id, name: name, token: "", profile: profile)
            }
        }
    }

    public func user(named name: String) throws -> ListenUser? {
        try readUser("SELECT id, name, profile FROM lb_user WHERE name = \(name)")
    }

    public func user(token: String) throws -> ListenUser? {
        try readUser("SELECT id, name, profile FROM lb_user WHERE token = \(SHA256.hex(token))")
    }

    public func users() throws -> [ListenUser] {
        try backend.withConnection { db in
            try db.query("SELECT id, name, profile FROM lb_user ORDER BY name").rows.map {
                let (id, name, profile) = try $0.decode((Int64, String, String?).self)
                return ListenUser(id: id, name: name, token: "", profile: profile)
            }
        }
    }

    // MARK: Group commit

    public func insert(_ listens: [StoredListen]) async throws -> [Bool] {
        guard !listens.isEmpty else { return [] }
        return try await enqueue(.listens(listens))
    }

    public func appendEvents(_ events: [StoredEvent]) async throws -> [Bool] {
        guard !events.isEmpty else { return [] }
        return try await enqueue(.events(events))
    }

    /// Hands rows to the commit thread and waits until their transaction has committed.
    private func enqueue(_ rows: IngestRows) async throws -> [Bool] {
        try await commits.submit(rows)
    }

    private struct ListenKey: Hashable {
        var user: Int64
        var at: Int64
        var track: String
    }

    private struct EventKey: Hashable {
        var time: Int64
        var token: Int64
        var user: String
        var key: String
    }

    /// One transaction's statements for every request in the batch; returns, per request and row,
    /// whether the row was new (the first of equal rows in the batch is the new one).
    private func write(_ requests: [IngestRows], _ db: BlockingConnection) throws -> [[Bool]] {
        let batchID = try db.query("SELECT nextval('live_batch_id')").rows.first!.decode(Int64.self)
        var listens: [StoredListen] = []
        var events: [StoredEvent] = []
        for request in requests {
            switch request {
            case .listens(let l): listens += l
            case .events(let e): events += e
            }
        }
        var newListens = Set<ListenKey>()
        if !listens.isEmpty {
            var b = PostgresBindings(capacity: 9)
            b.append(listens.map(\.userID))
            b.append(listens.map(\.listenedAt))
            b.append(listens.map(\.trackKey))
            b.append(listens.map(\.artist))
            b.append(listens.map(\.track))
            b.append(listens.map { $0.release ?? "" })
            b.append(listens.map { $0.release != nil })
            b.append(listens.map(\.insertedAt))
            b.append(listens.map(\.metadataJSON))
            b.append(batchID)
            let rows = try db.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO listen(user_id, listened_at, track_key, artist, track, release, inserted_ms, metadata, batch)
                        SELECT u, l, k, a, t, CASE WHEN hr THEN r END, i, m, $10
                        FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[],
                            $8::bigint[], $9::text[]) AS x(u, l, k, a, t, r, hr, i, m)
                        ON CONFLICT DO NOTHING
                        RETURNING user_id, listened_at, track_key
                        """, binds: b))
            for row in rows.rows {
                let (u, l, k) = try row.decode((Int64, Int64, String).self)
                newListens.insert(ListenKey(user: u, at: l, track: k))
            }
        }
        var newEvents = Set<EventKey>()
        if !events.isEmpty {
            var b = PostgresBindings(capacity: 12)
            b.append(events.map(\.time))
            b.append(events.map(\.tokenID))
            b.append(events.map(\.user))
            b.append(events.map(\.dedupeKey))
            b.append(events.map { $0.eventID ?? "" })
            b.append(events.map { $0.eventID != nil })
            b.append(events.map(\.track))
            b.append(events.map { $0.artist ?? "" })
            b.append(events.map { $0.artist != nil })
            b.append(events.map { $0.album ?? "" })
            b.append(events.map { $0.album != nil })
            b.append(events.map(\.insertedAt))
            b.append(batchID)
            let rows = try db.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO live_event(ts_ms, token_id, user_name, event_key, event_id, track, artist, album, inserted_ms, batch)
                        SELECT ts, tok, u, k, CASE WHEN hid THEN id END, t, CASE WHEN ha THEN a END, CASE WHEN hal THEN al END, i, $13
                        FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[],
                            $8::text[], $9::bool[], $10::text[], $11::bool[], $12::bigint[])
                            AS x(ts, tok, u, k, id, hid, t, a, ha, al, hal, i)
                        ON CONFLICT DO NOTHING
                        RETURNING ts_ms, token_id, user_name, event_key
                        """, binds: b))
            for row in rows.rows {
                let (ts, token, user, key) = try row.decode((Int64, Int64, String, String).self)
                newEvents.insert(EventKey(time: ts, token: token, user: user, key: key))
            }
        }
        let stored = newListens.count + newEvents.count
        if stored > 0 {
            let millis = Int64(Date().timeIntervalSince1970 * 1000)
            try db.query(
                "INSERT INTO live_batch(id, node, created_ms, rows) VALUES (\(batchID), \(node), \(millis), \(Int32(stored)))")
            // Delivered to every listening node when (and only if) this transaction commits.
            try db.query("SELECT pg_notify(\(liveChannel), \(String(batchID) + " " + node))")
        }
        // The first of equal rows in the batch takes the "new" mark; the rest are duplicates.
        return requests.map { request in
            switch request {
            case .listens(let l):
                return l.map { newListens.remove(ListenKey(user: $0.userID, at: $0.listenedAt, track: $0.trackKey)) != nil }
            case .events(let e):
                return e.map { newEvents.remove(EventKey(time: $0.time, token: $0.tokenID, user: $0.user, key: $0.dedupeKey)) != nil }
            }
        }
    }

    // MARK: Reads

    public func listens(userID: Int64, minTs: Int64?, maxTs: Int64?, count: Int) throws -> [StoredListen] {
        try backend.withConnection { db in
            let rows = try db.query(
                """
                SELECT listened_at, artist, track, release, inserted_ms, metadata FROM listen
                WHERE user_id = \(userID) AND listened_at > \(minTs ?? Int64.min) AND listened_at < \(maxTs ?? Int64.max)
                ORDER BY listened_at DESC, track_key LIMIT \(Int64(max(0, count)))
                """)
            return try rows.rows.map {
                let (at, artist, track, release, inserted, metadata) = try $0.decode((Int64, String, String, String?, Int64, String).self)
                return StoredListen(
                    userID: userID, listenedAt: at, artist: artist, track: track, release: release, insertedAt: inserted,
                    metadataJSON: metadata)
            }
        }
    }

    public func listenCount(userID: Int64) throws -> Int {
        try backend.withConnection { db in
            Int(try db.query("SELECT count(*) FROM listen WHERE user_id = \(userID)").rows.first?.decode(Int64.self) ?? 0)
        }
    }

    public func setPlayingNow(userID: Int64, trackMetadataJSON: String, expiresMillis: Int64) throws {
        try backend.withConnection { db in
            try db.query(
                """
                INSERT INTO playing_now(user_id, track_metadata, expires_ms) VALUES (\(userID), \(trackMetadataJSON), \(expiresMillis))
                ON CONFLICT (user_id) DO UPDATE SET track_metadata = excluded.track_metadata, expires_ms = excluded.expires_ms
                """)
        }
    }

    public func playingNow(userID: Int64, nowMillis: Int64) throws -> String? {
        try backend.withConnection { db in
            try db.query("SELECT track_metadata FROM playing_now WHERE user_id = \(userID) AND expires_ms > \(nowMillis)")
                .rows.first?.decode(String.self)
        }
    }

    // MARK: Ingest tokens

    public func createIngestToken(name: String?, scope: String) throws -> (token: IngestToken, secret: String) {
        if let problem = StoreSecrets.scopeProblem(scope) { throw PostgresStoreError.server(problem) }
        var rng = SystemRandomNumberGenerator()
        let (secret, prefix) = StoreSecrets.ingestSecret(using: &rng)
        let created = Int64(Date().timeIntervalSince1970 * 1000)
        let digest = SHA256.hex(secret)
        return try backend.withConnection { db in
            let row = try db.query(
                """
                INSERT INTO ingest_token(name, scope, prefix, sha256, created_ms) VALUES (\(name), \(scope), \(prefix), \(digest), \(created))
                RETURNING id
                """
            ).rows.first!
            return (IngestToken(id: try row.decode(Int64.self), name: name, scope: scope, prefix: prefix, createdAt: created), secret)
        }
    }

    public func ingestToken(secret: String) throws -> IngestToken? {
        try readTokens("SELECT id, name, scope, prefix, created_ms FROM ingest_token WHERE sha256 = \(SHA256.hex(secret))").first
    }

    public func ingestTokens() throws -> [IngestToken] {
        try readTokens("SELECT id, name, scope, prefix, created_ms FROM ingest_token ORDER BY id")
    }

    private func readTokens(_ query: PostgresQuery) throws -> [IngestToken] {
        try backend.withConnection { db in
            try db.query(query).rows.map {
                let (id, name, scope, prefix, created) = try $0.decode((Int64, String?, String, String, Int64).self)
                return IngestToken(id: id, name: name, scope: scope, prefix: prefix, createdAt: created)
            }
        }
    }

    // MARK: Events

    public func eventCount() throws -> Int {
        try backend.withConnection { db in
            Int(try db.query("SELECT count(*) FROM live_event").rows.first?.decode(Int64.self) ?? 0)
        }
    }

    public func forEachRecentPlay(since: Int64, _ body: (RecentPlay) throws -> Void) throws {
        try forEachRecentPlay(since: since) { play, _ in try body(play) }
    }

    /// As `forEachRecentPlay(since:_:)`, and adds to `batches` the ids of the live batches written
    /// in the last `batchHorizon` milliseconds before `since`, or after it, read in the same snapshot:
    /// the batches whose rows this counted, for a live feed to skip.
    public func forEachRecentPlay(
        since: Int64, batches: inout Set<Int64>, batchHorizon: Int64 = 600_000, _ body: (RecentPlay) throws -> Void
    ) throws {
        batches.formUnion(try forEachRecentPlay(since: since, batchesSince: since - batchHorizon) { play, _ in try body(play) })
    }

    @discardableResult
    private func forEachRecentPlay(since: Int64, batchesSince: Int64? = nil, _ body: (RecentPlay, Int64) throws -> Void) throws
        -> Set<Int64>
    {
        // Listens are stored in whole seconds: the first second at or after `since`.
        let firstSecond = since >= 0 ? (since + 999) / 1000 : since / 1000
        return try backend.transaction { db in
            // One snapshot for the rows and the batch ids.
            try db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            var batches = Set<Int64>()
            if let batchesSince {
                for row in try db.query("SELECT id FROM live_batch WHERE created_ms >= \(batchesSince)").rows {
                    batches.insert(try row.decode(Int64.self))
                }
            }
            // A cursor, read in pages: memory follows the page, not the 24 hours.
            // Integers written into the text (DECLARE is a utility statement: no bound parameters).
            try db.execute(
                """
                DECLARE recent_plays NO SCROLL CURSOR FOR
                SELECT u.name, l.track, l.artist, l.listened_at * 1000 AS t, l.batch FROM listen l JOIN lb_user u ON u.id = l.user_id
                WHERE l.listened_at >= \(firstSecond)
                UNION ALL
                SELECT user_name, track, coalesce(artist, ''), ts_ms AS t, batch FROM live_event WHERE ts_ms >= \(since)
                ORDER BY t
                """)
            while true {
                let page = try db.query("FETCH 20000 FROM recent_plays").rows
                for row in page {
                    let (user, track, artist, time, batch) = try row.decode((String, String, String, Int64, Int64).self)
                    try body(RecentPlay(user: user, track: track, artist: artist, time: time), batch)
                }
                if page.count < 20000 { break }
            }
            return batches
        }
    }

    /// The plays a live batch stored (listens and events, in stored order).
    public func plays(inBatch batch: Int64) throws -> [RecentPlay] {
        try backend.withConnection { db in
            try db.query(
                """
                SELECT u.name, l.track, l.artist, l.listened_at * 1000 FROM listen l JOIN lb_user u ON u.id = l.user_id
                WHERE l.batch = \(batch)
                UNION ALL
                SELECT user_name, track, coalesce(artist, ''), ts_ms FROM live_event WHERE batch = \(batch)
                """
            ).rows.map {
                let (user, track, artist, time) = try $0.decode((String, String, String, Int64).self)
                return RecentPlay(user: user, track: track, artist: artist, time: time)
            }
        }
    }

    /// Live batches written by other nodes since `sinceMillis` (their clock), oldest first.
    public func liveBatches(since sinceMillis: Int64) throws -> [(id: Int64, node: String)] {
        try backend.withConnection { db in
            try db.query("SELECT id, node FROM live_batch WHERE created_ms >= \(sinceMillis) ORDER BY id").rows.map {
                let (id, node) = try $0.decode((Int64, String).self)
                return (id, node)
            }
        }
    }
}
