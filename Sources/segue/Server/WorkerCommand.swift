import ArgumentParser
import Foundation
import Logging
import SegueServer
import ServiceLifecycle

/// `segue worker`: runs queued imports, renders and analyses from a data folder's job queue, without
/// the web server.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run queued imports, renders and analyses (the data folder's or --database's job queue) in this process.")

    @Option(help: "Data folder (default: $SEGUE_DATA or ~/.local/share/segue).")
    var data: String?

    @Option(help: "Worker threads.")
    var workers = 2

    @Option(help: "Seconds a job stays this worker's without a heartbeat (a job whose worker died runs again after this).")
    var leaseSeconds = 30.0

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be 1 to 64") }
        guard (0.5...3600).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be 0.5 to 3600") }
    }

    func run() async throws {
        let logger = Logger(label: "segue.worker")
        var configuration = ServerConfiguration(dataDirectory: StoreOptions.defaultDataDirectory(data), workers: workers)
        configuration.database = database.database
        configuration.jobLeaseMillis = Int64(leaseSeconds * 1000)
        let deps = try makeDependencies(configuration: configuration, logger: logger)
        logger.info("Segue worker running", metadata: ["workers": "\(workers)", "data": "\(configuration.dataDirectory)"])
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: WorkerPoolService(pool: deps.pool))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
