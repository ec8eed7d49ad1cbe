import CSQLite
import Foundation

/// The usual design that `segue bench live` compares Segue with: every event is one INSERT in its
/// own transaction, committed to disk before the next (SQLite with `synchronous=FULL`, standing in for
/// a database with autocommit), and a dashboard that re-queries the table every few seconds.
/// Benchmark code only: it shares nothing with the stores.
public final class PerEventCommitBaseline: @unchecked Sendable {
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let insert: SQLiteStatement

    /// What one dashboard refresh costs and shows.
    public struct Refresh: Sendable {
        /// Seconds the three queries took.
        public var seconds: Double
        public var streams: Int
        public var activeUsers: Int
        public var topTrack: String?
    }

    public init(path: String) throws {
        writer = try SQLiteConnection(path: path)
        try writer.execute(
            """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS event(id INTEGER PRIMARY KEY, user TEXT NOT NULL, track TEXT NOT NULL, artist TEXT, ts_ms INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS event_ts ON event(ts_ms);
            """)
        insert = try writer.prepare("INSERT INTO event(user, track, artist, ts_ms) VALUES (?, ?, ?, ?)")
        reader = try SQLiteConnection(path: path)
    }

    /// One event, one transaction, one commit.
    public func insert(user: String, track: String, artist: String, time: Int64) throws {
        insert.reset()
        insert.bind(1, user)
        insert.bind(2, track)
        insert.bind(3, artist)
        insert.bind(4, time)
        try insert.run()
    }

    /// The dashboard's refresh: streams and distinct users since `since`, and the top track.
    public func refresh(since: Int64) throws -> Refresh {
        let start = DispatchTime.now()
        let streams = try reader.scalar("SELECT count(*) FROM event WHERE ts_ms >= ?", [.int(since)]) ?? 0
        let users = try reader.scalar("SELECT count(DISTINCT user) FROM event WHERE ts_ms >= ?", [.int(since)]) ?? 0
        let top = try reader.prepare(
            "SELECT track, count(*) AS n FROM event WHERE ts_ms >= ? GROUP BY artist, track ORDER BY n DESC LIMIT 10")
        top.bind(1, since)
        let first = try top.step() ? top.text(0) : nil
        while try top.step() {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Refresh(seconds: seconds, streams: Int(streams), activeUsers: Int(users), topTrack: first)
    }
}
