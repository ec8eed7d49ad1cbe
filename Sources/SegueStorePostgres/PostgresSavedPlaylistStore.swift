import Foundation
import PostgresNIO
import SegueStore

/// Saved playlists on PostgreSQL (the same rows as the SQLite web store's `saved_playlist`).
public final class PostgresSavedPlaylistStore: SavedPlaylistStore, @unchecked Sendable {
    public let backend: PostgresBackend

    public init(backend: PostgresBackend) {
        self.backend = backend
    }

    private static let columns = """
        id, owner, name, mode, track_ids, created_ms, updated_ms, recipe, push_target, refresh_daily, last_pushed_ms, last_missing,
        last_error, last_error_ms
        """

    private static func playlist(_ row: PostgresRow) throws -> SavedPlaylist {
        let r = row.makeRandomAccess()
        return SavedPlaylist(
            id: try r[0].decode(Int64.self), owner: try r[1].decode(String.self), name: try r[2].decode(String.self),
            mode: try r[3].decode(String.self), trackIDs: SavedPlaylist.decode(try r[4].decode(String.self)),
            createdMillis: try r[5].decode(Int64.self), updatedMillis: try r[6].decode(Int64.self),
            recipeJSON: try r[7].decode(String?.self), pushTarget: try r[8].decode(String?.self), refreshDaily: try r[9].decode(Bool.self),
            lastPushedMillis: try r[10].decode(Int64?.self), lastMissing: SavedPlaylist.decodeNames(try r[11].decode(String.self)),
            lastError: try r[12].decode(String?.self), lastErrorMillis: try r[13].decode(Int64?.self))
    }

    public func savePlaylist(
        owner: String, name: String, mode: String, trackIDs: [Int64], recipe: PlaylistRecipe?, pushTarget: String?, refreshDaily: Bool,
        millis: Int64
    ) throws -> SavedPlaylist {
        var binds = PostgresBindings()
        binds.append(owner)
        binds.append(name)
        binds.append(mode)
        binds.append(SavedPlaylist.encode(trackIDs))
        binds.append(millis)
        binds.append(recipe?.json)
        binds.append(pushTarget)
        binds.append(refreshDaily)
        let query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO saved_playlist(owner, name, mode, track_ids, created_ms, updated_ms, recipe, push_target, refresh_daily)
                VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)
                RETURNING \(Self.columns)
                """, binds: binds)
        return try backend.withConnection { db in
            guard let row = try db.query(query).rows.first else { throw PostgresStoreError.server("INSERT INTO saved_playlist returned no row") }
            return try Self.playlist(row)
        }
    }

    public func savedPlaylists(owner: String) throws -> [SavedPlaylist] {
        try select("WHERE owner = $1 ORDER BY updated_ms DESC, id DESC", owner)
    }

    public func savedPlaylist(id: Int64, owner: String) throws -> SavedPlaylist? {
        var binds = PostgresBindings()
        binds.append(id)
        binds.append(owner)
        return try backend.withConnection { db in
            try db.query(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM saved_playlist WHERE id = $1 AND owner = $2", binds: binds))
                .rows.first.map(Self.playlist)
        }
    }

    public func renamePlaylist(id: Int64, owner: String, name: String, millis: Int64) throws -> SavedPlaylist? {
        try returning("UPDATE saved_playlist SET name = \(name), updated_ms = \(millis) WHERE id = \(id) AND owner = \(owner)")
    }

    public func deletePlaylist(id: Int64, owner: String) throws -> Bool {
        try backend.withConnection { db in
            try db.changes("DELETE FROM saved_playlist WHERE id = \(id) AND owner = \(owner)") > 0
        }
    }

    public func deletePlaylists(owner: String) throws {
        try backend.withConnection { db in
            try db.query("DELETE FROM saved_playlist WHERE owner = \(owner)")
        }
    }

    public func setRefreshDaily(id: Int64, owner: String, _ on: Bool, millis: Int64) throws -> SavedPlaylist? {
        try returning("UPDATE saved_playlist SET refresh_daily = \(on), updated_ms = \(millis) WHERE id = \(id) AND owner = \(owner)")
    }

    public func replaceTracks(id: Int64, owner: String, trackIDs: [Int64], millis: Int64) throws -> SavedPlaylist? {
        let ids = SavedPlaylist.encode(trackIDs)
        return try returning("UPDATE saved_playlist SET track_ids = \(ids), updated_ms = \(millis) WHERE id = \(id) AND owner = \(owner)")
    }

    public func recordPush(id: Int64, owner: String, _ outcome: SavedPlaylistPush, millis: Int64) throws -> SavedPlaylist? {
        switch outcome {
        case .sent(let target, let missing):
            let names = SavedPlaylist.encodeNames(missing)
            return try returning(
                """
                UPDATE saved_playlist SET push_target = \(target), last_pushed_ms = \(millis), last_missing = \(names),
                    last_error = NULL, last_error_ms = NULL
                WHERE id = \(id) AND owner = \(owner)
                """)
        case .failed(let target, let message):
            return try returning(
                """
                UPDATE saved_playlist SET push_target = \(target), last_error = \(message), last_error_ms = \(millis)
                WHERE id = \(id) AND owner = \(owner)
                """)
        }
    }

    public func playlistsToRefresh() throws -> [SavedPlaylist] {
        try backend.withConnection { db in
            try db.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT \(Self.columns) FROM saved_playlist
                        WHERE refresh_daily AND recipe IS NOT NULL AND push_target IS NOT NULL ORDER BY id
                        """)
            ).rows.map(Self.playlist)
        }
    }

    private func select(_ tail: String, _ owner: String) throws -> [SavedPlaylist] {
        var binds = PostgresBindings()
        binds.append(owner)
        return try backend.withConnection { db in
            try db.query(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM saved_playlist \(tail)", binds: binds)).rows.map(Self.playlist)
        }
    }

    /// Runs an UPDATE of one playlist and returns the row as it now is (nil: no such playlist of that owner).
    private func returning(_ update: PostgresQuery) throws -> SavedPlaylist? {
        let query = PostgresQuery(unsafeSQL: update.sql + " RETURNING " + Self.columns, binds: update.binds)
        return try backend.withConnection { db in try db.query(query).rows.first.map(Self.playlist) }
    }
}
