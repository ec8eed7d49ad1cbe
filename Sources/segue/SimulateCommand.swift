import ArgumentParser
import Foundation
import SegueKafka
import SegueLive
import SegueSimulator

/// `segue simulate`: a platform's listening traffic sent to a running server, for demos and load tests.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Send simulated listening (Zipf popularity, listener sessions, spikes) to a Segue server.",
        discussion: """
            Events go in batches through the bulk API (an ingest token: segue tokens create --scope ingest) or,
            with --via listenbrainz, as ListenBrainz imports (a user token: segue users add NAME; every listen
            then belongs to that user). With --via kafka they are produced into a topic instead (one event a
            message, keyed by listener) for servers started with --kafka-brokers. Prints the achieved rate and
            every kind of error at the end.
            """)

    @Option(help: "The server, e.g. http://127.0.0.1:8080 (not with --via kafka).") var target: String?
    @Option(help: "An ingest token (or a ListenBrainz user token with --via listenbrainz).") var token: String?
    @Option(help: "Distinct listeners.") var users = 1000
    @Option(help: "Events per second.") var rate: Double = 100
    @Option(help: "How long to run: 90, 90s, 5m, 1h.") var duration: String = "60s"
    @Option(help: "Tracks in the catalog.") var tracks = 500
    @Option(help: "Zipf exponent of track popularity.") var zipf: Double = 1.0
    @Option(
        help:
            "A spike or drop: TRACK@T×F, TRACK a rank, a title or 'total', T the start (optionally +length, default 60 s), F the factor. Repeatable."
    ) var spike: [String] = []
    @Option(help: "events (the bulk API), listenbrainz (/1/submit-listens) or kafka (a topic).") var via: String = "events"
    @Option(help: ArgumentHelp("With --via kafka: the brokers.", valueName: "host:port[,…]")) var kafkaBrokers: String?
    @Option(help: "With --via kafka: the topic.") var kafkaTopic: String?
    @Option(help: ArgumentHelp("With --via kafka: a librdkafka producer setting (repeatable).", valueName: "key=value")) var kafkaConfig: [String] =
        []
    @Option(help: "Requests in flight at once.") var concurrency = 4
    @Option(help: "Seed of the traffic (same seed, same traffic).") var seed: UInt64 = 1
    @Option(help: "Report format: text or json.") var format: String = "text"

    func validate() throws {
        if via == "kafka" {
            guard target == nil, token == nil else { throw ValidationError("--via kafka sends to --kafka-brokers, not to --target with --token") }
            _ = try kafkaOptions()
        } else {
            guard let target, let url = URL(string: target), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--target must be an http(s) URL like http://127.0.0.1:8080 (got '\(target ?? "")')")
            }
            guard token != nil else { throw ValidationError("--token is needed (segue tokens create --scope ingest)") }
            guard SimulationRunner.Via(rawValue: via) != nil else {
                throw ValidationError("--via must be events, listenbrainz or kafka (got '\(via)')")
            }
        }
        guard let d = TrafficModel.Spike.seconds(duration), d > 0 else {
            throw ValidationError("--duration must be a time like 90s or 5m (got '\(duration)')")
        }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 256") }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        _ = try model()
    }

    func model() throws -> TrafficModel {
        do {
            let spikes = try spike.map { text throws(TrafficModel.Invalid) in try TrafficModel.Spike(parsing: text) }
            return try TrafficModel(users: users, tracks: tracks, rate: rate, zipf: zipf, spikes: spikes, seed: seed)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The topic and producer settings of --via kafka.
    func kafkaOptions() throws -> KafkaSourceOptions {
        guard let kafkaBrokers, let kafkaTopic else { throw ValidationError("--via kafka needs --kafka-brokers and --kafka-topic") }
        do throws(KafkaError) {
            let settings = KafkaSettings(try kafkaConfig.map { text throws(KafkaError) in try KafkaSettings.pair(text) })
            let options = KafkaSourceOptions(brokers: kafkaBrokers, topic: kafkaTopic, settings: settings)
            try options.validate()
            return options
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let interactive = format == "text" && isatty(2) != 0
        let show: @Sendable (SimulationReport) -> Void = { so in
            guard interactive else { return }
            let line = String(
                format: "\r%6.0f s  %9d sent  %9d accepted  %7.0f/s  %d failed", so.seconds, so.sent, so.accepted, so.achievedRate, so.failed)
            FileHandle.standardError.write(Data(line.utf8))
        }
        let seconds = TrafficModel.Spike.seconds(duration)!
        let report: SimulationReport
        if via == "kafka" {
            let options = try kafkaOptions()
            let producer = try KafkaProducer(brokers: options.brokers, topic: options.topic, settings: options.settings)
            let runner = KafkaSimulationRunner(producer: producer, duration: seconds)
            let model = try model()
            // librdkafka's calls block: the run has a thread of its own.
            report = await withCheckedContinuation { done in
                Thread { done.resume(returning: runner.run(model, progress: show)) }.start()
            }
            producer.close()
        } else {
            let runner = SimulationRunner(
                target: URL(string: target!)!, token: token!, via: SimulationRunner.Via(rawValue: via)!, duration: seconds, concurrency: concurrency)
            report = await runner.run(try model(), progress: show)
        }
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        if format == "json" {
            let object: [String: Any] = [
                "seconds": report.seconds, "sent": report.sent, "accepted": report.accepted, "duplicates": report.duplicates,
                "failed": report.failed, "requests": report.requests, "failed_requests": report.failedRequests,
                "achieved_rate": report.achievedRate, "target_rate": rate, "errors": report.errors,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(
                String(
                    format: "%d events sent in %.1f s: %d accepted (%d already stored), %d failed", report.sent, report.seconds, report.accepted,
                    report.duplicates, report.failed))
            print(
                String(format: "achieved %.0f events/s (asked for %.0f) in %d ", report.achievedRate, rate, report.requests)
                    + (via == "kafka" ? "messages" : "requests"))
            for (message, count) in report.errors.sorted(by: { $0.value > $1.value }) {
                print("error ×\(count): \(message)")
            }
        }
        if report.failed > 0 { throw ExitCode(1) }
    }
}
