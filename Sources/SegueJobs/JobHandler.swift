import Foundation
import SegueStore

/// Runs one kind of job (an import, a render). Called on a worker thread; may block.
public protocol JobHandler: Sendable {
    /// Does the work of `job` and returns its result as JSON.
    ///
    /// Call `context.report` as it goes and stop with `JobError.cancelled` (or any error) when
    /// `context.isCancelled` turns true.
    func run(_ job: JobRecord, context: JobContext) throws -> String
}

/// What a queue refuses or a job fails with.
public enum JobError: Error, Equatable, CustomStringConvertible {
    /// The owner already has this many queued or running jobs.
    case tooManyJobs(limit: Int)
    /// No handler is registered for the kind.
    case unknownKind(String)
    /// The job was cancelled while running.
    case cancelled
    /// The job's parameters could not be read.
    case badParameters(String)

    public var description: String {
        switch self {
        case .tooManyJobs(let limit): "too many jobs at once (at most \(limit) queued or running): wait for one to finish"
        case .unknownKind(let kind): "no handler for jobs of kind '\(kind)'"
        case .cancelled: "cancelled"
        case .badParameters(let why): "bad job parameters: \(why)"
        }
    }
}

/// A running job's link back to the pool: progress reports and the cancellation flag.
public final class JobContext: @unchecked Sendable {
    public let jobID: String
    private let lock = NSLock()
    private var cancelled = false
    private var lastWrite: UInt64 = 0
    private let store: any JobStore
    private let minimumInterval: UInt64

    init(jobID: String, store: any JobStore, minimumIntervalNanoseconds: UInt64 = 150_000_000) {
        self.jobID = jobID
        self.store = store
        self.minimumInterval = minimumIntervalNanoseconds
    }

    /// True once someone asked to cancel the job (or the pool is stopping).
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Throws `JobError.cancelled` when the job was cancelled.
    public func checkCancellation() throws {
        if isCancelled { throw JobError.cancelled }
    }

    /// Records progress (0…1) and a short detail line; writes at most every 150 ms unless `force`.
    public func report(_ progress: Double, detail: String? = nil, force: Bool = false) {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let due = force || now - lastWrite >= minimumInterval
        if due { lastWrite = now }
        lock.unlock()
        guard due else { return }
        try? store.updateJobProgress(id: jobID, progress: progress, detail: detail)
    }
}
