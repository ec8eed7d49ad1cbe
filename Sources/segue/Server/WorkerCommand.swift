import ArgumentParser
import Foundation
import Logging
import SegueServer
import ServiceLifecycle

/// `segue worker`: runs queued imports, renders and analyses from a data folder's job queue, without
/// the web server.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run queued imports, renders and analyses (the data folder's job queue) in this process.")

    @Option(help: "Data folder (default: $SEGUE_DATA or ~/.local/share/segue).")
    var data: String?

    @Option(help: "Worker threads.")
    var workers = 2

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be 1 to 64") }
    }

    func run() async throws {
        let logger = Logger(label: "segue.worker")
        var configuration = ServerConfiguration(dataDirectory: StoreOptions.defaultDataDirectory(data), workers: workers)
        configuration.database = database.database
        let deps = try makeDependencies(configuration: configuration, logger: logger)
        logger.info("Segue worker running", metadata: ["workers": "\(workers)", "data": "\(configuration.dataDirectory)"])
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: WorkerPoolService(pool: deps.pool))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
