import Foundation
import Logging
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite

/// The stores of one process: the only code that knows the drivers.
///
/// Without a database URL every store is one of the data folder's SQLite files; with one, every
/// store is on that PostgreSQL database, through one connection pool opened (and migrated) here,
/// once. A process builds one `Stores` at its composition root (`segue serve`, `segue worker`, a
/// CLI command) and hands out the store protocols and the few capabilities only a shared database
/// has (other nodes' live events, change notifications).
public final class Stores: Sendable {
    /// The data folder: the SQLite files, or (with a database) only uploaded and rendered files.
    public let dataDirectory: String
    /// Every library, in its folder or in the database.
    public let libraries: any LibraryStores
    private let backend: PostgresBackend?
    private let logger: Logger?

    /// Opens the stores of `dataDirectory`, or of the PostgreSQL database at `database` (connecting
    /// lazily, migrating its schema now). `logger`: the drivers' logs (their own labels if nil).
    public init(dataDirectory: String, database: String?, logger: Logger? = nil) throws {
        self.dataDirectory = dataDirectory
        self.logger = logger
        let backend = try database.map { url in
            if let logger { return try PostgresBackend(url: url, logger: logger) }
            return try PostgresBackend(url: url)
        }
        self.backend = backend
        libraries = backend.map { DatabaseLibraries(backend: $0) } ?? FolderLibraries()
    }

    /// Throws, with the reason, when `url` cannot name a PostgreSQL database.
    public static func checkDatabaseURL(_ url: String) throws {
        _ = try PostgresLocation(url: url)
    }

    /// Where the stores are, for messages: the data folder, or the database's URL without its password.
    public static func describe(dataDirectory: String, database: String?) -> String {
        guard let database else { return dataDirectory }
        return (try? PostgresLocation(url: database).redacted) ?? database
    }

    /// Whether the stores are on a database other processes and nodes share.
    public var isShared: Bool { backend != nil }

    /// Where the stores are, for messages and logs (no password).
    public var location: String { backend?.location.redacted ?? dataDirectory }

    /// Plays, profiles and chart columns.
    public func plays() throws -> any PlayStore {
        if let backend { return PostgresPlayStore(backend: backend) }
        return try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: dataDirectory))
    }

    /// The web's stores: job queue, saved playlists, recap shares, sessions with feedback and
    /// preferences (on SQLite one file, opened once for all four).
    public func web() throws -> WebStores {
        if let backend {
            return WebStores(
                jobs: PostgresJobStore(backend: backend), playlists: PostgresSavedPlaylistStore(backend: backend),
                shares: PostgresRecapShareStore(backend: backend), sessions: PostgresWebStore(backend: backend))
        }
        let web = try SQLiteWebStore(path: SQLiteWebStore.databasePath(inDataDirectory: dataDirectory))
        return WebStores(jobs: web, playlists: web, shares: web, sessions: web)
    }

    /// ListenBrainz users, listens, ingest tokens and events, with `close`, which stops its commit
    /// thread after what is queued is written.
    public func listens() throws -> (store: any ListenStore & EventStore, close: @Sendable () -> Void) {
        if let backend {
            let listens = PostgresListenStore(backend: backend)
            return (listens, listens.close)
        }
        let listens = try SQLiteListenStore(path: SQLiteListenStore.databasePath(inDataDirectory: dataDirectory))
        return (listens, listens.close)
    }

    /// A server node's listens and events, after calling `add` with each play stored at or after
    /// `since` (milliseconds; the live view's restoration), oldest first; with the feed of the plays
    /// other nodes store from then on (a shared database only; it skips what `add` was given).
    /// `now`: the clock the feed's catch-up starts from.
    public func liveListens(since: Int64, now: () -> Int64, _ add: (RecentPlay) -> Void) throws
        -> (store: any ListenStore & EventStore, feed: (any LiveFeed)?)
    {
        if let backend {
            let store = PostgresListenStore(backend: backend)
            let restoredAt = now()
            var counted = Set<Int64>()
            try store.forEachRecentPlay(since: since, batches: &counted, add)
            let feed =
                if let logger {
                    PostgresLiveFeed(store: store, counted: counted, since: restoredAt, logger: logger)
                } else {
                    PostgresLiveFeed(store: store, counted: counted, since: restoredAt)
                }
            return (store, feed)
        }
        let store = try SQLiteListenStore(path: SQLiteListenStore.databasePath(inDataDirectory: dataDirectory))
        try store.forEachRecentPlay(since: since, add)
        return (store, nil)
    }

    /// The changes other processes announce (a shared database only: SQLite files announce nothing).
    public func changeFeed() -> (any StoreChangeFeed)? {
        guard let backend else { return nil }
        if let logger { return PostgresChangeFeed(backend: backend, logger: logger) }
        return PostgresChangeFeed(backend: backend)
    }

    /// The part of the process's memory that is SQLite's page caches (a gauge).
    public static var sqlitePageCacheBytes: Int64 { SQLiteMemory.pageCacheBytes }
}

/// The stores behind the web's sessions and jobs (one SQLite file, or four views of the database).
public struct WebStores: Sendable {
    public var jobs: any JobStore
    public var playlists: any SavedPlaylistStore
    public var shares: any RecapShareStore
    public var sessions: any SessionStore & FeedbackStore & ProfilePreferenceStore
}
