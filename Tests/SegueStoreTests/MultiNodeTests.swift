import Foundation
import SegueStore
import SegueStorePostgres
import SegueTestSupport
import Testing

/// Two `segue serve` nodes and two `segue worker` processes of the built executable on one
/// PostgreSQL (issue 8, item 6): an export uploaded to node A is imported by a worker and its
/// charts read on node B; analysis jobs are split between the workers, none done twice; a worker
/// killed with SIGKILL mid-job loses nothing: the job runs again once its lease expires, and
/// succeeds once.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct MultiNodeTests {
    /// A `segue` process whose output goes to a log file.
    final class Node {
        let process = Process()
        let log: URL
        let port: Int?

        init(_ args: [String], log: URL, port: Int? = nil) throws {
            self.log = log
            self.port = port
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.executableURL = URL(fileURLWithPath: CLITests.executable)
            process.arguments = args + (port.map { ["--port", String($0)] } ?? [])
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        var base: String { "http://127.0.0.1:\(port ?? 0)" }

        /// Lines of its log saying a job finished, as (job id, state).
        func finishedJobs() throws -> [(job: String, state: String)] {
            try String(contentsOf: log, encoding: .utf8).split(separator: "\n").filter { $0.contains("job finished") }.compactMap { line in
                guard let job = Self.field("job", in: line), let state = Self.field("state", in: line) else { return nil }
                return (job, state)
            }
        }

        static func field(_ name: String, in line: Substring) -> String? {
            guard let range = line.range(of: " \(name)=") ?? line.range(of: "\(name)=") else { return nil }
            return String(line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != "]" })
        }

        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// curl with the session's cookie jar; returns the status and body.
    static func curl(_ args: [String], jar: URL) throws -> (status: Int, body: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "-b", jar.path, "-c", jar.path, "-w", "\n%{http_code}"] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let cut = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: cut)...]) ?? 0, String(text[..<cut]))
    }

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// Waits up to `seconds` for `condition`.
    static func wait(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    static func tone(_ frequency: Int, seconds: Int, artist: String, to path: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = [
            "-v", "error", "-y", "-f", "lavfi", "-i",
            "aevalsrc='0.4*sin(2*PI*\(frequency)*t)*exp(-20*mod(t\\,0.5))':s=22050:d=\(seconds)", "-metadata",
            "artist=\(artist)", "-metadata", "title=Tone \(frequency)", path,
        ]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func twoWebNodesAndTwoWorkersShareOneDatabase() throws {
        let url = try TestPostgres.freshSchemaURL(pool: 4)
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let cli = CLITests()
        // Migrate once up front (nodes starting together would also wait on the advisory lock).
        #expect(try cli.segue(["profiles", "--database", url]).status == 0)

        var nodes: [Node] = []
        defer { for n in nodes { n.stop() } }
        func start(_ name: String, _ args: [String], port: Int? = nil) throws -> Node {
            let node = try Node(args + ["--data", data, "--database", url], log: dir.appendingPathComponent("\(name).log"), port: port)
            nodes.append(node)
            return node
        }
        let worker = ["worker", "--workers", "1", "--lease-seconds", "2"]
        let a = try start("serve-a", ["serve", "--workers", "0", "--log-level", "info"], port: try LoopbackPort.free())
        let b = try start("serve-b", ["serve", "--workers", "0", "--log-level", "info"], port: try LoopbackPort.free())
        let w1 = try start("worker-1", worker)
        let w2 = try start("worker-2", worker)
        let jar = dir.appendingPathComponent("cookies.txt")
        for node in [a, b] {
            #expect(try Self.wait(30) { try Self.curl(["\(node.base)/healthz"], jar: jar).status == 200 }, "node on \(node.base) did not start")
        }

        // 1. An export uploaded to node A; the import runs on a worker; node B shows the charts.
        let session = try Self.curl(["\(a.base)/api/v1/session"], jar: jar)
        let csrf = try #require((Self.json(session.body) as? [String: Any])?["csrfToken"] as? String)
        let zip = dir.appendingPathComponent("demo.zip").path
        #expect(try cli.segue(["demo", "export", "--records", "2000", zip]).status == 0)
        let upload = try Self.curl(
            ["-X", "POST", "-H", "X-CSRF-Token: \(csrf)", "--data-binary", "@\(zip)", "\(a.base)/api/v1/uploads?name=demo.zip"], jar: jar)
        #expect(upload.status == 201, "\(upload.body)")
        let uploadID = try #require((Self.json(upload.body) as? [String: Any])?["id"] as? String)
        let started = try Self.curl(
            [
                "-X", "POST", "-H", "X-CSRF-Token: \(csrf)", "-H", "Content-Type: application/json", "--data", "{\"uploads\":[\"\(uploadID)\"]}",
                "\(a.base)/api/v1/imports",
            ], jar: jar)
        #expect(started.status == 202, "\(started.body)")
        let importID = try #require((Self.json(started.body) as? [String: Any])?["id"] as? String)
        // Node B knows the session (PostgreSQL holds it) and streams the progress of the job a worker runs.
        let stream = try Self.curl(["-N", "--max-time", "40", "\(b.base)/api/v1/jobs/\(importID)/events"], jar: jar)
        let events = stream.body.components(separatedBy: "\n\n").filter { !$0.isEmpty && !$0.hasPrefix(":") }
        #expect(stream.status == 200 && !events.isEmpty, "\(stream.body)")
        let last = try #require(events.last)
        #expect(last.hasPrefix("event: done") && last.contains("\"state\":\"succeeded\""), "\(last)")
        let state = ((Self.json(try Self.curl(["\(b.base)/api/v1/jobs/\(importID)"], jar: jar).body) as? [String: Any])?["state"] as? String)
        #expect(state == "succeeded")
        let topB = try Self.curl(["\(b.base)/api/v1/top?kind=artists&limit=5"], jar: jar)
        let topA = try Self.curl(["\(a.base)/api/v1/top?kind=artists&limit=5"], jar: jar)
        #expect(topB.status == 200 && ((Self.json(topB.body) as? [Any])?.count ?? 0) == 5, "\(topB.body)")
        #expect(topB.body == topA.body)
        // A worker logs "job finished" just after it records the outcome: give the line a moment.
        func ranBy(_ workers: [Node], _ id: String) -> [Node] {
            workers.filter { (try? $0.finishedJobs().contains { $0.job == id }) ?? false }
        }
        #expect(Self.wait(5) { !ranBy([w1, w2], importID).isEmpty })
        #expect(ranBy([w1, w2], importID).count == 1)

        // 2. Analysis jobs from `library add --queue` are split between the two workers, each run once.
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        let frequencies = [220, 262, 330, 392, 440, 523]
        for (i, f) in frequencies.enumerated() {
            try Self.tone(f, seconds: 3, artist: "T\(i)", to: music.appendingPathComponent("t\(i).flac").path)
        }
        let queued = try cli.segue(
            ["library", "add", "--data", data, "--database", url, "--queue", "--files-per-job", "1", "--format", "json", music.path])
        #expect(queued.status == 0, "\(queued.err)")
        let jobIDs = try #require((Self.json(queued.out) as? [String: Any])?["jobs"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(jobIDs.count == frequencies.count)
        let backend = try PostgresBackend(url: url)
        let jobs = PostgresJobStore(backend: backend)
        #expect(try Self.wait(50) { try jobIDs.allSatisfy { try jobs.job(id: $0)?.state.isFinal ?? false } })
        for id in jobIDs {
            let job = try #require(try jobs.job(id: id))
            #expect(job.state == .succeeded && job.attempts == 1, "\(job)")
        }
        #expect(Self.wait(5) { jobIDs.allSatisfy { !ranBy([w1, w2], $0).isEmpty } })
        let ran1 = try w1.finishedJobs().map(\.job).filter(jobIDs.contains)
        let ran2 = try w2.finishedJobs().map(\.job).filter(jobIDs.contains)
        #expect(Set(ran1 + ran2) == Set(jobIDs) && ran1.count + ran2.count == jobIDs.count, "\(ran1) \(ran2)")
        #expect(!ran1.isEmpty && !ran2.isEmpty, "one worker ran every job: \(ran1) \(ran2)")
        let library = PostgresLibraryStore(backend: backend)
        let tracks = try library.tracks()
        #expect(tracks.count == frequencies.count && tracks.allSatisfy { $0.status == .done && $0.analysisVersion != nil })
        // The command line reads the same library.
        let listed = try cli.segue(["library", "list", "--database", url, "--format", "json"])
        #expect(((Self.json(listed.out) as? [[String: Any]])?.count ?? 0) == frequencies.count, "\(listed.err)")

        // 3. A worker killed mid-job: the job runs again on another worker after its lease expires, once.
        w2.stop()
        let long = music.appendingPathComponent("long/long.flac")
        try FileManager.default.createDirectory(at: long.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Self.tone(587, seconds: 40, artist: "Long", to: long.path)
        let one = try cli.segue(["library", "add", "--data", data, "--database", url, "--queue", "--format", "json", long.path])
        let longID = try #require(((Self.json(one.out) as? [String: Any])?["jobs"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try Self.wait(20) { try jobs.job(id: longID)?.state == .running })
        // Let it get into the analysis, then SIGKILL: no chance to give the job back.
        Thread.sleep(forTimeInterval: 0.5)
        kill(w1.process.processIdentifier, SIGKILL)
        w1.process.waitUntilExit()
        let orphan = try #require(try jobs.job(id: longID))
        #expect(orphan.state == .running && orphan.attempts == 1 && orphan.leaseOwner != nil, "the job finished before the kill: \(orphan)")
        let w3 = try start("worker-3", worker)
        #expect(try Self.wait(60) { try jobs.job(id: longID)?.state.isFinal ?? false })
        let done = try #require(try jobs.job(id: longID))
        #expect(done.state == .succeeded && done.attempts == 2, "\(done)")
        #expect(Self.wait(5) { !ranBy([w3], longID).isEmpty })
        #expect(try w1.finishedJobs().filter { $0.job == longID }.isEmpty)
        #expect(try w3.finishedJobs().filter { $0.job == longID }.map(\.state) == ["succeeded"])
        let after = try library.tracks()
        #expect(after.count == frequencies.count + 1)
        #expect(after.filter { $0.artist == "Long" }.map(\.status) == [.done])
    }
}
