import ArgumentParser
import Foundation
import SegueModel
import SegueStore

struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top", abstract: "Your top artists, tracks or albums for a period.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var range: RangeOptions

    @Option(help: "artists, tracks or albums.")
    var kind: EntityKind = .artists

    @Option(help: "streams (plays of 30 s or more) or minutes (all music plays).")
    var metric: Metric = .streams

    @Option(help: "Number of entries (1 to 1000).")
    var limit: Int = 10

    @Option(help: "table, json or csv.")
    var format: OutputFormat = .table

    enum OutputFormat: String, ExpressibleByArgument { case table, json, csv }

    func validate() throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() throws {
        let db = try database.openStore(store)
        guard let profile = try db.existingProfile(named: store.profile) else {
            printError("error: no profile '\(store.profile)' in \(database.describe(store)): run `segue import` first")
            throw ExitCode(1)
        }
        let entries = try db.top(ChartQuery(kind: kind, metric: metric, range: range.range, limit: limit, sources: range.source), profile: profile)
        switch format {
        case .json: print(try entries.jsonText())
        case .csv: print(entries.csvText(), terminator: "")
        case .table:
            if entries.isEmpty { print("No music plays in this period.") } else { print(entries.tableText(kind: kind), terminator: "") }
        }
    }
}
