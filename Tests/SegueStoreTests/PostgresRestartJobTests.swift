import Foundation
import SegueJobs
import SegueStore
import SegueStorePostgres
import SegueTestSupport
import Testing

/// The job queue across a real PostgreSQL restart (run alone by scripts/test.sh): a pool working
/// through queued jobs while the server goes away and comes back loses none and runs none twice.
@Suite(.enabled(if: TestPostgres.restartCommand != nil)) struct PostgresRestartJobTests {
    final class Runs: @unchecked Sendable {
        private let lock = NSLock()
        private var completed: [String: Int] = [:]

        func complete(_ id: String) { lock.withLock { completed[id, default: 0] += 1 } }
        var counts: [String: Int] { lock.withLock { completed } }
    }

    /// Works for a quarter of a second, checking for cancellation.
    struct SlowHandler: JobHandler {
        let runs: Runs
        func run(_ job: JobRecord, context: JobContext) throws -> String {
            for _ in 0..<5 {
                Thread.sleep(forTimeInterval: 0.05)
                try context.checkCancellation()
            }
            runs.complete(job.id)
            return "{\"job\":\"\(job.id)\"}"
        }
    }

    @Test func noJobIsLostOrRunTwiceAcrossADatabaseRestart() throws {
        let store = PostgresJobStore(backend: try PostgresBackend(url: try TestPostgres.freshSchemaURL(pool: 8)))
        let ids = (0..<16).map { "job-\($0)" }
        for (i, id) in ids.enumerated() {
            try store.enqueue(JobRecord(id: id, owner: "o\(i)", kind: "slow", parameters: "{}", createdMillis: Int64(i)))
        }
        let runs = Runs()
        let pool = WorkerPool(
            store: store, handlers: ["slow": SlowHandler(runs: runs)], concurrency: 2, perOwnerLimit: 100,
            clock: { Int64(Date().timeIntervalSince1970 * 1000) }, makeID: { UUID().uuidString })
        try pool.start()
        defer { pool.shutdown() }
        let deadline = Date().addingTimeInterval(20)
        while runs.counts.count < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(runs.counts.count >= 2 && runs.counts.count < ids.count, "restart while jobs are still queued")
        // system(3), not Process: the restarted server inherits Process's descriptors.
        let command = try #require(TestPostgres.restartCommand)
        #expect(system(command) == 0)
        let end = Date().addingTimeInterval(60)
        while Date() < end, try !ids.allSatisfy({ try store.job(id: $0)?.state.isFinal ?? false }) {
            Thread.sleep(forTimeInterval: 0.1)
        }
        for id in ids {
            let job = try #require(try store.job(id: id))
            #expect(job.state == .succeeded && job.result == "{\"job\":\"\(id)\"}", "\(job)")
        }
        #expect(runs.counts == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }))
    }
}
