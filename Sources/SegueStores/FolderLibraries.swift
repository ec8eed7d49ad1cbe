import Foundation
import SegueStore
import SegueStoreSQLite

/// Each library in its folder's `library.sqlite`.
struct FolderLibraries: LibraryStores {
    var isShared: Bool { false }

    func open(folder: String, name: String) throws -> any LibraryStore {
        try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: folder))
    }

    func mayHoldTracks(folder: String, name: String) -> Bool {
        FileManager.default.fileExists(atPath: SQLiteLibraryStore.databasePath(inDataDirectory: folder))
    }

    func erase(name: String) throws {}

    /// The database file's and its write-ahead log's modification time and size: a write moves one.
    /// Opening creates the file if there is none, so the first fingerprint is the new file's.
    func fingerprint(folder: String, name: String) throws -> [String] {
        _ = try open(folder: folder, name: name)
        let path = SQLiteLibraryStore.databasePath(inDataDirectory: folder)
        return [path, path + "-wal"].map { path in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(modified)/\((attributes?[.size] as? NSNumber)?.intValue ?? -1)"
        }
    }
}
