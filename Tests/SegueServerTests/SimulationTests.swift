import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SegueLive
import SegueServer
import SegueSimulator
import SegueStore
import SegueTestSupport
import Testing

/// `segue simulate`'s runner against a real server on a socket, on the system clock.
@Suite struct SimulationTests {
    func withServer(_ body: @Sendable (ServerDependencies, URL) async throws -> Void) async throws {
        let folder = try Fixtures.folder("simulate")
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let deps = try makeDependencies(
            configuration: ServerConfiguration(dataDirectory: folder.path, workers: 1), environment: .live, logger: logger)
        let app = Application(router: buildRouter(deps), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(deps, URL(string: "http://127.0.0.1:\(port)")!)
        }
    }

    @Test func eventsGoThroughTheBulkAPIAndAreCounted() async throws {
        try await withServer { deps, url in
            let (_, secret) = try deps.events.createIngestToken(name: "sim", scope: "ingest")
            let model = try TrafficModel(users: 200, tracks: 30, rate: 300, spikes: [TrafficModel.Spike(parsing: "1@0+1s×4")])
            let report = await SimulationRunner(target: url, token: secret, duration: 1.5, interval: 0.1).run(model)
            #expect(report.failed == 0 && report.errors.isEmpty && report.failedRequests == 0)
            // About 450 events plus the spike's extra; every one stored once and in the live view.
            #expect(report.sent > 300 && report.accepted == report.sent && report.duplicates == 0)
            // Batches every 0.1 s; on a loaded machine one step can cover the whole run (CI runs the
            // suites in parallel), so only "at least one request" is certain.
            #expect(report.requests >= 1)
            #expect(try deps.events.eventCount() == report.accepted)
            #expect(await deps.live.snapshot(windowSeconds: 60)?.streams == report.accepted)
            #expect(report.seconds >= 1.5 && abs(report.achievedRate - Double(report.accepted) / report.seconds) < 1e-9)
        }
    }

    @Test func listensGoThroughTheListenBrainzAPI() async throws {
        try await withServer { deps, url in
            let user = try deps.listens.createUser(named: "sim")
            let model = try TrafficModel(users: 50, tracks: 2_000, rate: 100, zipf: 0)
            let report = await SimulationRunner(target: url, token: user.token, via: .listenbrainz, duration: 1.2, interval: 0.2).run(model)
            #expect(report.failed == 0 && report.errors.isEmpty)
            #expect(report.accepted > 50 && report.accepted == report.sent)
            // ListenBrainz stores one listen per user, second and track: with 2,000 evenly played tracks
            // repeats are rare, so nearly all are stored.
            let stored = try deps.listens.listenCount(userID: user.id)
            #expect(stored <= report.accepted && stored >= report.accepted * 9 / 10)
        }
    }

    @Test func refusedRequestsAreReportedWithTheServersReason() async throws {
        try await withServer { deps, url in
            let model = try TrafficModel(users: 10, tracks: 5, rate: 50)
            let report = await SimulationRunner(target: url, token: "sgi_wrong", duration: 0.6, interval: 0.1).run(model)
            #expect(report.sent > 0 && report.accepted == 0 && report.failed == report.sent)
            #expect(report.errors.keys.contains { $0.hasPrefix("HTTP 401: The ingest token is not one this server knows.") })
            #expect(try deps.events.eventCount() == 0)
        }
    }
}
