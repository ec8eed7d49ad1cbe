import CSQLite
import Foundation

/// The usual design that `segue-bench live` compares Segue with: every event is one INSERT in its
/// own transaction, committed to disk before the next (SQLite with `synchronous=FULL`, standing in for
/// a database with autocommit), and a dashboard that re-queries the table every few seconds.
/// It shares nothing with the stores, so it talks to SQLite's C API itself. The writer and the reader
/// are two connections, each used by one thread at a time (the bench's writer loop and its dashboard).
public final class PerEventCommitBaseline: @unchecked Sendable {
    private let writer: OpaquePointer
    private let reader: OpaquePointer
    private let insert: OpaquePointer

    /// What one dashboard refresh costs and shows.
    public struct Refresh: Sendable {
        /// Seconds the three queries took.
        public var seconds: Double
        public var streams: Int
        public var activeUsers: Int
        public var topTrack: String?
    }

    /// A failed SQLite call, with SQLite's message.
    public struct Failure: Error, CustomStringConvertible {
        public var code: Int32
        public var message: String
        public var description: String { "SQLite error \(code): \(message)" }
    }

    public init(path: String) throws {
        // As the stores do: the allocator's statistics off before the first connection (harmless after).
        _ = segue_sqlite_disable_memory_statistics()
        writer = try Self.open(path)
        do {
            try Self.execute(
                writer,
                """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS event(id INTEGER PRIMARY KEY, user TEXT NOT NULL, track TEXT NOT NULL, artist TEXT, ts_ms INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS event_ts ON event(ts_ms);
                """)
            insert = try Self.prepare(writer, "INSERT INTO event(user, track, artist, ts_ms) VALUES (?, ?, ?, ?)")
        } catch {
            sqlite3_close_v2(writer)
            throw error
        }
        do {
            reader = try Self.open(path)
        } catch {
            sqlite3_finalize(insert)
            sqlite3_close_v2(writer)
            throw error
        }
    }

    deinit {
        sqlite3_finalize(insert)
        sqlite3_close_v2(writer)
        sqlite3_close_v2(reader)
    }

    /// One event, one transaction, one commit.
    public func insert(user: String, track: String, artist: String, time: Int64) throws {
        sqlite3_reset(insert)
        sqlite3_clear_bindings(insert)
        Self.bind(insert, 1, user)
        Self.bind(insert, 2, track)
        Self.bind(insert, 3, artist)
        sqlite3_bind_int64(insert, 4, time)
        try Self.finish(insert, writer)
    }

    /// The dashboard's refresh: streams and distinct users since `since`, and the top track.
    public func refresh(since: Int64) throws -> Refresh {
        let start = DispatchTime.now()
        let streams = try count("SELECT count(*) FROM event WHERE ts_ms >= ?", since: since)
        let users = try count("SELECT count(DISTINCT user) FROM event WHERE ts_ms >= ?", since: since)
        let top = try Self.prepare(
            reader, "SELECT track, count(*) AS n FROM event WHERE ts_ms >= ? GROUP BY artist, track ORDER BY n DESC LIMIT 10")
        defer { sqlite3_finalize(top) }
        sqlite3_bind_int64(top, 1, since)
        let first = try Self.step(top, reader) ? sqlite3_column_text(top, 0).map { String(cString: $0) } : nil
        try Self.finish(top, reader)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Refresh(seconds: seconds, streams: streams, activeUsers: users, topTrack: first)
    }

    private func count(_ sql: String, since: Int64) throws -> Int {
        let statement = try Self.prepare(reader, sql)
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_int64(statement, 1, since)
        return try Self.step(statement, reader) ? Int(sqlite3_column_int64(statement, 0)) : 0
    }

    // MARK: SQLite calls

    // SQLite copies bound text when given this destructor.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private static func open(_ path: String) throws -> OpaquePointer {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw Failure(code: rc, message: "\(path): \(message)")
        }
        sqlite3_busy_timeout(db, 10_000)
        return db
    }

    private static func execute(_ db: OpaquePointer, _ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw Failure(code: rc, message: text)
        }
    }

    private static func prepare(_ db: OpaquePointer, _ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw Failure(code: rc, message: String(cString: sqlite3_errmsg(db))) }
        return statement
    }

    private static func bind(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
        _ = sqlite3_bind_text(statement, index, text, -1, transient)
    }

    /// Steps once: true when a row is available, false when done.
    private static func step(_ statement: OpaquePointer, _ db: OpaquePointer) throws -> Bool {
        let rc = sqlite3_step(statement)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw Failure(code: rc, message: String(cString: sqlite3_errmsg(db)))
    }

    /// Steps through the remaining rows.
    private static func finish(_ statement: OpaquePointer, _ db: OpaquePointer) throws {
        while try step(statement, db) {}
    }
}
