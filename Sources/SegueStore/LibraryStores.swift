/// Where music libraries live: each in its folder's own file, or all in one shared database, each
/// under a name. The web and the job handlers reach libraries only through this.
public protocol LibraryStores: Sendable {
    /// Whether every library is in one database every node shares (else each is in its folder).
    var isShared: Bool { get }
    /// The library called `name`, whose file (when not in a shared database) is in `folder`.
    func open(folder: String, name: String) throws -> any LibraryStore
    /// Whether the library may hold anything: false when nothing was ever added to the folder's
    /// file (asking does not create it).
    func mayHoldTracks(folder: String, name: String) -> Bool
    /// Erases a library kept in the shared database (a library in a folder goes with its folder).
    func erase(name: String) throws
    /// Parts of a fingerprint that changes whenever the library's stored tracks may have changed,
    /// and is cheap to read (a stream re-reads the library only when it moves).
    func fingerprint(folder: String, name: String) throws -> [String]
}

/// The names of libraries in a shared database.
public enum LibraryName {
    /// The data folder's own library (`segue library add`, `--single-user`).
    public static let home = "home"
}
