import Foundation
import PostgresNIO
import SegueStore

/// The durable job queue on PostgreSQL, shared by every node's workers.
///
/// A claim is one statement: the oldest claimable row is locked with `FOR UPDATE SKIP LOCKED`
/// (claimers never wait for each other, and never take the same row) and leased to the worker.
/// Outcomes are recorded only by the lease holder (`WHERE lease_owner = $worker`), so a job
/// succeeds at most once.
public final class PostgresJobStore: JobStore, @unchecked Sendable {
    public let backend: PostgresBackend

    public init(backend: PostgresBackend) {
        self.backend = backend
    }

    private static let columns = """
        id, owner, kind, state, parameters, progress_permyriad, detail, result, error, cancel_requested, created_ms, \
        started_ms, finished_ms, attempts, max_attempts, lease_owner, lease_expires_ms, run_after_ms
        """

    private static func job(_ row: PostgresRow) throws -> JobRecord {
        let r = row.makeRandomAccess()
        return JobRecord(
            id: try r[0].decode(String.self), owner: try r[1].decode(String.self), kind: try r[2].decode(String.self),
            state: JobState(rawValue: try r[3].decode(String.self)) ?? .failed, parameters: try r[4].decode(String.self),
            progress: Double(try r[5].decode(Int32.self)) / 10_000, detail: try r[6].decode(String?.self),
            result: try r[7].decode(String?.self), error: try r[8].decode(String?.self),
            cancelRequested: try r[9].decode(Bool.self), createdMillis: try r[10].decode(Int64.self),
            startedMillis: try r[11].decode(Int64?.self), finishedMillis: try r[12].decode(Int64?.self),
            attempts: Int(try r[13].decode(Int32.self)), maxAttempts: Int(try r[14].decode(Int32.self)),
            leaseOwner: try r[15].decode(String?.self), leaseExpiresMillis: try r[16].decode(Int64?.self),
            runAfterMillis: try r[17].decode(Int64.self))
    }

    private func jobs(_ query: PostgresQuery) throws -> [JobRecord] {
        try backend.withConnection { db in try db.query(query).rows.map(Self.job) }
    }

    public func enqueue(_ job: JobRecord) throws {
        try backend.withConnection { db in
            try db.query(
                """
                INSERT INTO job(id, owner, kind, state, parameters, progress_permyriad, created_ms, max_attempts, run_after_ms)
                VALUES (\(job.id), \(job.owner), \(job.kind), \(job.state.rawValue), \(job.parameters),
                    \(Int32((job.progress * 10_000).rounded())), \(job.createdMillis), \(Int32(job.maxAttempts)), \(job.runAfterMillis))
                """)
        }
    }

    public func enqueueUnlessPresent(_ job: JobRecord) throws -> Bool {
        try backend.withConnection { db in
            try db.changes(
                """
                INSERT INTO job(id, owner, kind, state, parameters, progress_permyriad, created_ms, max_attempts, run_after_ms)
                VALUES (\(job.id), \(job.owner), \(job.kind), \(job.state.rawValue), \(job.parameters),
                    \(Int32((job.progress * 10_000).rounded())), \(job.createdMillis), \(Int32(job.maxAttempts)), \(job.runAfterMillis))
                ON CONFLICT (id) DO NOTHING
                """) > 0
        }
    }

    public func enqueue(_ job: JobRecord, ownerLimit: Int) throws -> Bool {
        try backend.transaction { db in
            // One owner's submits queue behind a transaction-scoped lock on its name, on every node:
            // the count below then sees every insert committed before it.
            try db.query("SELECT pg_advisory_xact_lock(hashtext('segue.job.owner:' || \(job.owner)))")
            let row = try db.query("SELECT count(*) FROM job WHERE owner = \(job.owner) AND state IN ('queued', 'running')").rows.first
            guard Int(try row?.decode(Int64.self) ?? 0) < ownerLimit else { return false }
            try db.query(
                """
                INSERT INTO job(id, owner, kind, state, parameters, progress_permyriad, created_ms, max_attempts, run_after_ms)
                VALUES (\(job.id), \(job.owner), \(job.kind), \(job.state.rawValue), \(job.parameters),
                    \(Int32((job.progress * 10_000).rounded())), \(job.createdMillis), \(Int32(job.maxAttempts)), \(job.runAfterMillis))
                """)
            return true
        }
    }

    public func jobs(leasedTo worker: String) throws -> [JobRecord] {
        try jobs(
            PostgresQuery(
                unsafeSQL: "SELECT \(Self.columns) FROM job WHERE state = 'running' AND lease_owner = $1", binds: Self.bind(worker)))
    }

    public func abandonJobs(of worker: String, error: String, millis: Int64) throws -> [JobRecord] {
        var binds = Self.bind(worker)
        binds.append(error)
        binds.append(millis)
        let returning = Self.columns.split(separator: ",").map { "job." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
        return try jobs(
            PostgresQuery(
                // `JobRecord.stateAfterAbandon`, in SQL.
                unsafeSQL: """
                    UPDATE job SET
                        state = CASE WHEN attempts < least(max_attempts, 2) THEN 'queued' WHEN max_attempts = 1 THEN 'failed' ELSE 'dead' END,
                        finished_ms = CASE WHEN attempts < least(max_attempts, 2) THEN NULL ELSE $3 END,
                        error = $2, lease_owner = NULL, lease_expires_ms = NULL, run_after_ms = $3
                    WHERE state = 'running' AND lease_owner = $1
                    RETURNING \(returning)
                    """,
                binds: binds))
    }

    public func job(id: String) throws -> JobRecord? {
        try jobs(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM job WHERE id = $1", binds: Self.bind(id))).first
    }

    public func jobs(owner: String, limit: Int) throws -> [JobRecord] {
        var binds = Self.bind(owner)
        binds.append(Int64(limit))
        return try jobs(
            PostgresQuery(
                unsafeSQL: "SELECT \(Self.columns) FROM job WHERE owner = $1 ORDER BY created_ms DESC, seq DESC LIMIT $2",
                binds: binds))
    }

    private static func bind(_ text: String) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(text)
        return b
    }

    public func activeJobCount(owner: String) throws -> Int {
        try backend.withConnection { db in
            let row = try db.query("SELECT count(*) FROM job WHERE owner = \(owner) AND state IN ('queued', 'running')").rows.first
            return Int(try row?.decode(Int64.self) ?? 0)
        }
    }

    public func claimNextJob(
        excludingOwners busyOwners: Set<String>, worker: String, leaseMillis: Int64, millis: Int64, oneJobPerOwner: Bool
    ) throws -> JobRecord? {
        try backend.withConnection { db in
            // Jobs whose workers died on every allowed claim are dead-lettered, not claimed again
            // (`JobRecord.isDeadOnClaim`, in SQL).
            try db.query(
                """
                UPDATE job SET state = 'dead', finished_ms = \(millis), lease_owner = NULL, lease_expires_ms = NULL,
                    error = coalesce(error, \(JobRecord.workerStoppedOnEveryAttempt))
                WHERE state = 'running' AND coalesce(lease_expires_ms, 0) < \(millis) AND attempts >= greatest(max_attempts, 3)
                """)
            var binds = PostgresBindings()
            binds.append(millis)
            binds.append(Array(busyOwners))
            binds.append(worker)
            binds.append(millis + leaseMillis)
            binds.append(oneJobPerOwner)
            let returning = Self.columns.split(separator: ",").map { "job." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .joined(separator: ", ")
            let rows = try db.query(
                PostgresQuery(
                    unsafeSQL: """
                        WITH candidate AS (
                            SELECT id FROM job
                            WHERE ((state = 'queued' AND run_after_ms <= $1) OR (state = 'running' AND coalesce(lease_expires_ms, 0) < $1))
                                AND owner <> ALL($2::text[])
                                AND NOT ($5 AND owner IN (
                                    SELECT owner FROM job WHERE state = 'running' AND coalesce(lease_expires_ms, 0) >= $1))
                            ORDER BY created_ms, seq
                            LIMIT 1
                            FOR UPDATE SKIP LOCKED
                        )
                        UPDATE job SET state = 'running', started_ms = $1, attempts = job.attempts + 1, lease_owner = $3,
                            lease_expires_ms = $4
                        FROM candidate WHERE job.id = candidate.id
                        RETURNING \(returning)
                        """,
                    binds: binds))
            return try rows.rows.first.map(Self.job)
        }
    }

    public func renewLease(id: String, worker: String, leaseMillis: Int64, millis: Int64) throws -> LeaseRenewal {
        try backend.withConnection { db in
            let rows = try db.query(
                """
                UPDATE job SET lease_expires_ms = \(millis + leaseMillis)
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker)
                RETURNING cancel_requested
                """)
            guard let row = rows.rows.first else { return .lost }
            return .held(cancelRequested: try row.decode(Bool.self))
        }
    }

    public func updateJobProgress(id: String, progress: Double, detail: String?) throws {
        let permyriad = Int32((min(max(progress, 0), 1) * 10_000).rounded())
        try backend.withConnection { db in
            try db.query("UPDATE job SET progress_permyriad = \(permyriad), detail = \(detail) WHERE id = \(id)")
        }
    }

    public func finishJob(id: String, worker: String, state: JobState, result: String?, error: String?, millis: Int64) throws
        -> Bool
    {
        try backend.withConnection { db in
            try db.changes(
                """
                UPDATE job SET state = \(state.rawValue), result = \(result), error = \(error), finished_ms = \(millis),
                    lease_owner = NULL, lease_expires_ms = NULL,
                    progress_permyriad = CASE WHEN \(state.rawValue) = 'succeeded' THEN 10000 ELSE progress_permyriad END,
                    detail = CASE WHEN \(state.rawValue) = 'succeeded' THEN NULL ELSE detail END
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker)
                """) > 0
        }
    }

    public func failAttempt(id: String, worker: String, error: String, retryDelayMillis: Int64, millis: Int64) throws -> JobState? {
        try backend.withConnection { db in
            // `JobRecord.stateAfterFailedAttempt`, in SQL.
            let rows = try db.query(
                """
                UPDATE job SET
                    state = CASE WHEN attempts < max_attempts THEN 'queued' WHEN max_attempts = 1 THEN 'failed' ELSE 'dead' END,
                    finished_ms = CASE WHEN attempts < max_attempts THEN NULL ELSE \(millis) END,
                    error = \(error), lease_owner = NULL, lease_expires_ms = NULL, run_after_ms = \(millis + retryDelayMillis)
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker)
                RETURNING state
                """)
            return try rows.rows.first.map { JobState(rawValue: try $0.decode(String.self)) ?? .failed }
        }
    }

    public func releaseLease(id: String, worker: String) throws {
        try backend.withConnection { db in
            try db.query(
                """
                UPDATE job SET state = 'queued', started_ms = NULL, progress_permyriad = 0, attempts = greatest(attempts - 1, 0),
                    lease_owner = NULL, lease_expires_ms = NULL
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker)
                """)
        }
    }

    public func requestJobCancellation(id: String, millis: Int64) throws -> JobRecord? {
        try backend.transaction { db in
            try db.query("UPDATE job SET state = 'cancelled', finished_ms = \(millis) WHERE id = \(id) AND state = 'queued'")
            try db.query("UPDATE job SET cancel_requested = true WHERE id = \(id) AND state = 'running'")
            let rows = try db.query(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM job WHERE id = $1", binds: Self.bind(id)))
            return try rows.rows.first.map(Self.job)
        }
    }

    public func deleteJobs(owner: String) throws {
        try backend.withConnection { db in
            try db.query("DELETE FROM job WHERE owner = \(owner)")
        }
    }
}
