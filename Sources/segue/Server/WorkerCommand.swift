import ArgumentParser
import Foundation
import Logging
import SegueServer
import ServiceLifecycle
import UnixSignals

/// `segue worker`: runs queued imports, renders and analyses from a data folder's job queue, without
/// the web server. `segue serve` also starts its job work as `segue worker --supervised` children.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run queued imports, renders and analyses (the data folder's or --database's job queue) in this process.")

    @Option(help: "Data folder (default: $SEGUE_DATA or ~/.local/share/segue).")
    var data: String?

    @Option(help: "Worker threads.")
    var workers = 2

    @Option(help: "Seconds a job stays this worker's without a heartbeat (a job whose worker died runs again after this).")
    var leaseSeconds = 30.0

    @Option(help: "Limit this process's private memory (RLIMIT_DATA) to this many megabytes; a job past it stops the process.")
    var memoryLimitMb: Int?

    @Flag(help: .hidden)
    var supervised = false

    @Option(help: .hidden)
    var workerId: String?

    @OptionGroup var database: DatabaseOptions

    @OptionGroup(title: "Live events from Kafka") var kafka: KafkaOptions

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be 1 to 64") }
        guard (0.5...3600).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be 0.5 to 3600") }
        if let memoryLimitMb, !(64...1_048_576).contains(memoryLimitMb) {
            throw ValidationError("--memory-limit-mb must be 64 to 1048576")
        }
    }

    func run() async throws {
        if supervised {
            // Standard output carries messages to the server; the log goes to standard error.
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        }
        let logger = Logger(label: "segue.worker")
        if let memoryLimitMb {
            var limit = rlimit(rlim_cur: rlim_t(memoryLimitMb) * 1024 * 1024, rlim_max: rlim_t(memoryLimitMb) * 1024 * 1024)
            if setrlimit(__rlimit_resource_t(RLIMIT_DATA.rawValue), &limit) != 0 {
                logger.warning("cannot limit this process's memory", metadata: ["errno": "\(errno)"])
            }
        }
        var configuration = ServerConfiguration(dataDirectory: StoreOptions.defaultDataDirectory(data), workers: workers)
        configuration.database = database.database
        if supervised, configuration.database == nil,
            let url = ProcessInfo.processInfo.environment["SEGUE_WORKER_DATABASE"], !url.isEmpty
        {
            configuration.database = url
        }
        configuration.jobLeaseMillis = Int64(leaseSeconds * 1000)
        configuration.kafka = try kafka.sourceOptions()
        var tellServer: (@Sendable (String) -> Void)?
        if supervised {
            tellServer = { profile in
                FileHandle.standardOutput.write(Data((WorkerSupervisor.profileChangedPrefix + profile + "\n").utf8))
            }
        }
        // One connection pool for the pool, the scheduler and the Kafka source.
        let stores = try openStores(configuration: configuration, logger: logger)
        let pool = try makeWorkerPool(
            configuration: configuration, workerID: workerId, logger: logger,
            // Siblings each run one job: one job per session at a time is kept across them.
            oneJobPerOwnerEverywhere: supervised, onProfileChanged: tellServer, stores: stores)
        if supervised { Self.stopWhenTheServerGoes(logger: logger) }
        logger.info("Segue worker running", metadata: ["workers": "\(workers)", "data": "\(configuration.dataDirectory)"])
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: WorkerPoolService(pool: pool))]
        // A supervised worker's server runs the scheduler already.
        if !supervised {
            services.append(.init(service: try makePlaylistRefreshService(configuration: configuration, logger: logger, stores: stores)))
        }
        if let source = try makeKafkaWorker(configuration: configuration, logger: logger, stores: stores) {
            services.append(.init(service: KafkaSourceService(source: source)))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The server holds our standard input open and never writes to it: end-of-file means it is
    /// gone (however it went), and a graceful stop gives the running job back to the queue.
    static func stopWhenTheServerGoes(logger: Logger) {
        let watcher = Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(STDIN_FILENO, &byte, 1)
                if n == 0 || (n < 0 && errno != EINTR) { break }
            }
            logger.notice("the server that started this worker is gone; stopping")
            kill(getpid(), SIGTERM)
        }
        watcher.name = "segue-worker-parent-watch"
        watcher.start()
    }
}
