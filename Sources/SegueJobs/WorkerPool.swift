import Foundation
import Logging
import Metrics
import SegueStore

/// Runs queued jobs from a `JobStore` on a fixed number of worker threads.
///
/// The queue lives in the store, so queued work survives a restart, and pools in several processes
/// (or machines, on PostgreSQL) can share it. Each claimed job is leased to this pool's `workerID`;
/// a heartbeat renews the leases of running jobs, so a job whose process died is claimed again once
/// its lease expires, and a pool that stops gives its jobs back at once. A failed attempt is retried
/// with exponential backoff while the job has attempts left (`maxAttempts`), then dead-lettered.
/// At most one job per owner runs at a time in a pool, and an owner may have at most
/// `perOwnerLimit` queued or running jobs.
public final class WorkerPool: @unchecked Sendable {
    public let store: any JobStore
    public let concurrency: Int
    public let perOwnerLimit: Int
    /// Who holds this pool's leases (unique per process).
    public let workerID: String
    /// How long a claim lasts without a heartbeat; the heartbeat runs every third of it.
    public let leaseMillis: Int64
    /// The first retry's delay; each later one doubles it.
    public let retryBaseMillis: Int64
    /// Skip owners with a job running in any process (see `JobStore.claimNextJob`), not only here.
    public var oneJobPerOwnerEverywhere = false
    private let handlers: [String: any JobHandler]
    private let clock: @Sendable () -> Int64
    private let makeID: @Sendable () -> String
    private let logger: Logger

    private let condition = NSCondition()
    private var running: [String: (owner: String, context: JobContext)] = [:]
    private var stopping = false
    private var started = false
    private var liveWorkers = 0

    /// A worker id for this process: host, process id and a random part.
    public static func makeWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// - Parameters:
    ///   - clock: milliseconds since 1970 (injected for tests).
    ///   - makeID: a new unguessable job id.
    public init(
        store: any JobStore, handlers: [String: any JobHandler], concurrency: Int = 2, perOwnerLimit: Int = 4,
        clock: @escaping @Sendable () -> Int64, makeID: @escaping @Sendable () -> String,
        workerID: String = WorkerPool.makeWorkerID(), leaseMillis: Int64 = 30_000, retryBaseMillis: Int64 = 2_000,
        logger: Logger = Logger(label: "segue.jobs")
    ) {
        self.workerID = workerID
        self.leaseMillis = max(30, leaseMillis)
        self.retryBaseMillis = max(0, retryBaseMillis)
        self.store = store
        self.handlers = handlers
        // 0: a pool that only submits (a web node whose jobs run on `segue worker` processes).
        self.concurrency = max(0, concurrency)
        self.perOwnerLimit = perOwnerLimit
        self.clock = clock
        self.makeID = makeID
        self.logger = logger
    }

    /// Starts the worker threads and the lease heartbeat. Jobs a stopped process left running are
    /// claimed again once their leases expire.
    public func start() throws {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        liveWorkers += 1
        let heartbeat = Thread { [self] in heartbeatLoop() }
        heartbeat.name = "segue-worker-heartbeat"
        heartbeat.start()
        for index in 0..<concurrency {
            liveWorkers += 1
            let thread = Thread { [self] in workerLoop() }
            thread.name = "segue-worker-\(index)"
            thread.start()
        }
    }

    /// Stops taking jobs, cancels running ones (they go back to the queue at once, for any pool) and
    /// waits for the threads to finish.
    public func shutdown() {
        condition.lock()
        stopping = true
        for entry in running.values { entry.context.cancel() }
        condition.broadcast()
        while liveWorkers > 0 { condition.wait() }
        condition.unlock()
    }

    /// Queues a job for `owner`.
    /// - Throws: `JobError.tooManyJobs` past the per-owner limit, `JobError.unknownKind`.
    @discardableResult
    public func submit(owner: String, kind: String, parameters: String, maxAttempts: Int = 1) throws -> JobRecord {
        guard handlers[kind] != nil else { throw JobError.unknownKind(kind) }
        let job = JobRecord(
            id: makeID(), owner: owner, kind: kind, parameters: parameters, createdMillis: clock(), maxAttempts: maxAttempts)
        // Counted and queued in one step: concurrent submits never pass the limit together.
        guard try store.enqueue(job, ownerLimit: perOwnerLimit) else {
            throw JobError.tooManyJobs(limit: perOwnerLimit)
        }
        Counter(label: "segue_jobs_submitted_total", dimensions: [("kind", kind)]).increment()
        condition.lock()
        condition.broadcast()
        condition.unlock()
        return job
    }

    /// Cancels a job: a queued one at once, a running one at its next check. Returns the job.
    public func cancel(id: String) throws -> JobRecord? {
        let job = try store.requestJobCancellation(id: id, millis: clock())
        condition.lock()
        running[id]?.context.cancel()
        condition.unlock()
        return job
    }

    /// Cancels every job of `owner` and waits (up to `timeout` seconds) until none of them runs.
    public func cancelAll(owner: String, timeout: Double = 10) throws {
        for job in try store.jobs(owner: owner, limit: 1_000) where !job.state.isFinal {
            _ = try cancel(id: job.id)
        }
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while running.values.contains(where: { $0.owner == owner }) && Date() < deadline {
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.05)))
        }
        condition.unlock()
    }

    /// Jobs running in this process now.
    public var runningCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return running.count
    }

    private func workerLoop() {
        while true {
            condition.lock()
            if stopping {
                liveWorkers -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let busy = Set(running.values.map(\.owner))
            let claimed: JobRecord?
            do {
                claimed = try store.claimNextJob(
                    excludingOwners: busy, worker: workerID, leaseMillis: leaseMillis, millis: clock(),
                    oneJobPerOwner: oneJobPerOwnerEverywhere)
            } catch {
                logger.error("cannot claim a job", metadata: ["error": "\(error)"])
                claimed = nil
            }
            guard let job = claimed else {
                // Also wakes now and then for jobs queued by another process.
                _ = condition.wait(until: Date().addingTimeInterval(1))
                condition.unlock()
                continue
            }
            let context = JobContext(jobID: job.id, store: store)
            running[job.id] = (job.owner, context)
            Gauge(label: "segue_jobs_running").record(running.count)
            condition.unlock()

            execute(job, context: context)

            condition.lock()
            running[job.id] = nil
            Gauge(label: "segue_jobs_running").record(running.count)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Renews the leases of the jobs running here; cancels those whose lease was lost (another
    /// worker has them now) or whose cancellation was asked for on another node.
    private func heartbeatLoop() {
        let interval = Double(leaseMillis) / 3000
        while true {
            condition.lock()
            let due = Date().addingTimeInterval(interval)
            while !stopping && Date() < due { _ = condition.wait(until: due) }
            if stopping {
                liveWorkers -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let jobs = running.map { (id: $0.key, context: $0.value.context) }
            condition.unlock()
            for job in jobs {
                do {
                    switch try store.renewLease(id: job.id, worker: workerID, leaseMillis: leaseMillis, millis: clock()) {
                    case .held(let cancelRequested): if cancelRequested { job.context.cancel() }
                    case .lost:
                        logger.warning("lost the lease of a running job; stopping it", metadata: ["job": "\(job.id)"])
                        job.context.cancel()
                    }
                } catch {
                    logger.error("cannot renew a job's lease", metadata: ["job": "\(job.id)", "error": "\(error)"])
                }
            }
        }
    }

    private func execute(_ job: JobRecord, context: JobContext) {
        let started = DispatchTime.now().uptimeNanoseconds
        var state: JobState
        var result: String?
        var message: String?
        do {
            guard let handler = handlers[job.kind] else { throw JobError.unknownKind(job.kind) }
            if job.cancelRequested { throw JobError.cancelled }
            result = try handler.run(job, context: context)
            state = .succeeded
        } catch {
            if context.isCancelled || (error as? JobError) == .cancelled {
                condition.lock()
                let shuttingDown = stopping
                condition.unlock()
                if shuttingDown && !(((try? store.job(id: job.id)) ?? nil)?.cancelRequested ?? false) {
                    // Back in the queue at once, for whichever pool runs next.
                    logger.info("job interrupted by shutdown", metadata: ["job": "\(job.id)"])
                    do {
                        try store.releaseLease(id: job.id, worker: workerID)
                    } catch {
                        logger.error(
                            "cannot give back a job; it is claimed again when its lease expires",
                            metadata: ["job": "\(job.id)", "error": "\(error)"])
                    }
                    return
                }
                state = .cancelled
            } else {
                state = .failed
                message = "\(error)"
                // The whole message goes to the log; browsers see a cleaned first line of it.
                logger.warning("job failed", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "error": "\(error)"])
            }
        }
        do {
            let recorded: Bool
            if state == .failed {
                let delay = retryBaseMillis << Int64(min(max(job.attempts - 1, 0), 20))
                let next = try store.failAttempt(
                    id: job.id, worker: workerID, error: message ?? "failed", retryDelayMillis: delay, millis: clock())
                recorded = next != nil
                if let next { state = next }
            } else {
                recorded = try store.finishJob(
                    id: job.id, worker: workerID, state: state, result: result, error: message, millis: clock())
            }
            if !recorded {
                logger.warning("a job's lease was lost before it finished; its outcome is not recorded", metadata: ["job": "\(job.id)"])
                return
            }
        } catch {
            logger.error("cannot record a finished job", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        Counter(label: "segue_jobs_finished_total", dimensions: [("kind", job.kind), ("state", state.rawValue)]).increment()
        Timer(label: "segue_job_duration_seconds", dimensions: [("kind", job.kind)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(Int64(seconds * 1e9))
        logger.info(
            "job finished",
            metadata: [
                "job": "\(job.id)", "kind": "\(job.kind)", "state": "\(state.rawValue)", "seconds": "\(seconds)",
                "worker": "\(workerID)", "attempt": "\(job.attempts)",
            ])
    }
}
