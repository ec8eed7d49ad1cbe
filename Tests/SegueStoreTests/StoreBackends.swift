import Foundation
import SegueStore
import SegueStoreSQLite
import SegueTestSupport

/// The backends every store contract runs on. PostgreSQL joins when its store lands.
enum StoreBackend: String, CaseIterable, Sendable {
    case sqlite

    /// A new, empty store of this kind.
    func make() throws -> any PlayStore {
        switch self {
        case .sqlite:
            let dir = try Fixtures.folder("store")
            return try SQLitePlayStore(path: dir.appendingPathComponent("segue.sqlite").path)
        }
    }
}

