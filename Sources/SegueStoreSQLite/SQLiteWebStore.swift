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

    func locked<R>(_ body: (SQLiteConnection) throws -> R) throws -> R {
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
        started_ms, finished_ms, attempts, max_attempts, lease_owner, lease_expires_ms, run_after_ms
        """

    private static func job(_ s: SQLiteStatement) -> JobRecord {
        JobRecord(
            id: s.text(0) ?? "", owner: s.text(1) ?? "", kind: s.text(2) ?? "",
            state: JobState(rawValue: s.text(3) ?? "") ?? .failed, parameters: s.text(4) ?? "{}",
            progress: Double(s.int64(5)) / 10_000, detail: optionalText(s, 6), result: optionalText(s, 7),
            error: optionalText(s, 8), cancelRequested: s.int64(9) != 0, createdMillis: s.int64(10),
            startedMillis: optionalInt(s, 11), finishedMillis: optionalInt(s, 12), attempts: Int(s.int64(13)),
            maxAttempts: Int(s.int64(14)), leaseOwner: optionalText(s, 15), leaseExpiresMillis: optionalInt(s, 16),
            runAfterMillis: s.int64(17))
    }

    private func fetchJob(_ db: SQLiteConnection, id: String) throws -> JobRecord? {
        let s = try db.prepare("SELECT \(Self.jobColumns) FROM job WHERE id = ?")
        try s.bind([.text(id)])
        return try s.step() ? Self.job(s) : nil
    }

    public func enqueue(_ job: JobRecord) throws {
        try locked { db in try Self.insert(job, db) }
    }

    public func enqueueUnlessPresent(_ job: JobRecord) throws -> Bool {
        try locked { db in
            try Self.insert(job, db, unlessPresent: true)
            return db.changes > 0
        }
    }

    private static func insert(_ job: JobRecord, _ db: SQLiteConnection, unlessPresent: Bool = false) throws {
        let s = try db.prepare(
            """
            INSERT INTO job(id, owner, kind, state, parameters, progress_permyriad, created_ms, max_attempts, run_after_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)\(unlessPresent ? " ON CONFLICT(id) DO NOTHING" : "")
            """)
        try s.bind([
            .text(job.id), .text(job.owner), .text(job.kind), .text(job.state.rawValue), .text(job.parameters),
            .int(Int64((job.progress * 10_000).rounded())), .int(job.createdMillis), .int(Int64(job.maxAttempts)),
            .int(job.runAfterMillis),
        ])
        try s.run()
    }

    public func enqueue(_ job: JobRecord, ownerLimit: Int) throws -> Bool {
        try locked { db in
            // BEGIN IMMEDIATE: the count and the insert hold the file's write lock, across processes too.
            try db.transaction {
                let active =
                    try db.scalar(
                        "SELECT count(*) FROM job WHERE owner = ? AND state IN ('queued', 'running')", [.text(job.owner)]) ?? 0
                guard active < Int64(ownerLimit) else { return false }
                try Self.insert(job, db)
                return true
            }
        }
    }

    public func jobs(leasedTo worker: String) throws -> [JobRecord] {
        try locked { db in
            let s = try db.prepare("SELECT \(Self.jobColumns) FROM job WHERE state = 'running' AND lease_owner = ?")
            try s.bind([.text(worker)])
            var out: [JobRecord] = []
            while try s.step() { out.append(Self.job(s)) }
            return out
        }
    }

    public func abandonJobs(of worker: String, error: String, millis: Int64) throws -> [JobRecord] {
        try locked { db in
            try db.transaction {
                let s = try db.prepare("SELECT \(Self.jobColumns) FROM job WHERE state = 'running' AND lease_owner = ?")
                try s.bind([.text(worker)])
                var held: [JobRecord] = []
                while try s.step() { held.append(Self.job(s)) }
                s.reset()
                var out: [JobRecord] = []
                for job in held {
                    let next = JobRecord.stateAfterAbandon(attempts: job.attempts, maxAttempts: job.maxAttempts)
                    let u = try db.prepare(
                        """
                        UPDATE job SET state = ?, error = ?, lease_owner = NULL, lease_expires_ms = NULL, run_after_ms = ?,
                            finished_ms = ? WHERE id = ?
                        """)
                    try u.bind([.text(next.rawValue), .text(error), .int(millis), next == .queued ? .null : .int(millis), .text(job.id)])
                    try u.run()
                    if let updated = try fetchJob(db, id: job.id) { out.append(updated) }
                }
                return out
            }
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
            Int(
                try db.scalar(
                    "SELECT count(*) FROM job WHERE owner = ? AND state IN ('queued', 'running')", [.text(owner)]) ?? 0)
        }
    }

    public func claimNextJob(
        excludingOwners busyOwners: Set<String>, worker: String, leaseMillis: Int64, millis: Int64, oneJobPerOwner: Bool
    ) throws -> JobRecord? {
        try locked { db in
            // BEGIN IMMEDIATE: one claimer at a time across every process sharing the file.
            try db.transaction {
                let s = try db.prepare(
                    """
                    SELECT \(Self.jobColumns) FROM job
                    WHERE (state = 'queued' AND run_after_ms <= ?1) OR (state = 'running' AND coalesce(lease_expires_ms, 0) < ?1)
                    ORDER BY created_ms, rowid LIMIT 64
                    """)
                try s.bind([.int(millis)])
                var candidates: [JobRecord] = []
                while try s.step() { candidates.append(Self.job(s)) }
                s.reset()
                var busyOwners = busyOwners
                if oneJobPerOwner {
                    let running = try db.prepare(
                        "SELECT DISTINCT owner FROM job WHERE state = 'running' AND coalesce(lease_expires_ms, 0) >= ?")
                    try running.bind([.int(millis)])
                    while try running.step() { busyOwners.insert(running.text(0) ?? "") }
                }
                for var job in candidates {
                    if job.state == .running && job.isDeadOnClaim {
                        let dead = try db.prepare(
                            """
                            UPDATE job SET state = 'dead', finished_ms = ?, lease_owner = NULL, lease_expires_ms = NULL,
                                error = coalesce(error, ?) WHERE id = ?
                            """)
                        try dead.bind([.int(millis), .text(JobRecord.workerStoppedOnEveryAttempt), .text(job.id)])
                        try dead.run()
                        continue
                    }
                    if busyOwners.contains(job.owner) { continue }
                    let u = try db.prepare(
                        """
                        UPDATE job SET state = 'running', started_ms = ?, attempts = attempts + 1, lease_owner = ?,
                            lease_expires_ms = ? WHERE id = ?
                        """)
                    try u.bind([.int(millis), .text(worker), .int(millis + leaseMillis), .text(job.id)])
                    try u.run()
                    job.state = .running
                    job.startedMillis = millis
                    job.attempts += 1
                    job.leaseOwner = worker
                    job.leaseExpiresMillis = millis + leaseMillis
                    return job
                }
                return nil
            }
        }
    }

    public func renewLease(id: String, worker: String, leaseMillis: Int64, millis: Int64) throws -> LeaseRenewal {
        try locked { db in
            let s = try db.prepare(
                "UPDATE job SET lease_expires_ms = ? WHERE id = ? AND state = 'running' AND lease_owner = ?")
            try s.bind([.int(millis + leaseMillis), .text(id), .text(worker)])
            try s.run()
            guard db.changes > 0 else { return .lost }
            return .held(cancelRequested: try fetchJob(db, id: id)?.cancelRequested ?? false)
        }
    }

    public func updateJobProgress(id: String, progress: Double, detail: String?) throws {
        try locked { db in
            let s = try db.prepare("UPDATE job SET progress_permyriad = ?, detail = ? WHERE id = ?")
            try s.bind([.int(Int64((min(max(progress, 0), 1) * 10_000).rounded())), Self.bindOptional(detail), .text(id)])
            try s.run()
        }
    }

    public func finishJob(id: String, worker: String, state: JobState, result: String?, error: String?, millis: Int64) throws
        -> Bool
    {
        try locked { db in
            let s = try db.prepare(
                """
                UPDATE job SET state = ?1, result = ?2, error = ?3, finished_ms = ?4, lease_owner = NULL, lease_expires_ms = NULL,
                    progress_permyriad = CASE WHEN ?1 = 'succeeded' THEN 10000 ELSE progress_permyriad END,
                    detail = CASE WHEN ?1 = 'succeeded' THEN NULL ELSE detail END
                WHERE id = ?5 AND state = 'running' AND lease_owner = ?6
                """)
            try s.bind([
                .text(state.rawValue), Self.bindOptional(result), Self.bindOptional(error), .int(millis), .text(id), .text(worker),
            ])
            try s.run()
            return db.changes > 0
        }
    }

    public func failAttempt(id: String, worker: String, error: String, retryDelayMillis: Int64, millis: Int64) throws -> JobState? {
        try locked { db in
            try db.transaction {
                guard let job = try fetchJob(db, id: id), job.state == .running, job.leaseOwner == worker else { return nil }
                let next = JobRecord.stateAfterFailedAttempt(attempts: job.attempts, maxAttempts: job.maxAttempts)
                let s = try db.prepare(
                    """
                    UPDATE job SET state = ?, error = ?, lease_owner = NULL, lease_expires_ms = NULL, run_after_ms = ?,
                        finished_ms = ? WHERE id = ?
                    """)
                try s.bind([
                    .text(next.rawValue), .text(error), .int(millis + retryDelayMillis),
                    next == .queued ? .null : .int(millis), .text(id),
                ])
                try s.run()
                return next
            }
        }
    }

    public func releaseLease(id: String, worker: String) throws {
        try locked { db in
            let s = try db.prepare(
                """
                UPDATE job SET state = 'queued', started_ms = NULL, progress_permyriad = 0, attempts = max(attempts - 1, 0),
                    lease_owner = NULL, lease_expires_ms = NULL WHERE id = ? AND state = 'running' AND lease_owner = ?
                """)
            try s.bind([.text(id), .text(worker)])
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

    public func deleteJobs(owner: String) throws {
        try locked { db in
            let s = try db.prepare("DELETE FROM job WHERE owner = ?")
            try s.bind([.text(owner)])
            try s.run()
        }
    }
}
