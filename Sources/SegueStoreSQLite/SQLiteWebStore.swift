import Foundation
import SegueStore

/// Sessions, feedback and the job queue, in their own SQLite file beside the plays' file.
///
/// A separate file because an import holds the plays' write lock for its whole transaction: progress
/// updates, job claims and new sessions must not wait for it.
public final class SQLiteWebStore: SessionStore, FeedbackStore, JobStore, @unchecked Sendable {
    private let db: SQLiteConnection
    private let lock = NSLock()

    /// Opens (creating and migrating as needed) the database at `path`.
    public init(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        try WebMigrations.migrate(db)
    }

    /// The file the web store uses inside a data folder.
    public static func databasePath(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent("segue-web.sqlite")
    }

    private func locked<R>(_ body: (SQLiteConnection) throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(db)
    }

    private static func optionalText(_ s: SQLiteStatement, _ column: Int32) -> String? {
        s.isNull(column) ? nil : s.text(column)
    }

    private static func optionalInt(_ s: SQLiteStatement, _ column: Int32) -> Int64? {
        s.isNull(column) ? nil : s.int64(column)
    }

    private static func bindOptional(_ value: Int64?) -> SQLiteValue { value.map { .int($0) } ?? .null }
    private static func bindOptional(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }

    // MARK: Sessions

    public func insertSession(_ session: WebSession) throws {
        try locked { db in
            let s = try db.prepare(
                "INSERT INTO web_session(id, profile_name, csrf_token, created_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)")
            try s.bind([
                .text(session.id), .text(session.profileName), .text(session.csrfToken), .int(session.createdMillis),
                .int(session.lastSeenMillis),
            ])
            try s.run()
        }
    }

    private static let sessionColumns = "id, profile_name, csrf_token, created_ms, last_seen_ms"

    private static func session(_ s: SQLiteStatement) -> WebSession {
        WebSession(
            id: s.text(0) ?? "", profileName: s.text(1) ?? "", csrfToken: s.text(2) ?? "", createdMillis: s.int64(3),
            lastSeenMillis: s.int64(4))
    }

    public func session(id: String) throws -> WebSession? {
        try locked { db in
            let s = try db.prepare("SELECT \(Self.sessionColumns) FROM web_session WHERE id = ?")
            try s.bind([.text(id)])
            return try s.step() ? Self.session(s) : nil
        }
    }

    public func touchSession(id: String, millis: Int64) throws {
        try locked { db in
            let s = try db.prepare("UPDATE web_session SET last_seen_ms = ? WHERE id = ?")
            try s.bind([.int(millis), .text(id)])
            try s.run()
        }
    }

    public func deleteSession(id: String) throws {
        try locked { db in
            let s = try db.prepare("DELETE FROM web_session WHERE id = ?")
            try s.bind([.text(id)])
            try s.run()
        }
    }

    public func sessions(idleBefore millis: Int64) throws -> [WebSession] {
        try locked { db in
            let s = try db.prepare("SELECT \(Self.sessionColumns) FROM web_session WHERE last_seen_ms < ?")
            try s.bind([.int(millis)])
            var out: [WebSession] = []
            while try s.step() { out.append(Self.session(s)) }
            return out
        }
    }

    // MARK: Feedback

    public func addFeedback(message: String, rating: Int?, contact: String?, millis: Int64) throws -> Int64 {
        try locked { db in
            let s = try db.prepare("INSERT INTO feedback(message, rating, contact, created_ms) VALUES (?, ?, ?, ?)")
            try s.bind([.text(message), Self.bindOptional(rating.map(Int64.init)), Self.bindOptional(contact), .int(millis)])
            try s.run()
            return db.lastInsertRowID
        }
    }

    public func feedback(limit: Int) throws -> [FeedbackEntry] {
        try locked { db in
            let s = try db.prepare(
                "SELECT id, message, rating, contact, created_ms FROM feedback ORDER BY created_ms DESC, id DESC LIMIT ?")
            try s.bind([.int(Int64(limit))])
            var out: [FeedbackEntry] = []
            while try s.step() {
                out.append(
                    FeedbackEntry(
                        id: s.int64(0), message: s.text(1) ?? "", rating: Self.optionalInt(s, 2).map(Int.init),
                        contact: Self.optionalText(s, 3), createdMillis: s.int64(4)))
            }
            return out
        }
    }

    // MARK: Jobs

    private static let jobColumns = """
        id, owner, kind, state, parameters, progress_permyriad, detail, result, error, cancel_requested, created_ms, \
        started_ms, finished_ms
        """

    private static func job(_ s: SQLiteStatement) -> JobRecord {
        JobRecord(
            id: s.text(0) ?? "", owner: s.text(1) ?? "", kind: s.text(2) ?? "",
            state: JobState(rawValue: s.text(3) ?? "") ?? .failed, parameters: s.text(4) ?? "{}",
            progress: Double(s.int64(5)) / 10_000, detail: optionalText(s, 6), result: optionalText(s, 7),
            error: optionalText(s, 8), cancelRequested: s.int64(9) != 0, createdMillis: s.int64(10),
            startedMillis: optionalInt(s, 11), finishedMillis: optionalInt(s, 12))
    }

    private func fetchJob(_ db: SQLiteConnection, id: String) throws -> JobRecord? {
        let s = try db.prepare("SELECT \(Self.jobColumns) FROM job WHERE id = ?")
        try s.bind([.text(id)])
        return try s.step() ? Self.job(s) : nil
    }

    public func enqueue(_ job: JobRecord) throws {
        try locked { db in
            let s = try db.prepare(
                """
                INSERT INTO job(id, owner, kind, state, parameters, progress_permyriad, created_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            try s.bind([
                .text(job.id), .text(job.owner), .text(job.kind), .text(job.state.rawValue), .text(job.parameters),
                .int(Int64((job.progress * 10_000).rounded())), .int(job.createdMillis),
            ])
            try s.run()
        }
    }

    public func job(id: String) throws -> JobRecord? {
        try locked { db in try fetchJob(db, id: id) }
    }

    public func jobs(owner: String, limit: Int) throws -> [JobRecord] {
        try locked { db in
            let s = try db.prepare(
                "SELECT \(Self.jobColumns) FROM job WHERE owner = ? ORDER BY created_ms DESC, rowid DESC LIMIT ?")
            try s.bind([.text(owner), .int(Int64(limit))])
            var out: [JobRecord] = []
            while try s.step() { out.append(Self.job(s)) }
            return out
        }
    }

    public func activeJobCount(owner: String) throws -> Int {
        try locked { db in
            Int(try db.scalar(
                "SELECT count(*) FROM job WHERE owner = ? AND state IN ('queued', 'running')", [.text(owner)]) ?? 0)
        }
    }

    public func claimNextJob(excludingOwners busyOwners: Set<String>, millis: Int64) throws -> JobRecord? {
        try locked { db in
            try db.transaction {
                let s = try db.prepare(
                    "SELECT \(Self.jobColumns) FROM job WHERE state = 'queued' ORDER BY created_ms, rowid LIMIT 64")
                try s.bind([])
                var chosen: JobRecord?
                while try s.step() {
                    let job = Self.job(s)
                    if !busyOwners.contains(job.owner) {
                        chosen = job
                        break
                    }
                }
                s.reset()
                guard var job = chosen else { return nil }
                let u = try db.prepare("UPDATE job SET state = 'running', started_ms = ? WHERE id = ? AND state = 'queued'")
                try u.bind([.int(millis), .text(job.id)])
                try u.run()
                job.state = .running
                job.startedMillis = millis
                return job
            }
        }
    }

    public func updateJobProgress(id: String, progress: Double, detail: String?) throws {
        try locked { db in
            let s = try db.prepare("UPDATE job SET progress_permyriad = ?, detail = ? WHERE id = ?")
            try s.bind([.int(Int64((min(max(progress, 0), 1) * 10_000).rounded())), Self.bindOptional(detail), .text(id)])
            try s.run()
        }
    }

    public func finishJob(id: String, state: JobState, result: String?, error: String?, millis: Int64) throws {
        try locked { db in
            let s = try db.prepare(
                """
                UPDATE job SET state = ?1, result = ?2, error = ?3, finished_ms = ?4,
                    progress_permyriad = CASE WHEN ?5 = 'succeeded' THEN 10000 ELSE progress_permyriad END,
                    detail = CASE WHEN ?5 = 'succeeded' THEN NULL ELSE detail END
                WHERE id = ?6
                """)
            try s.bind([
                .text(state.rawValue), Self.bindOptional(result), Self.bindOptional(error), .int(millis),
                .text(state.rawValue), .text(id),
            ])
            try s.run()
        }
    }

    public func requestJobCancellation(id: String, millis: Int64) throws -> JobRecord? {
        try locked { db in
            try db.transaction {
                let q = try db.prepare(
                    "UPDATE job SET state = 'cancelled', finished_ms = ? WHERE id = ? AND state = 'queued'")
                try q.bind([.int(millis), .text(id)])
                try q.run()
                let r = try db.prepare("UPDATE job SET cancel_requested = 1 WHERE id = ? AND state = 'running'")
                try r.bind([.text(id)])
                try r.run()
                return try fetchJob(db, id: id)
            }
        }
    }

    public func requeueRunningJobs() throws -> Int {
        try locked { db in
            try db.execute(
                "UPDATE job SET state = 'queued', started_ms = NULL, progress_permyriad = 0 WHERE state = 'running'")
            return Int(db.changes)
        }
    }

    public func deleteJobs(owner: String) throws {
        try locked { db in
            let s = try db.prepare("DELETE FROM job WHERE owner = ?")
            try s.bind([.text(owner)])
            try s.run()
        }
    }
}
