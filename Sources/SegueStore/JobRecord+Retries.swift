/// The retry and dead-letter rule of the job queue, stated once. SQLite applies it in Swift; the
/// PostgreSQL queue applies the same rule inside its single `UPDATE … RETURNING` statements (one
/// round trip, atomic against other nodes' workers), and `JobStoreContractTests` checks both
/// backends against these definitions.
extension JobRecord {
    /// The state after an attempt failed (`JobStore.failAttempt`), the job having been claimed
    /// `attempts` times: queued again while attempts remain, else `failed` for a job allowed one
    /// attempt and `dead` (dead-lettered) for one allowed several.
    public static func stateAfterFailedAttempt(attempts: Int, maxAttempts: Int) -> JobState {
        attempts < maxAttempts ? .queued : (maxAttempts == 1 ? .failed : .dead)
    }

    /// The state after the job's worker died holding it (`JobStore.abandonJobs`): queued again only
    /// after its first attempt and when it allows more, so a job that takes its worker down runs at
    /// most once more; else as after a failed attempt.
    public static func stateAfterAbandon(attempts: Int, maxAttempts: Int) -> JobState {
        attempts < min(maxAttempts, 2) ? .queued : (maxAttempts == 1 ? .failed : .dead)
    }

    /// Whether a job running under an expired lease is dead-lettered instead of claimed again: its
    /// workers died on every claim it was allowed (`claimLimit`).
    public var isDeadOnClaim: Bool { attempts >= claimLimit }

    /// The error a job dead-lettered on claim keeps when it has none of its own.
    public static let workerStoppedOnEveryAttempt = "its worker stopped on every attempt"
}
