import Foundation

/// An anonymous browser session: its own profile, files and jobs.
public struct WebSession: Sendable, Equatable, Codable {
    /// 32 hex digits (128 random bits); the cookie value.
    public var id: String
    /// The store profile holding this session's plays.
    public var profileName: String
    /// Sent back with every state-changing request.
    public var csrfToken: String
    public var createdMillis: Int64
    public var lastSeenMillis: Int64

    public init(id: String, profileName: String, csrfToken: String, createdMillis: Int64, lastSeenMillis: Int64) {
        self.id = id
        self.profileName = profileName
        self.csrfToken = csrfToken
        self.createdMillis = createdMillis
        self.lastSeenMillis = lastSeenMillis
    }
}

/// Where web sessions live.
public protocol SessionStore: Sendable {
    func insertSession(_ session: WebSession) throws
    /// The session with `id`, or nil.
    func session(id: String) throws -> WebSession?
    /// Records activity at `millis`.
    func touchSession(id: String, millis: Int64) throws
    func deleteSession(id: String) throws
    /// Sessions whose last activity is before `millis`.
    func sessions(idleBefore millis: Int64) throws -> [WebSession]
}

/// One message sent through the feedback form.
public struct FeedbackEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var message: String
    /// 1 to 5, when given.
    public var rating: Int?
    public var contact: String?
    public var createdMillis: Int64

    public init(id: Int64, message: String, rating: Int?, contact: String?, createdMillis: Int64) {
        self.id = id
        self.message = message
        self.rating = rating
        self.contact = contact
        self.createdMillis = createdMillis
    }
}

/// Where feedback is kept.
public protocol FeedbackStore: Sendable {
    /// Stores a message and returns its id.
    func addFeedback(message: String, rating: Int?, contact: String?, millis: Int64) throws -> Int64
    /// The newest `limit` messages, newest first.
    func feedback(limit: Int) throws -> [FeedbackEntry]
}

/// Where a job is in its life.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed, cancelled
    /// Dead-lettered: a job allowed several attempts failed (or lost its worker) on every one of
    /// them. Kept with its last error for someone to look at; never run again.
    case dead

    /// True once the job will not change again.
    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled || self == .dead }
}

/// A unit of background work (an import, a render) as the queue stores it.
public struct JobRecord: Sendable, Equatable, Codable {
    public var id: String
    /// Who may see it: a web session id, or a profile name for CLI use.
    public var owner: String
    /// The handler that runs it, such as `import` or `race`.
    public var kind: String
    public var state: JobState
    /// The handler's input, as JSON.
    public var parameters: String
    /// 0 to 1.
    public var progress: Double
    /// A short line about the current step ("frame 120 of 600").
    public var detail: String?
    /// The handler's output, as JSON, once succeeded.
    public var result: String?
    /// What went wrong, once failed.
    public var error: String?
    public var cancelRequested: Bool
    public var createdMillis: Int64
    public var startedMillis: Int64?
    public var finishedMillis: Int64?
    /// How many times a worker has claimed the job.
    public var attempts: Int
    /// Claims allowed before the job is dead-lettered (1: a failure is final at once).
    public var maxAttempts: Int
    /// The worker holding the job while it runs, and until when (it renews the lease as it works).
    public var leaseOwner: String?
    public var leaseExpiresMillis: Int64?
    /// Not claimed before this time (the backoff after a failed attempt).
    public var runAfterMillis: Int64

    /// Claims allowed in all, counting those whose worker died: at least 3, so a job allowed one
    /// attempt is still picked up again after a crash, but one that keeps killing workers stops.
    public var claimLimit: Int { max(maxAttempts, 3) }

    public init(
        id: String, owner: String, kind: String, state: JobState = .queued, parameters: String, progress: Double = 0,
        detail: String? = nil, result: String? = nil, error: String? = nil, cancelRequested: Bool = false,
        createdMillis: Int64, startedMillis: Int64? = nil, finishedMillis: Int64? = nil, attempts: Int = 0,
        maxAttempts: Int = 1, leaseOwner: String? = nil, leaseExpiresMillis: Int64? = nil, runAfterMillis: Int64 = 0
    ) {
        self.id = id
        self.owner = owner
        self.kind = kind
        self.state = state
        self.parameters = parameters
        self.progress = progress
        self.detail = detail
        self.result = result
        self.error = error
        self.cancelRequested = cancelRequested
        self.createdMillis = createdMillis
        self.startedMillis = startedMillis
        self.finishedMillis = finishedMillis
        self.attempts = attempts
        self.maxAttempts = max(1, maxAttempts)
        self.leaseOwner = leaseOwner
        self.leaseExpiresMillis = leaseExpiresMillis
        self.runAfterMillis = runAfterMillis
    }
}

/// What a worker learns when it renews its lease on a running job.
public enum LeaseRenewal: Sendable, Equatable {
    /// Still the worker's; `cancelRequested` when someone asked (on any node) to cancel the job.
    case held(cancelRequested: Bool)
    /// No longer the worker's (it expired and another worker took the job, or the job was finished):
    /// stop working on it; its result would not be recorded.
    case lost
}

/// The durable job queue: survives restarts; claims are atomic so several workers (threads,
/// processes, machines) can share it.
///
/// A claimed job is leased to one worker until a time the worker keeps pushing forward while it
/// works (`renewLease`). A worker that dies stops renewing; once its lease expires the job can be
/// claimed again. Only the worker holding the lease can record the job's outcome, so a job succeeds
/// at most once even when a presumed-dead worker comes back.
public protocol JobStore: Sendable {
    func enqueue(_ job: JobRecord) throws
    /// Queues `job` unless its owner already has `ownerLimit` queued or running jobs, counting and
    /// inserting in one atomic step (two submits at once never both pass the last free place).
    /// Returns false, queuing nothing, when the owner is at the limit.
    func enqueue(_ job: JobRecord, ownerLimit: Int) throws -> Bool
    /// Queues `job` unless a job with its id is already stored (in any state), in one atomic step
    /// (the id is the queue's primary key). Scheduled work uses an id made of what it is and the
    /// day it is for, so several nodes asking for the same run queue it once. Returns false,
    /// queuing nothing, when the id was taken.
    func enqueueUnlessPresent(_ job: JobRecord) throws -> Bool
    /// The jobs `worker` holds now (running under its lease).
    func jobs(leasedTo worker: String) throws -> [JobRecord]
    /// Records that `worker` died (its process trapped, crashed or was killed) holding its jobs: each
    /// is queued again only when this was its first attempt and it allows more, else it ends `failed`
    /// (a job allowed one attempt) or `dead`, with `error`. A job that took a worker down therefore
    /// runs at most once more. Returns the jobs as they now are.
    func abandonJobs(of worker: String, error: String, millis: Int64) throws -> [JobRecord]
    func job(id: String) throws -> JobRecord?
    /// An owner's jobs, newest first.
    func jobs(owner: String, limit: Int) throws -> [JobRecord]
    /// Queued or running jobs of `owner`.
    func activeJobCount(owner: String) throws -> Int
    /// Leases the oldest claimable job whose owner is not in `busyOwners` to `worker` until
    /// `millis + leaseMillis`, counts the attempt and returns it. Claimable: queued and due
    /// (`runAfterMillis <= millis`), or running under an expired lease (its worker died). An expired
    /// job already claimed `JobRecord.claimLimit` times is dead-lettered instead (it kills its workers).
    /// With `oneJobPerOwner`, owners with a job running under a live lease anywhere (any worker
    /// process) are skipped too: worker processes that each run one job keep the rule of one job
    /// per owner at a time that threads of one pool keep through `busyOwners`.
    func claimNextJob(
        excludingOwners busyOwners: Set<String>, worker: String, leaseMillis: Int64, millis: Int64, oneJobPerOwner: Bool
    ) throws -> JobRecord?
    /// Extends `worker`'s lease on a running job to `millis + leaseMillis`.
    func renewLease(id: String, worker: String, leaseMillis: Int64, millis: Int64) throws -> LeaseRenewal
    func updateJobProgress(id: String, progress: Double, detail: String?) throws
    /// Moves a job `worker` holds to a final state; false (and nothing changes) when it does not
    /// hold it any more.
    func finishJob(id: String, worker: String, state: JobState, result: String?, error: String?, millis: Int64) throws -> Bool
    /// Records a failed attempt of a job `worker` holds: queued again, not before
    /// `millis + retryDelayMillis`, while attempts remain; else `failed` (a job allowed one attempt)
    /// or `dead`. Returns the new state, or nil when the worker no longer held the job.
    func failAttempt(id: String, worker: String, error: String, retryDelayMillis: Int64, millis: Int64) throws -> JobState?
    /// Gives a job back to the queue at once without counting the attempt (its worker is stopping).
    func releaseLease(id: String, worker: String) throws
    /// Asks for cancellation: a queued job is cancelled at once; a running one is flagged. Returns the job.
    func requestJobCancellation(id: String, millis: Int64) throws -> JobRecord?
    /// Erases every job of `owner`.
    func deleteJobs(owner: String) throws
}

extension JobStore {
    /// `claimNextJob` without looking at other workers' running jobs.
    public func claimNextJob(excludingOwners busyOwners: Set<String>, worker: String, leaseMillis: Int64, millis: Int64) throws
        -> JobRecord?
    {
        try claimNextJob(excludingOwners: busyOwners, worker: worker, leaseMillis: leaseMillis, millis: millis, oneJobPerOwner: false)
    }
}
