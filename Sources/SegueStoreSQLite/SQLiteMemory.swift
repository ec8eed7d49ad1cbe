import CSQLite
import Foundation

/// How much memory SQLite's page caches hold across the process: the part of a server's resident
/// memory that is the stores' caches, which fill up to their `cache_size` as the files grow and then
/// stay (the listen and play stores' writers keep up to 64 MiB each).
///
/// SQLite's own allocator statistics are off (they take a global mutex on every allocation), and
/// connections are opened without SQLite's mutex, so nothing may ask a connection from outside its
/// owner's lock. Each connection therefore notes its own cache size after every statement it
/// executes (a transaction's COMMIT included), and this sums the notes.
public enum SQLiteMemory {
    /// The page-cache bytes of every open connection, as of each one's last executed statement.
    public static var pageCacheBytes: Int64 { notes.total }

    static let notes = Notes()

    final class Notes: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [ObjectIdentifier: Int64] = [:]

        func note(_ connection: ObjectIdentifier, _ value: Int64?) {
            lock.withLock { bytes[connection] = value }
        }

        var total: Int64 { lock.withLock { bytes.values.reduce(0, +) } }

        func bytes(of connection: ObjectIdentifier) -> Int64? { lock.withLock { bytes[connection] } }
    }
}

extension SQLiteConnection {
    /// Notes this connection's page-cache size for `SQLiteMemory` (call with the connection's lock held).
    func notePageCache() {
        var current: Int32 = 0
        var highest: Int32 = 0
        guard sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0) == SQLITE_OK else { return }
        SQLiteMemory.notes.note(ObjectIdentifier(self), Int64(current))
    }
}
