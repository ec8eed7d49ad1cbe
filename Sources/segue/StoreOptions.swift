import ArgumentParser
import Foundation
import SegueModel
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite
import Synchronization

/// Where the data lives and whose it is: shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(help: "Data folder (default: $SEGUE_DATA or ~/.local/share/segue).")
    var data: String?

    @Option(name: .customLong("profile"), help: "Profile whose data to use (default: default).")
    var givenProfile: String?

    /// The profile whose data to use.
    var profile: String { givenProfile ?? "default" }

    var dataDirectory: String {
        if let data { return data }
        if let env = ProcessInfo.processInfo.environment["SEGUE_DATA"], !env.isEmpty { return env }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".local/share/segue")
    }

    func openStore() throws -> SQLitePlayStore {
        try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: dataDirectory))
    }
}

/// The PostgreSQL pools this process has opened, by URL (see `DatabaseOptions.backend`).
private let openBackends = Mutex<[String: PostgresBackend]>([:])

/// `--database`: every store on one PostgreSQL database (plays and charts, libraries, jobs,
/// sessions and feedback, ListenBrainz users, tokens, listens and live events) instead of the data
/// folder's SQLite files. The data folder still holds files (uploads, renders, covers): nodes
/// sharing a database share it too.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "PostgreSQL database for the stores (with pgvector; default: the data folder's SQLite files).",
            valueName: "postgres://user@host/db"))
    var database: String?

    func validate() throws {
        if let database {
            do { _ = try PostgresLocation(url: database) } catch { throw ValidationError("\(error)") }
        }
    }

    /// The database's connection pool (migrated), or nil without `--database`: one per database in
    /// the process, so a command that opens several stores connects and migrates once.
    func backend() throws -> PostgresBackend? {
        guard let database else { return nil }
        return try openBackends.withLock { (open: inout [String: PostgresBackend]) throws -> PostgresBackend in
            if let backend = open[database] { return backend }
            let backend = try PostgresBackend(url: database)
            open[database] = backend
            return backend
        }
    }

    /// The play store: PostgreSQL with `--database`, else the data folder's SQLite file.
    func openStore(_ store: StoreOptions) throws -> any PlayStore {
        if let backend = try backend() { return PostgresPlayStore(backend: backend) }
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

    /// The data folder's own library (`home` in the database).
    func openLibrary(_ store: StoreOptions) throws -> any LibraryStore {
        if let backend = try backend() { return PostgresLibraryStore(backend: backend) }
        return try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: store.dataDirectory))
    }

    /// The job queue the workers of this data folder (or database) share.
    func openJobs(dataDirectory: String) throws -> any JobStore {
        if let backend = try backend() { return PostgresJobStore(backend: backend) }
        return try SQLiteWebStore(path: SQLiteWebStore.databasePath(inDataDirectory: dataDirectory))
    }

    /// Saved playlists (the Playlists page's, and `segue playlist --save`).
    func openPlaylists(dataDirectory: String) throws -> any SavedPlaylistStore {
        if let backend = try backend() { return PostgresSavedPlaylistStore(backend: backend) }
        return try SQLiteWebStore(path: SQLiteWebStore.databasePath(inDataDirectory: dataDirectory))
    }

    /// Feedback sent through the web app.
    func openFeedback(dataDirectory: String) throws -> any FeedbackStore {
        if let backend = try backend() { return PostgresWebStore(backend: backend) }
        return try SQLiteWebStore(path: SQLiteWebStore.databasePath(inDataDirectory: dataDirectory))
    }

    /// Where the stores are, for messages.
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

    @Option(help: ArgumentHelp("Sources whose plays count, comma-separated (\(SourceSet.help)); default all.", valueName: "sources"),
            transform: Self.sources)
    var source: SourceSet = .all

    var range: TimeRange { TimeRange(from: from, to: to, timeZone: tz) }

    static func sources(_ text: String) throws -> SourceSet {
        guard let set = SourceSet(names: text) else {
            throw ValidationError("'\(text)' is not a list of sources: use \(SourceSet.help) (comma-separated)")
        }
        return set
    }

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
