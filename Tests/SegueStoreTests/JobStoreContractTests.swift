import Foundation
import SegueJobs
import SegueStore
import SegueTestSupport
import Testing

/// The job queue's rules (leases, retries, dead letters, one outcome per job) on every backend.
@Suite struct JobStoreContractTests {
    func job(_ id: String, owner: String = "o", at millis: Int64 = 0, maxAttempts: Int = 1) -> JobRecord {
        JobRecord(id: id, owner: owner, kind: "k", parameters: "{}", createdMillis: millis, maxAttempts: maxAttempts)
    }

    @Test(arguments: StoreBackend.allCases)
    func claimsLeaseTheOldestJobToOneWorker(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("b", at: 2))
        try store.enqueue(job("a", at: 1))
        let first = try #require(try store.claimNextJob(excludingOwners: [], worker: "w1", leaseMillis: 1_000, millis: 10))
        #expect(first.id == "a" && first.state == .running && first.attempts == 1)
        #expect(first.leaseOwner == "w1" && first.leaseExpiresMillis == 1_010)
        let second = try #require(try store.claimNextJob(excludingOwners: [], worker: "w2", leaseMillis: 1_000, millis: 10))
        #expect(second.id == "b")
        #expect(try store.claimNextJob(excludingOwners: [], worker: "w3", leaseMillis: 1_000, millis: 10) == nil)
        // Only the holder records the outcome, once.
        #expect(try store.finishJob(id: "a", worker: "w2", state: .succeeded, result: "{}", error: nil, millis: 20) == false)
        #expect(try store.finishJob(id: "a", worker: "w1", state: .succeeded, result: "{}", error: nil, millis: 20))
        #expect(try store.finishJob(id: "a", worker: "w1", state: .succeeded, result: "{}", error: nil, millis: 21) == false)
        let done = try #require(try store.job(id: "a"))
        #expect(done.state == .succeeded && done.progress == 1 && done.finishedMillis == 20 && done.leaseOwner == nil)
    }

    /// Scheduled work queues by a key of its own (the job id): a second ask, from this node or
    /// another, at once or after the first finished, queues nothing and changes nothing.
    @Test(arguments: StoreBackend.allCases)
    func enqueueUnlessPresentQueuesAnIdOnce(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        #expect(try store.enqueueUnlessPresent(job("daily-1", at: 5)))
        var other = job("daily-1", owner: "someone else", at: 6)
        other.parameters = #"{"changed":true}"#
        #expect(try store.enqueueUnlessPresent(other) == false)
        let kept = try #require(try store.job(id: "daily-1"))
        #expect(kept.owner == "o" && kept.parameters == "{}" && kept.createdMillis == 5)
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 10))
        #expect(try store.finishJob(id: "daily-1", worker: "w", state: .succeeded, result: "{}", error: nil, millis: 11))
        #expect(try store.enqueueUnlessPresent(job("daily-1", at: 12)) == false)
        #expect(try store.job(id: "daily-1")?.state == .succeeded)
        // Many askers at once: one of them queues it.
        let wins = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if (try? store.enqueueUnlessPresent(job("daily-2", at: 20))) == true { wins.increment() }
        }
        #expect(wins.value == 1)
        #expect(try store.jobs(owner: "o", limit: 10).filter { $0.id == "daily-2" }.count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func busyOwnersWait(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("a", owner: "alice", at: 1))
        try store.enqueue(job("b", owner: "bob", at: 2))
        #expect(try store.claimNextJob(excludingOwners: ["alice"], worker: "w", leaseMillis: 1_000, millis: 5)?.id == "b")
        #expect(try store.activeJobCount(owner: "alice") == 1)
        #expect(try store.jobs(owner: "bob", limit: 10).map(\.id) == ["b"])
    }

    @Test(arguments: StoreBackend.allCases)
    func aJobWhoseWorkerDiedIsClaimedAgainAfterItsLeaseExpires(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("a"))
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "dead", leaseMillis: 1_000, millis: 0))
        // Heartbeats keep it: renewed at 800, it holds until 1,800.
        #expect(try store.renewLease(id: "a", worker: "dead", leaseMillis: 1_000, millis: 800) == .held(cancelRequested: false))
        #expect(try store.claimNextJob(excludingOwners: [], worker: "alive", leaseMillis: 1_000, millis: 1_500) == nil)
        // Then the worker stops renewing.
        let again = try #require(try store.claimNextJob(excludingOwners: [], worker: "alive", leaseMillis: 1_000, millis: 1_900))
        #expect(again.id == "a" && again.attempts == 2 && again.leaseOwner == "alive")
        // The presumed-dead worker comes back: it learns it lost the job, and cannot finish it.
        #expect(try store.renewLease(id: "a", worker: "dead", leaseMillis: 1_000, millis: 2_000) == .lost)
        #expect(try store.finishJob(id: "a", worker: "dead", state: .succeeded, result: "{}", error: nil, millis: 2_000) == false)
        #expect(try store.finishJob(id: "a", worker: "alive", state: .succeeded, result: "{}", error: nil, millis: 2_100))
        #expect(try store.job(id: "a")?.state == .succeeded)
    }

    @Test(arguments: StoreBackend.allCases)
    func aJobThatKeepsKillingItsWorkersIsDeadLettered(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("a"))
        var now: Int64 = 0
        for attempt in 1...3 {
            let claimed = try #require(try store.claimNextJob(excludingOwners: [], worker: "w\(attempt)", leaseMillis: 100, millis: now))
            #expect(claimed.attempts == attempt)
            now += 200
        }
        #expect(try store.claimNextJob(excludingOwners: [], worker: "w4", leaseMillis: 100, millis: now) == nil)
        let dead = try #require(try store.job(id: "a"))
        #expect(dead.state == .dead && dead.state.isFinal && dead.error != nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func failedAttemptsAreRetriedWithBackoffThenDeadLettered(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("a", maxAttempts: 3))
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 0))
        #expect(try store.failAttempt(id: "a", worker: "w", error: "boom 1", retryDelayMillis: 500, millis: 10) == .queued)
        // Not before the backoff.
        #expect(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 400) == nil)
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 510))
        #expect(try store.failAttempt(id: "a", worker: "w", error: "boom 2", retryDelayMillis: 1_000, millis: 600) == .queued)
        let third = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 1_600))
        #expect(third.attempts == 3)
        // Another worker's report does not count.
        #expect(try store.failAttempt(id: "a", worker: "other", error: "x", retryDelayMillis: 0, millis: 1_700) == nil)
        #expect(try store.failAttempt(id: "a", worker: "w", error: "boom 3", retryDelayMillis: 2_000, millis: 1_700) == .dead)
        let dead = try #require(try store.job(id: "a"))
        #expect(dead.state == .dead && dead.error == "boom 3" && dead.finishedMillis == 1_700)
        // A job allowed one attempt simply fails.
        try store.enqueue(job("b"))
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 2_000))
        #expect(try store.failAttempt(id: "b", worker: "w", error: "bad input", retryDelayMillis: 0, millis: 2_001) == .failed)
    }

    @Test(arguments: StoreBackend.allCases)
    func cancellationAndReleasedLeases(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("queued", at: 2))
        try store.enqueue(job("running", at: 1))
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 5))
        #expect(try store.requestJobCancellation(id: "queued", millis: 6)?.state == .cancelled)
        #expect(try store.requestJobCancellation(id: "running", millis: 6)?.cancelRequested == true)
        // The worker hears of it at its next heartbeat (on any node).
        #expect(try store.renewLease(id: "running", worker: "w", leaseMillis: 1_000, millis: 7) == .held(cancelRequested: true))
        // A stopping worker gives a job back without using up an attempt.
        try store.enqueue(job("later", at: 3))
        let later = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 8))
        #expect(later.id == "later")
        try store.releaseLease(id: "later", worker: "w")
        let back = try #require(try store.job(id: "later"))
        #expect(back.state == .queued && back.attempts == 0 && back.leaseOwner == nil)
        try store.deleteJobs(owner: "o")
        #expect(try store.jobs(owner: "o", limit: 10).isEmpty)
    }

    /// Four claimers race for 200 jobs; every job is claimed and completed exactly once.
    @Test(arguments: StoreBackend.allCases)
    func concurrentClaimersNeverShareAJob(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        let total = 200
        for i in 0..<total { try store.enqueue(job(String(format: "j%03d", i), at: Int64(i))) }
        let claims = Claims()
        let group = DispatchGroup()
        for w in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    while let job = try store.claimNextJob(excludingOwners: [], worker: "w\(w)", leaseMillis: 60_000, millis: 1_000) {
                        let finished = try store.finishJob(
                            id: job.id, worker: "w\(w)", state: .succeeded, result: "{}", error: nil, millis: 1_001)
                        claims.add(job.id, worker: w, finished: finished)
                    }
                } catch {
                    claims.fail(error)
                }
            }
        }
        group.wait()
        #expect(claims.errors.isEmpty, "\(claims.errors)")
        #expect(claims.ids.count == total)
        #expect(Set(claims.ids).count == total)
        #expect(claims.finished == total)
        #expect(try store.jobs(owner: "o", limit: 1_000).allSatisfy { $0.state == .succeeded && $0.attempts == 1 })
        #expect(claims.workers.count > 1, "the claimers took turns (\(claims.workers))")
    }

    @Test(arguments: StoreBackend.allCases)
    func anOwnersLimitHoldsUnderConcurrentSubmits(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        let accepted = Claims()
        let group = DispatchGroup()
        for i in 0..<12 {
            group.enter()
            Thread {
                do {
                    if try store.enqueue(self.job("j\(i)", owner: "greedy", at: Int64(i)), ownerLimit: 3) {
                        accepted.add("j\(i)", worker: i, finished: false)
                    }
                } catch {
                    accepted.fail(error)
                }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(accepted.errors.isEmpty, "\(accepted.errors)")
        #expect(accepted.ids.count == 3)
        #expect(try store.activeJobCount(owner: "greedy") == 3)
        #expect(try store.enqueue(job("other", owner: "patient"), ownerLimit: 3))
        // A finished job frees its place.
        let claimed = try #require(try store.claimNextJob(excludingOwners: ["patient"], worker: "w", leaseMillis: 1_000, millis: 100))
        #expect(try store.finishJob(id: claimed.id, worker: "w", state: .succeeded, result: "{}", error: nil, millis: 101))
        #expect(try store.enqueue(job("late", owner: "greedy", at: 200), ownerLimit: 3))
        #expect(try store.enqueue(job("later", owner: "greedy", at: 201), ownerLimit: 3) == false)
    }

    @Test(arguments: StoreBackend.allCases)
    func oneJobPerOwnerHoldsAcrossWorkers(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("a", owner: "o", at: 1))
        try store.enqueue(job("b", owner: "o", at: 2))
        try store.enqueue(job("c", owner: "p", at: 3))
        #expect(try store.claimNextJob(excludingOwners: [], worker: "w1", leaseMillis: 1_000, millis: 10, oneJobPerOwner: true)?.id == "a")
        // Another process's worker skips owner o, whose job runs under w1's live lease.
        #expect(try store.claimNextJob(excludingOwners: [], worker: "w2", leaseMillis: 1_000, millis: 10, oneJobPerOwner: true)?.id == "c")
        #expect(try store.claimNextJob(excludingOwners: [], worker: "w3", leaseMillis: 1_000, millis: 10, oneJobPerOwner: true) == nil)
        // Once a's lease has expired (its worker died), o's next job may run.
        #expect(try store.claimNextJob(excludingOwners: [], worker: "w3", leaseMillis: 1_000, millis: 2_000, oneJobPerOwner: true)?.owner == "o")
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeadWorkersJobsFailAtOnceAndRunAtMostOnceMore(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        try store.enqueue(job("once", at: 1))
        try store.enqueue(job("retry", owner: "p", at: 2, maxAttempts: 5))
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "child-1", leaseMillis: 60_000, millis: 10))
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "child-1", leaseMillis: 60_000, millis: 10))
        #expect(Set(try store.jobs(leasedTo: "child-1").map(\.id)) == ["once", "retry"])
        let abandoned = try store.abandonJobs(of: "child-1", error: "the worker stopped while rendering this job", millis: 20)
        #expect(Set(abandoned.map(\.id)) == ["once", "retry"])
        let once = try #require(try store.job(id: "once"))
        #expect(once.state == .failed && once.error == "the worker stopped while rendering this job" && once.leaseOwner == nil)
        #expect(once.finishedMillis == 20)
        // The job allowing retries runs once more, at once; when that kills a worker too, it is dead.
        #expect(try store.job(id: "retry")?.state == .queued)
        let again = try #require(try store.claimNextJob(excludingOwners: [], worker: "child-2", leaseMillis: 60_000, millis: 21))
        #expect(again.id == "retry" && again.attempts == 2)
        #expect(try store.abandonJobs(of: "child-2", error: "again", millis: 30).map(\.state) == [.dead])
        #expect(try store.claimNextJob(excludingOwners: [], worker: "child-3", leaseMillis: 60_000, millis: 40) == nil)
        #expect(try store.jobs(leasedTo: "child-2").isEmpty)
        #expect(try store.abandonJobs(of: "nobody", error: "x", millis: 50).isEmpty)
    }

    final class Claims: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var ids: [String] = []
        private(set) var finished = 0
        private(set) var workers: Set<Int> = []
        private(set) var errors: [String] = []
        func add(_ id: String, worker: Int, finished done: Bool) {
            lock.withLock {
                ids.append(id)
                workers.insert(worker)
                if done { finished += 1 }
            }
        }
        func fail(_ error: any Error) { lock.withLock { errors.append("\(error)") } }
    }
}

/// Worker pools in two "processes" (two pools with their own worker ids) sharing one queue.
@Suite struct SharedQueueTests {
    struct CountingHandler: JobHandler {
        let runs: Runs
        func run(_ job: JobRecord, context: JobContext) throws -> String {
            runs.add(job.id)
            if job.parameters.contains("fail") { throw JobError.badParameters("asked to fail") }
            Thread.sleep(forTimeInterval: 0.002)
            return "{}"
        }
    }

    final class Runs: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func add(_ id: String) { lock.withLock { counts[id, default: 0] += 1 } }
        var all: [String: Int] { lock.withLock { counts } }
    }

    func pool(_ store: any JobStore, _ runs: Runs, worker: String) -> WorkerPool {
        let counter = IDs()
        return WorkerPool(
            store: store, handlers: ["count": CountingHandler(runs: runs)], concurrency: 2, perOwnerLimit: 1_000,
            clock: { Int64(Date().timeIntervalSince1970 * 1000) }, makeID: { "\(worker)-\(counter.next())" }, workerID: worker,
            leaseMillis: 2_000, retryBaseMillis: 50)
    }

    final class IDs: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int {
            lock.withLock {
                n += 1
                return n
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func twoPoolsRunEveryJobOnceAndRetryFailures(backend: StoreBackend) async throws {
        let store = try backend.makeJobStore()
        let runs = Runs()
        let a = pool(store, runs, worker: "node-a")
        let b = pool(store, runs, worker: "node-b")
        var ids: [String] = []
        for i in 0..<40 {
            ids.append(try (i % 2 == 0 ? a : b).submit(owner: "owner\(i % 8)", kind: "count", parameters: "{}").id)
        }
        let failing = try a.submit(owner: "x", kind: "count", parameters: #"{"fail":1}"#, maxAttempts: 2).id
        // A job claimed by a worker that then died (no heartbeat): picked up once its lease expires.
        try store.enqueue(JobRecord(id: "orphan", owner: "y", kind: "count", parameters: "{}", createdMillis: 0))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try #require(try store.claimNextJob(excludingOwners: [], worker: "crashed", leaseMillis: 500, millis: now))
        try a.start()
        try b.start()
        defer {
            a.shutdown()
            b.shutdown()
        }
        let deadline = Date().addingTimeInterval(60)
        func allFinal() throws -> Bool {
            try (ids + [failing, "orphan"]).allSatisfy { try store.job(id: $0)?.state.isFinal == true }
        }
        while Date() < deadline, try !allFinal() { try await Task.sleep(for: .milliseconds(50)) }
        let counts = runs.all
        for id in ids {
            #expect(try store.job(id: id)?.state == .succeeded)
            #expect(counts[id] == 1, "job \(id) ran \(counts[id] ?? 0) times")
        }
        #expect(try store.job(id: "orphan")?.state == .succeeded)
        #expect(counts["orphan"] == 1)
        let dead = try #require(try store.job(id: failing))
        #expect(dead.state == .dead && dead.attempts == 2 && counts[failing] == 2)
    }
}

/// A counter several threads bump.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
