import ArgumentParser
import Foundation
import SegueModel
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite

/// Where the data lives and whose it is: shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(help: "Data folder (default: $SEGUE_DATA or ~/.local/share/segue).")
    var data: String?

    @Option(help: "Profile whose data to use.")
    var profile: String = "default"

    var dataDirectory: String {
        if let data { return data }
        if let env = ProcessInfo.processInfo.environment["SEGUE_DATA"], !env.isEmpty { return env }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".local/share/segue")
    }

    func openStore() throws -> SQLitePlayStore {
        try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: dataDirectory))
    }
}

/// `--database`: the commands whose stores PostgreSQL has (plays and charts; jobs for `serve` and
/// `worker`; users, tokens, listens and live events for `serve`, `users` and `tokens`). Commands
/// without it keep everything in the data folder.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "PostgreSQL database (with pgvector) for the stores it has; default: the data folder's SQLite files.",
            valueName: "postgres://user@host/db"))
    var database: String?

    func validate() throws {
        if let database {
            do { _ = try PostgresLocation(url: database) } catch { throw ValidationError("\(error)") }
        }
    }

    /// The play store: PostgreSQL with `--database`, else the data folder's SQLite file.
    func openStore(_ store: StoreOptions) throws -> any PlayStore {
        if let database { return try PostgresPlayStore(url: database) }
        return try store.openStore()
    }

    /// ListenBrainz users, listens, ingest tokens and events: PostgreSQL with `--database`, else the
    /// data folder's listens file. `close` stops its commit thread.
    func openListenStore(_ store: StoreOptions) throws -> (store: any ListenStore & EventStore, close: () -> Void) {
        if let database {
            let listens = try PostgresListenStore(url: database)
            return (listens, { listens.close(); listens.backend.close() })
        }
        let listens = try SQLiteListenStore(path: SQLiteListenStore.databasePath(inDataDirectory: store.dataDirectory))
        return (listens, listens.close)
    }

    /// Where the plays are, for messages.
    func describe(_ store: StoreOptions) -> String {
        guard let database else { return store.dataDirectory }
        return (try? PostgresLocation(url: database).redacted) ?? database
    }
}

/// A date range in calendar days, inclusive, in a time zone.
struct RangeOptions: ParsableArguments {
    @Option(help: "First day (YYYY-MM-DD), inclusive.", transform: Self.day)
    var from: CalendarDay?

    @Option(help: "Last day (YYYY-MM-DD), inclusive.", transform: Self.day)
    var to: CalendarDay?

    @Option(help: "Time zone for day boundaries (IANA name, default UTC).", transform: Self.zone)
    var tz: TimeZone = .gmt

    var range: TimeRange { TimeRange(from: from, to: to, timeZone: tz) }

    func validate() throws {
        if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
    }

    static func day(_ text: String) throws -> CalendarDay {
        guard let day = CalendarDay(text) else { throw ValidationError("'\(text)' is not a date like 2024-05-06") }
        return day
    }

    static func zone(_ text: String) throws -> TimeZone {
        guard let zone = TimeZone(identifier: text) else { throw ValidationError("unknown time zone '\(text)'") }
        return zone
    }
}

extension EntityKind: ExpressibleByArgument {}
extension Metric: ExpressibleByArgument {}
extension RacePeriod: ExpressibleByArgument {}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
