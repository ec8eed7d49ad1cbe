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

    /// True once the job will not change again.
    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
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

    public init(
        id: String, owner: String, kind: String, state: JobState = .queued, parameters: String, progress: Double = 0,
        detail: String? = nil, result: String? = nil, error: String? = nil, cancelRequested: Bool = false,
        createdMillis: Int64, startedMillis: Int64? = nil, finishedMillis: Int64? = nil
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
    }
}

/// The durable job queue: survives restarts; claims are atomic so several workers can share it.
public protocol JobStore: Sendable {
    func enqueue(_ job: JobRecord) throws
    func job(id: String) throws -> JobRecord?
    /// An owner's jobs, newest first.
    func jobs(owner: String, limit: Int) throws -> [JobRecord]
    /// Queued or running jobs of `owner`.
    func activeJobCount(owner: String) throws -> Int
    /// Marks the oldest queued job whose owner is not in `busyOwners` as running and returns it.
    func claimNextJob(excludingOwners busyOwners: Set<String>, millis: Int64) throws -> JobRecord?
    func updateJobProgress(id: String, progress: Double, detail: String?) throws
    /// Moves a job to a final state.
    func finishJob(id: String, state: JobState, result: String?, error: String?, millis: Int64) throws
    /// Asks for cancellation: a queued job is cancelled at once; a running one is flagged. Returns the job.
    func requestJobCancellation(id: String, millis: Int64) throws -> JobRecord?
    /// Puts jobs left running by a stopped process back in the queue; returns how many.
    func requeueRunningJobs() throws -> Int
    /// Erases every job of `owner`.
    func deleteJobs(owner: String) throws
}
