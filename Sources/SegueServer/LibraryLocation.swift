import Foundation
import SegueStore

/// Where music libraries live: each in its folder's `library.sqlite`, or all in one shared
/// database (`--database`), each under a name (see `LibraryStores`).
public struct LibraryLocation: Sendable {
    /// The libraries, as the process's stores open them.
    public let stores: any LibraryStores

    public init(_ stores: any LibraryStores) {
        self.stores = stores
    }

    /// The name of the data folder's own library (`segue library add`, `--single-user`).
    public static let home = LibraryName.home

    /// The name of a web session's library.
    static func sessionLibrary(_ sessionID: String) -> String { "session/\(sessionID)" }

    /// Whether the libraries are in the shared database (not in their folders).
    var isShared: Bool { stores.isShared }

    /// The library called `name` whose SQLite file (when not in the shared database) is in `folder`.
    public func open(folder: String, name: String) throws -> any LibraryStore {
        try stores.open(folder: folder, name: name)
    }

    /// Erases a library kept in the database (a library in a folder goes with its folder).
    func erase(name: String) throws {
        try stores.erase(name: name)
    }
}
