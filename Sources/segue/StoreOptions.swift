import ArgumentParser
import Foundation
import SegueModel
import SegueStore
import SegueStores
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
}

/// The stores this process has opened, by data folder and database (see `DatabaseOptions.stores`).
private let openStores = Mutex<[String: Stores]>([:])

/// `--database`: every store on one PostgreSQL database (plays and charts, libraries, jobs,
/// sessions and feedback, ListenBrainz users, tokens, listens and live events) instead of the data
/// folder's SQLite files. The data folder still holds files (uploads, renders, covers): nodes
/// sharing a database share it too.
///
/// The CLI's one place that builds stores: every command opens them through here.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "PostgreSQL database for the stores (with pgvector; default: the data folder's SQLite files).",
            valueName: "postgres://user@host/db"))
    var database: String?

    func validate() throws {
        if let database {
            do { try Stores.checkDatabaseURL(database) } catch { throw ValidationError("\(error)") }
        }
    }

    /// The stores of `dataDirectory` (or the database): one per data folder and database in the
    /// process, so a command that opens several stores connects and migrates once.
    func stores(dataDirectory: String) throws -> Stores {
        let key = dataDirectory + "\u{0}" + (database ?? "")
        return try openStores.withLock { (open: inout [String: Stores]) throws -> Stores in
            if let stores = open[key] { return stores }
            let stores = try Stores(dataDirectory: dataDirectory, database: database)
            open[key] = stores
            return stores
        }
    }

    /// The play store: PostgreSQL with `--database`, else the data folder's SQLite file.
    func openStore(_ store: StoreOptions) throws -> any PlayStore {
        try stores(dataDirectory: store.dataDirectory).plays()
    }

    /// ListenBrainz users, listens, ingest tokens and events: PostgreSQL with `--database`, else the
    /// data folder's listens file. `close` stops its commit thread.
    func openListenStore(_ store: StoreOptions) throws -> (store: any ListenStore & EventStore, close: () -> Void) {
        let (listens, close) = try stores(dataDirectory: store.dataDirectory).listens()
        return (listens, close)
    }

    /// The data folder's own library (`home` in the database).
    func openLibrary(_ store: StoreOptions) throws -> any LibraryStore {
        try stores(dataDirectory: store.dataDirectory).libraries.open(folder: store.dataDirectory, name: LibraryName.home)
    }

    /// The tracks of the data folder's own library; none, without making a file, when nothing was ever added.
    func homeLibraryTracks(dataDirectory: String) throws -> [LibraryTrack] {
        let libraries = try stores(dataDirectory: dataDirectory).libraries
        guard libraries.mayHoldTracks(folder: dataDirectory, name: LibraryName.home) else { return [] }
        return try libraries.open(folder: dataDirectory, name: LibraryName.home).tracks()
    }

    /// The job queue the workers of this data folder (or database) share.
    func openJobs(dataDirectory: String) throws -> any JobStore {
        try stores(dataDirectory: dataDirectory).web().jobs
    }

    /// Saved playlists (the Playlists page's, and `segue playlist --save`).
    func openPlaylists(dataDirectory: String) throws -> any SavedPlaylistStore {
        try stores(dataDirectory: dataDirectory).web().playlists
    }

    /// Feedback sent through the web app.
    func openFeedback(dataDirectory: String) throws -> any FeedbackStore {
        try stores(dataDirectory: dataDirectory).web().sessions
    }

    /// Where the stores are, for messages.
    func describe(_ store: StoreOptions) -> String {
        Stores.describe(dataDirectory: store.dataDirectory, database: database)
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

    @Option(
        help: ArgumentHelp("Sources whose plays count, comma-separated (\(SourceSet.help)); default all.", valueName: "sources"),
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
