import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import SegueJobs
import SegueServer
import SegueTestSupport
import Synchronization

/// A server over a fresh data folder, with a clock the test moves.
struct TestServer {
    let folder: URL
    let deps: ServerDependencies
    let clock: TestClock

    init(
        maxUploadBytes: Int = 8 * 1024 * 1024, ttlSeconds: Double = 3600, singleUserProfile: String? = nil,
        name: String = #function, configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws {
        folder = try Fixtures.folder(name)
        let clock = TestClock()
        self.clock = clock
        var configuration = ServerConfiguration(
            dataDirectory: folder.path, singleUserProfile: singleUserProfile, sessionTTLSeconds: ttlSeconds,
            maxUploadBytes: maxUploadBytes, workers: 1,
            demoRecords: 2_000)
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        deps = try makeDependencies(
            configuration: configuration,
            environment: ServerEnvironment(now: { clock.now }, randomID: ServerEnvironment.live.randomID), logger: logger)
    }

    var app: some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return Application(
            router: buildRouter(deps), server: .http1(configuration: .init(idleTimeout: idleTimeout(deps.configuration))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }

    /// Runs `body` with the worker pool started, and stops the pool afterwards.
    func withWorkers<R>(_ body: () async throws -> R) async throws -> R {
        try deps.pool.start()
        do {
            let r = try await body()
            deps.pool.shutdown()
            return r
        } catch {
            deps.pool.shutdown()
            throw error
        }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }

    /// A tiny extended-history export with `artist` at the top.
    static func export(artist: String = "Artist", plays: Int = 5) throws -> ByteBuffer {
        var records: [[String: Any]] = []
        for i in 0..<plays {
            records.append(
                Fixtures.extended(
                    ts: String(format: "2024-03-%02dT10:00:00Z", i + 1), ms: 200_000, track: "Song \(i % 2)", artist: artist,
                    uri: "spotify:track:\(String(artist.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))\(i % 2)"))
        }
        return ByteBuffer(data: try Fixtures.json(records))
    }
}

/// Milliseconds since 1970, moved by hand.
final class TestClock: Sendable {
    private let value = Mutex<Int64>(1_790_000_000_000)
    var now: Int64 { value.withLock { $0 } }
    func advance(seconds: Double) { value.withLock { $0 += Int64(seconds * 1000) } }
}

/// A browser: keeps its session cookie and CSRF token between requests.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookie: String?
    var csrf: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    @discardableResult
    func request(
        _ uri: String, _ method: HTTPRequest.Method = .get, json: String? = nil, body: ByteBuffer? = nil,
        headers extra: HTTPFields = [:], csrf sendToken: Bool = true
    ) async throws -> TestResponse {
        var headers = extra
        if let cookie { headers[.cookie] = "segue_session=\(cookie)" }
        if sendToken, method != .get, let csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        var payload = body
        if let json {
            headers[.contentType] = "application/json"
            payload = ByteBuffer(string: json)
        }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: payload)
        if let set = response.headers[.setCookie], set.hasPrefix("segue_session=") {
            let value = set.dropFirst("segue_session=".count).prefix { $0 != ";" }
            cookie = value.isEmpty ? nil : String(value)
        }
        return response
    }

    /// Opens a session and reads its CSRF token.
    func start() async throws {
        let response = try await request("/api/v1/session")
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        csrf = object?["csrfToken"] as? String
    }

    func jsonObject(_ uri: String) async throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer: try await request(uri).body))
    }

    /// Polls a job until it is final; returns its JSON.
    func waitForJob(_ id: String, timeout: Double = 60) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let job = try await jsonObject("/api/v1/jobs/\(id)") as? [String: Any] ?? [:]
            if let state = job["state"] as? String, ["succeeded", "failed", "cancelled"].contains(state) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("job \(id) did not finish")
    }

    /// Uploads `data` and imports it; returns the import job.
    func importExport(_ data: ByteBuffer, name: String = "Streaming_History_Audio_2024.json") async throws -> [String: Any] {
        let upload = try await request("/api/v1/uploads?name=\(name)", .post, body: data)
        guard upload.status == .created,
            let id = (try JSONSerialization.jsonObject(with: Data(buffer: upload.body)) as? [String: Any])?["id"] as? String
        else { throw TestFailure("upload failed: \(upload.status) \(String(buffer: upload.body))") }
        let started = try await request("/api/v1/imports", .post, json: #"{"uploads":["\#(id)"]}"#)
        guard started.status == .accepted,
            let job = (try JSONSerialization.jsonObject(with: Data(buffer: started.body)) as? [String: Any])?["id"] as? String
        else { throw TestFailure("import failed: \(started.status) \(String(buffer: started.body))") }
        return try await waitForJob(job)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
