import Foundation
import SegueStore
import SegueStorePostgres
import SegueTestSupport
import Testing

/// LISTEN/NOTIFY between nodes: a job or library change written through one connection pool (a
/// worker) wakes a waiter on another (a web node's stream) at once.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresChangeFeedTests {
    @Test func aChangeOnOneNodeWakesAStreamOnAnother() async throws {
        let url = try TestPostgres.freshSchemaURL()
        let webNode = try PostgresBackend(url: url)
        let worker = try PostgresBackend(url: url)
        let feed = PostgresChangeFeed(backend: webNode)
        defer { feed.close() }
        // Listening once the first connection is up (that bumps every version).
        let deadline = ContinuousClock.now + .seconds(10)
        while feed.version([]) == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(feed.version([]) > 0)

        let jobs = PostgresJobStore(backend: worker)
        let keys = ["job:j1", "owner:alice"]
        let before = feed.version(keys)
        // Nothing changes: the wait lasts its timeout.
        let start = ContinuousClock.now
        #expect(await feed.wait(keys, since: before, timeout: .milliseconds(300)) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(290))
        try jobs.enqueue(JobRecord(id: "j1", owner: "alice", kind: "k", parameters: "{}", createdMillis: 0))
        // Woken by the notification, not the timeout (which came first, not how fast: the machine may be busy).
        #expect(await feed.wait(keys, since: before, timeout: .seconds(60)))
        #expect(feed.version(keys) > before)
        // Progress on the worker moves the job's key; another job's key stays put.
        let other = feed.version(["job:j2"])
        let seen = feed.version(["job:j1"])
        try jobs.updateJobProgress(id: "j1", progress: 0.5, detail: "half")
        // Woken by the notification, not the timeout (which came first, not how fast: the machine may be busy).
        #expect(await feed.wait(["job:j1"], since: seen, timeout: .seconds(60)))
        #expect(feed.version(["job:j2"]) == other)
        // A library's tracks.
        let library = PostgresLibraryStore(backend: worker, library: "session/abc")
        let shelf = feed.version(["library:session/abc"])
        let track = try library.add(LibraryTrack(path: "/a.flac", contentHash: "h")).track
        try library.saveAnalysis(id: track.id, version: 1, json: "{}")
        // Woken by the notification, not the timeout (which came first, not how fast: the machine may be busy).
        #expect(await feed.wait(["library:session/abc"], since: shelf, timeout: .seconds(60)))
    }
}
