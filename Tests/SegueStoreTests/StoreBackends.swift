import Foundation
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite
import SegueTestSupport

/// The backends every store contract runs on: SQLite always, PostgreSQL when the test run has one
/// (and always in CI; see `TestPostgres`).
enum StoreBackend: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    static var allCases: [StoreBackend] {
        TestPostgres.isEnabled ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A new, empty store of this kind.
    func make() throws -> any PlayStore {
        switch self {
        case .sqlite:
            let dir = try Fixtures.folder("store")
            return try SQLitePlayStore(path: dir.appendingPathComponent("segue.sqlite").path)
        case .postgres:
            return try PostgresPlayStore(url: try TestPostgres.freshSchemaURL())
        }
    }
}

extension StoreBackend {
    /// A new, empty job queue of this kind.
    func makeJobStore() throws -> any JobStore {
        switch self {
        case .sqlite:
            let dir = try Fixtures.folder("jobs")
            return try SQLiteWebStore(path: dir.appendingPathComponent("segue-web.sqlite").path)
        case .postgres:
            return PostgresJobStore(backend: try PostgresBackend(url: try TestPostgres.freshSchemaURL(pool: 8)))
        }
    }
}

extension StoreBackend {
    /// A new, empty store of users, tokens, listens and events of this kind.
    func makeListenStore() throws -> any ListenStore & EventStore {
        switch self {
        case .sqlite:
            return try SQLiteListenStore(path: try Fixtures.folder("listens").appendingPathComponent("listens.sqlite").path)
        case .postgres:
            return PostgresListenStore(backend: try PostgresBackend(url: try TestPostgres.freshSchemaURL(pool: 4)))
        }
    }

    /// A new, empty music library of this kind.
    func makeLibraryStore() throws -> any LibraryStore {
        switch self {
        case .sqlite:
            let dir = try Fixtures.folder("library")
            return try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: dir.path))
        case .postgres:
            return PostgresLibraryStore(backend: try PostgresBackend(url: try TestPostgres.freshSchemaURL()))
        }
    }

    /// A new, empty session, feedback and preference store of this kind.
    func makeWebStore() throws -> any SessionStore & FeedbackStore & ProfilePreferenceStore {
        switch self {
        case .sqlite:
            let dir = try Fixtures.folder("web")
            return try SQLiteWebStore(path: SQLiteWebStore.databasePath(inDataDirectory: dir.path))
        case .postgres:
            return PostgresWebStore(backend: try PostgresBackend(url: try TestPostgres.freshSchemaURL()))
        }
    }
}

extension StoreBackend {
    /// A new, empty saved-playlist store of this kind.
    func makeSavedPlaylistStore() throws -> any SavedPlaylistStore {
        switch self {
        case .sqlite:
            let dir = try Fixtures.folder("playlists")
            return try SQLiteWebStore(path: dir.appendingPathComponent("segue-web.sqlite").path)
        case .postgres:
            return PostgresSavedPlaylistStore(backend: try PostgresBackend(url: try TestPostgres.freshSchemaURL()))
        }
    }
}
