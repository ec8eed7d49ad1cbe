import SegueStore
import SegueStorePostgres

/// Every library in the PostgreSQL database, each under its name.
struct DatabaseLibraries: LibraryStores {
    let backend: PostgresBackend

    var isShared: Bool { true }

    func open(folder: String, name: String) throws -> any LibraryStore {
        PostgresLibraryStore(backend: backend, library: name)
    }

    func mayHoldTracks(folder: String, name: String) -> Bool { true }

    func erase(name: String) throws {
        try PostgresLibraryStore(backend: backend, library: name).deleteLibrary()
    }

    /// The library's track count and latest revision (one index scan).
    func fingerprint(folder: String, name: String) throws -> [String] {
        [try PostgresLibraryStore(backend: backend, library: name).revision()]
    }
}
