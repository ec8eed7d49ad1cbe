import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import SegueJobs
import SegueServer
import SegueStore
import Testing

@Suite("Web app over a live socket")
struct LiveServerTests {
    @Test("SSE streams a job's progress and ends with a done event")
    func serverSentEvents() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.live) { client in
                let browser = Browser(client)
                try await browser.start()
                let started = try await browser.request("/api/v1/imports", .post, json: #"{"demo":true}"#)
                #expect(started.status == .accepted)
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: started.body)) as? [String: Any])?["id"] as? String)
                let events = try await browser.request("/api/v1/jobs/\(id)/events")
                #expect(events.headers[.contentType] == "text/event-stream")
                let text = String(buffer: events.body)
                #expect(text.contains("event: progress") || text.contains("event: done"))
                let last = try #require(text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.last)
                #expect(last.hasPrefix("event: done"))
                #expect(last.contains("\"state\":\"succeeded\""))
                let top = try await browser.jsonObject("/api/v1/top?limit=5") as? [Any]
                #expect(top?.count == 5)
            }
        }
    }
}

@Suite("Job queue")
struct JobQueueTests {
    @Test("queued work survives a restart and an owner's limit is enforced")
    func durableQueue() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        // Queued while no worker runs (as if the process stopped before starting them).
        let job = try server.deps.pool.submit(
            owner: "0123456789abcdef0123456789abcdef", kind: "import",
            parameters: #"{"profile":"p","paths":[],"demo":true}"#)
        // Past the per-owner limit, the queue says no.
        for _ in 1..<server.deps.pool.perOwnerLimit {
            try server.deps.pool.submit(
                owner: "0123456789abcdef0123456789abcdef", kind: "import",
                parameters: #"{"profile":"p","paths":[],"demo":true}"#)
        }
        #expect(throws: JobError.tooManyJobs(limit: server.deps.pool.perOwnerLimit)) {
            try server.deps.pool.submit(owner: "0123456789abcdef0123456789abcdef", kind: "import", parameters: "{}")
        }
        // A second process over the same folder picks it up.
        let again = try TestServer.reopen(server)
        try again.deps.pool.start()
        defer { again.deps.pool.shutdown() }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try again.deps.pool.store.job(id: job.id)?.state.isFinal != true {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try again.deps.pool.store.job(id: job.id)?.state == .succeeded)
        #expect(try again.deps.plays.existingProfile(named: "p") != nil)
    }
}

extension TestServer {
    /// Another server over the same data folder.
    static func reopen(_ other: TestServer) throws -> TestServer {
        try TestServer(folder: other.folder)
    }

    init(folder: URL) throws {
        self.folder = folder
        let clock = TestClock()
        self.clock = clock
        deps = try makeDependencies(
            configuration: ServerConfiguration(dataDirectory: folder.path, workers: 1, demoRecords: 2_000),
            environment: ServerEnvironment(now: { clock.now }, randomID: ServerEnvironment.live.randomID),
            logger: .init(label: "test"))
    }
}
