import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SegueLive
import SegueServer

/// `segue serve`: the web app, API and workers in one process on the embedded store.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the web app: upload, explore, create and share, privately.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Data folder (default: $SEGUE_DATA or ~/.local/share/segue).")
    var data: String?

    @Flag(help: "One persistent profile for every visitor (a self-hosted home install).")
    var singleUser = false

    @Option(help: "Profile used with --single-user.")
    var profile = "default"

    @Option(help: "Hours of inactivity after which a session and its data are erased.")
    var sessionTtl: Double = 24

    @Option(help: "Largest upload in megabytes.")
    var maxUploadMb = 512

    @Option(help: "Worker processes for imports, renders and analyses (threads with --in-process-workers; 0 with --database: a web-only node).")
    var workers = 2

    @Flag(help: "Run jobs on threads of this process instead of supervised `segue worker` processes (a trap in a job then stops the server).")
    var inProcessWorkers = false

    @Option(help: "With worker processes: each one's private memory limit in megabytes (a job past it costs that job).")
    var workerMemoryMb = 4096

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    @Flag(help: "Feed the Live page from a simulated crowd of listeners, with a rush or a lull every few minutes (a demo; real listens still count).")
    var demoLive = false

    @Option(help: "POST each new live alert (spike or drop) as JSON to this URL.")
    var alertWebhook: String?

    @Option(
        help: ArgumentHelp(
            "How late a live event may arrive and still count on the dashboard, in its own minute (like 90s, 10m, 1h).",
            discussion: "Later events (an offline player syncing, a ListenBrainz import) are stored but not counted live."))
    var liveLateness: String = "1h"

    /// A duration as `segue simulate` reads them (`90`, `90s`, `10m`, `1h`), in whole seconds from 0
    /// to 24 hours; nil otherwise.
    static func seconds(_ text: String) -> Int64? {
        guard let seconds = TrafficModel.Spike.seconds(text), seconds <= 86_400 else { return nil }
        return Int64(seconds.rounded())
    }

    @Option(help: "Megabytes of uploads one session may keep stored (exports and music files together).")
    var maxSessionUploadMb = 2048

    @Option(help: "Uploaded files one session may keep stored.")
    var maxSessionFiles = 500

    @Option(help: "Imports, renders and analyses one session may have queued or running at once.")
    var jobsPerSession = 4

    @Flag(help: "Show listener ids on the Live page and in /api/v1/live (private by default: counts and tracks only).")
    var liveShowListeners = false

    @Option(help: "A file holding the password browsers must give once (a --single-user install beyond 127.0.0.1).")
    var passwordFile: String?

    @Option(help: "The password browsers must give once (prefer --password-file: a command line is visible to other users).")
    var password: String?

    @Option(help: "The address people use, like https://music.example.org behind a TLS proxy (https: Secure cookies and HSTS).")
    var publicUrl: String?

    @Option(help: "Seconds a connection may send no whole request line, header or body chunk before it is closed.")
    var idleTimeout: Double = 30

    @Option(help: "Live event streams one browser session may hold open.")
    var maxStreamsPerSession = 16

    @Option(help: "Live event streams open at once on this server.")
    var maxStreams = 1024

    @Option(help: "Prometheus /metrics: on (the main address), off, or HOST:PORT (only there, say 127.0.0.1:9090).")
    var metrics = "on"

    @OptionGroup var database: DatabaseOptions

    @OptionGroup(title: "Live events from Kafka") var kafka: KafkaOptions

    /// The path of this executable, for starting `segue worker` children.
    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        guard sessionTtl > 0 else { throw ValidationError("--session-ttl must be positive") }
        guard maxUploadMb > 0 else { throw ValidationError("--max-upload-mb must be positive") }
        guard (0...64).contains(workers) else { throw ValidationError("--workers must be 0 to 64") }
        guard workerMemoryMb >= 64 else { throw ValidationError("--worker-memory-mb must be at least 64") }
        guard maxSessionUploadMb >= 1 else { throw ValidationError("--max-session-upload-mb must be at least 1") }
        guard maxSessionFiles >= 1 else { throw ValidationError("--max-session-files must be at least 1") }
        guard (1...100).contains(jobsPerSession) else { throw ValidationError("--jobs-per-session must be 1 to 100") }
        if workers == 0 && database.database == nil {
            throw ValidationError("--workers 0 (a web-only node) needs --database, where `segue worker` processes take the jobs")
        }
        guard Self.seconds(liveLateness) != nil else {
            throw ValidationError("--live-lateness must be a duration like 90s, 10m or 1h, at most 24h (got '\(liveLateness)')")
        }
        guard idleTimeout >= 1, idleTimeout <= 3600 else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds") }
        guard maxStreamsPerSession >= 1, maxStreams >= maxStreamsPerSession else {
            throw ValidationError("--max-streams-per-session must be at least 1 and at most --max-streams")
        }
        guard MetricsEndpoint(argument: metrics) != nil else {
            throw ValidationError("--metrics must be on, off or HOST:PORT (got '\(metrics)')")
        }
        if password != nil, passwordFile != nil { throw ValidationError("give --password or --password-file, not both") }
        if let publicUrl {
            guard let url = URL(string: publicUrl), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--public-url must be an http(s) address like https://music.example.org (got '\(publicUrl)')")
            }
        }
        if let problem = try configuration().exposureProblem { throw ValidationError(problem) }
        if let alertWebhook {
            guard let url = URL(string: alertWebhook), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--alert-webhook must be an http(s) URL (got '\(alertWebhook)')")
            }
        }
    }

    /// The server's configuration from the flags (reads the password file).
    func configuration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: StoreOptions.defaultDataDirectory(data), singleUserProfile: singleUser ? profile : nil,
            sessionTTLSeconds: sessionTtl * 3600, maxUploadBytes: maxUploadMb * 1024 * 1024, workers: workers,
            alertWebhook: alertWebhook.flatMap(URL.init(string:)), liveLatenessSeconds: Self.seconds(liveLateness) ?? 3600)
        configuration.database = database.database
        configuration.liveShowListeners = liveShowListeners
        configuration.password = password
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw ValidationError("cannot read the password file \(passwordFile)")
            }
            let secret = text.trimmingCharacters(in: .newlines)
            guard !secret.isEmpty else { throw ValidationError("the password file \(passwordFile) is empty") }
            configuration.password = secret
        }
        if configuration.password?.isEmpty == true { throw ValidationError("--password must not be empty") }
        configuration.publicURL = publicUrl.flatMap(URL.init(string:))
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.maxStreamsPerSession = maxStreamsPerSession
        configuration.maxStreams = maxStreams
        configuration.metrics = MetricsEndpoint(argument: metrics) ?? .main
        configuration.maxSessionUploadBytes = maxSessionUploadMb * 1024 * 1024
        configuration.maxSessionUploadFiles = maxSessionFiles
        configuration.jobsPerSession = jobsPerSession
        configuration.kafka = try kafka.sourceOptions()
        if workers > 0 && !inProcessWorkers {
            // Job work in child processes: the server survives whatever a job does.
            var options = WorkerSupervisor.Options(
                executable: Self.ownExecutable(), count: workers, dataDirectory: configuration.dataDirectory, database: database.database)
            options.memoryLimitBytes = workerMemoryMb * 1024 * 1024
            configuration.workerProcesses = options
        }
        return configuration
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "segue.server")
        let dataDirectory = StoreOptions.defaultDataDirectory(data)
        let configuration = try configuration()
        let deps = try makeDependencies(configuration: configuration, logger: logger)
        if demoLive {
            let hub = deps.live
            let now = deps.environment.now
            Task.detached {
                // Now and then a rush or a lull, so a visitor sees the alerts.
                var simulator = LiveSimulator(surprises: true)
                // Ten minutes of history first, made second by second, so the page is alive from the first look. It is
                // ingested at once and in time order: the hub's clock moves on while this runs, and a minute judged
                // before all of its history is in would raise false alerts.
                let start = now()
                var history: [LiveEvent] = []
                for second in stride(from: Int64(599), through: 0, by: -1) {
                    history += simulator.events(endingAt: start - second * 1000, seconds: 1)
                }
                history.sort { $0.timeMilliseconds < $1.timeMilliseconds }
                await hub.ingest(history)
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    await hub.ingest(simulator.events(endingAt: now(), seconds: 0.25))
                }
            }
        }
        logger.info(
            "Segue is listening",
            metadata: ["url": "\(configuration.publicURL?.absoluteString ?? "http://\(host):\(port)/")", "data": "\(dataDirectory)"])
        try await buildApplication(deps, registry: registry, logger: logger).runService()
        logger.info("Segue stopped")
    }
}
