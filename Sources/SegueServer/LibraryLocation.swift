import Foundation
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite

/// Where music libraries live: each in its folder's `library.sqlite`, or all in one PostgreSQL
/// database (`--database`), each under a name.
public struct LibraryLocation: Sendable {
    /// The database holding every library, or nil for the folders' SQLite files.
    public let postgres: PostgresBackend?

    public init(postgres: PostgresBackend?) {
        self.postgres = postgres
    }

    /// The name of the data folder's own library (`segue library add`, `--single-user`).
    public static let home = PostgresLibraryStore.homeLibrary

    /// The name of a web session's library.
    static func sessionLibrary(_ sessionID: String) -> String { "session/\(sessionID)" }

    /// The library called `name` whose SQLite file (when not on PostgreSQL) is in `folder`.
    public func open(folder: String, name: String) throws -> any LibraryStore {
        if let postgres { return PostgresLibraryStore(backend: postgres, library: name) }
        return try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: folder))
    }

    /// Erases a library kept in the database (a library in a folder goes with its folder).
    func erase(name: String) throws {
        if let postgres { try PostgresLibraryStore(backend: postgres, library: name).deleteLibrary() }
    }
}
