import Foundation
import PostgresNIO
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueStorePostgres

/// What the PostgreSQL backend adds to the store contracts: URLs, migrations, lost connections, and
/// its synchronous bridge used from Swift concurrency.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresBackendTests {
    func plays(_ n: Int) -> PlayBatch {
        PlayBatch(
            (0..<n).map { i in
                Play(
                    kind: .music, endTime: 1_600_000_000 + Int64(i) * 600, msPlayed: 60_000, title: "T\(i % 7)",
                    creator: "A\(i % 3)", album: "Al", uri: "spotify:track:\(i % 7)")
            })
    }

    @Test func urlsAreReadAndBadOnesRefusedWithAReason() throws {
        let l = try PostgresLocation(url: "postgres://me:s%40cret@db.example:6543/segue?schema=prod&pool=7&sslmode=require")
        #expect(l.host == "db.example" && l.port == 6543 && l.username == "me" && l.password == "s@cret")
        #expect(l.database == "segue" && l.schema == "prod" && l.maximumConnections == 7 && l.tls == .require)
        #expect(l.redacted == "postgres://me@db.example:6543/segue?schema=prod")
        for bad in ["mysql://x/y", "postgres://host", "postgres://host/db?schema=Bad-Name", "postgres://host/db?sslmode=maybe"] {
            #expect(throws: PostgresStoreError.self) { try PostgresLocation(url: bad) }
        }
    }

    @Test func nodesStartingTogetherMigrateOnce() async throws {
        let url = try TestPostgres.freshSchemaURL()
        // Four "nodes" open the same empty schema at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try PostgresPlayStore(url: url) } }
            try await group.waitForAll()
        }
        let store = try PostgresPlayStore(url: url)
        #expect(try store.backend.schemaVersion() == PostgresBackend.schemaVersion)
    }

    /// The store protocols are synchronous; web handlers call them from the cooperative pool. Many
    /// such calls at once (more than the pool has threads) must all finish.
    @Test func blockingCallsFromManyTasksAtOnceFinish() async throws {
        let store = try PostgresPlayStore(url: try TestPostgres.freshSchemaURL(pool: 2))
        let profile = try store.profile(named: "p")
        _ = try store.importPlays(into: profile) { try $0.add(plays(100)) }
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<32 {
                group.addTask { try store.top(ChartQuery(kind: .artists, metric: .streams, limit: 10), profile: profile).count }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == [Int](repeating: 3, count: 32))
    }

    /// Connections the server drops (a failover, an administrator) are replaced: reads and writes
    /// after it succeed without the caller seeing an error.
    @Test func droppedConnectionsAreReplaced() throws {
        let name = "segue_test_\(UInt32.random(in: 0...UInt32.max))"
        let url = try TestPostgres.freshSchemaURL() + "&application_name=\(name)"
        let store = try PostgresPlayStore(url: url)
        let profile = try store.profile(named: "p")
        _ = try store.importPlays(into: profile) { try $0.add(plays(50)) }
        let before = try store.top(ChartQuery(kind: .tracks, metric: .streams, limit: 10), profile: profile)
        let admin = try PostgresPlayStore(url: try TestPostgres.freshSchemaURL())
        let killed = try admin.backend.terminateConnections(applicationName: name)
        #expect(killed >= 1)
        #expect(try store.top(ChartQuery(kind: .tracks, metric: .streams, limit: 10), profile: profile) == before)
        let more = try store.importPlays(into: profile) { try $0.add(plays(60)).filter { $0 }.count }
        #expect(more == 10)
    }

    /// postgres-nio can lose a query sent on a connection the server has just closed (the test
    /// above once waited for ever that way). A wait on a closed connection ends in a connection
    /// error, which the backend retries on a new connection; a wait on a live one returns the result.
    @Test func aWaitOnAClosedConnectionEndsInARetriedError() async throws {
        let backend = try PostgresBackend(url: try TestPostgres.freshSchemaURL())
        try await backend.client.withConnection { connection in
            let answered = connection.eventLoop.makeSucceededFuture(7)
            #expect(try BlockingConnection.wait(for: answered, on: connection) == 7)
            let never = connection.eventLoop.makePromise(of: Int.self)
            defer { never.succeed(0) }
            try await connection.close()
            let started = Date()
            #expect(throws: ChannelError.self) { try BlockingConnection.wait(for: never.futureResult, on: connection, grace: 0.3) }
            #expect(Date().timeIntervalSince(started) < 5)
        }
        #expect(PostgresBackend.isConnectionFailure(ChannelError.ioOnClosedChannel))
    }
}

/// A real restart of the server (scripts/pg.sh restart): scripts/test.sh runs this alone, after the
/// other suites, so the restart cannot break their transactions.
@Suite(.enabled(if: TestPostgres.restartCommand != nil), .serialized) struct PostgresRestartTests {
    @Test func storesWorkAgainAfterTheServerRestarts() throws {
        let store = try PostgresPlayStore(url: try TestPostgres.freshSchemaURL())
        let jobs = PostgresJobStore(backend: store.backend)
        let profile = try store.profile(named: "p")
        _ = try store.importPlays(into: profile) { sink in
            try sink.add(PlayBatch([Play(kind: .music, endTime: 1_600_000_000, msPlayed: 90_000, title: "T", creator: "A", uri: "spotify:track:t")]))
        }
        try jobs.enqueue(JobRecord(id: "j", owner: "o", kind: "k", parameters: "{}", createdMillis: 0))
        // system(3), not Process: the restarted server inherits Process's descriptors, and
        // waitUntilExit would wait for the server to end too.
        let command = try #require(TestPostgres.restartCommand)
        #expect(system(command) == 0)
        #expect(try store.top(ChartQuery(kind: .tracks, metric: .streams, limit: 5), profile: profile).map(\.name) == ["T"])
        #expect(try jobs.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: 1)?.id == "j")
    }

    /// Events stored before a restart are all there after it; ingest resumes (the commit waits and
    /// retries), and another node's live feed reconnects and delivers what was stored after.
    @Test func liveEventsSurviveTheRestartAndIngestAndTheFeedResume() async throws {
        let url = try TestPostgres.freshSchemaURL()
        let a = PostgresListenStore(backend: try PostgresBackend(url: url), node: "a")
        let b = PostgresListenStore(backend: try PostgresBackend(url: url), node: "b")
        let (token, _) = try a.createIngestToken(name: nil, scope: "ingest")
        func events(_ prefix: String) -> [StoredEvent] {
            (0..<100).map {
                StoredEvent(tokenID: token.id, eventID: "\(prefix)\($0)", user: "u\($0)", track: "t", time: 1_000 + Int64($0), insertedAt: 0)
            }
        }
        let feed = PostgresLiveFeed(store: b, counted: [], since: Int64(Date().timeIntervalSince1970 * 1000))
        let delivered = PostgresLiveTests.Delivered()
        let running = Task { await feed.run { delivered.add($0) } }
        defer { running.cancel() }
        #expect(try await a.appendEvents(events("before")).allSatisfy { $0 })
        #expect(await delivered.wait(for: 100).count == 100)
        let command = try #require(TestPostgres.restartCommand)
        #expect(system(command) == 0)
        #expect(try a.eventCount() == 100)
        #expect(try await a.appendEvents(events("after")).allSatisfy { $0 })
        #expect(try a.eventCount() == 200)
        // The feed's connection died with the server: it reconnects, catches up and delivers the rest.
        #expect(await delivered.wait(for: 200, seconds: 15).count == 200)
        try await Task.sleep(for: .milliseconds(200))
        #expect(delivered.all.count == 200)
    }
}
