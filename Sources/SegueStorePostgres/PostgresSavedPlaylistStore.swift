import Foundation
import PostgresNIO
import SegueStore

/// Saved playlists on PostgreSQL (the same rows as the SQLite web store's `saved_playlist`).
public final class PostgresSavedPlaylistStore: SavedPlaylistStore, @unchecked Sendable {
    public let backend: PostgresBackend

    public init(backend: PostgresBackend) {
        self.backend = backend
    }

    private static func playlist(_ row: PostgresRow) throws -> SavedPlaylist {
        let r = row.makeRandomAccess()
        return SavedPlaylist(
            id: try r[0].decode(Int64.self), owner: try r[1].decode(String.self), name: try r[2].decode(String.self),
            mode: try r[3].decode(String.self), trackIDs: SavedPlaylist.decode(try r[4].decode(String.self)),
            createdMillis: try r[5].decode(Int64.self), updatedMillis: try r[6].decode(Int64.self))
    }

    public func savePlaylist(owner: String, name: String, mode: String, trackIDs: [Int64], millis: Int64) throws -> SavedPlaylist {
        let ids = SavedPlaylist.encode(trackIDs)
        return try backend.withConnection { db in
            let rows = try db.query(
                """
                INSERT INTO saved_playlist(owner, name, mode, track_ids, created_ms, updated_ms)
                VALUES (\(owner), \(name), \(mode), \(ids), \(millis), \(millis))
                RETURNING id, owner, name, mode, track_ids, created_ms, updated_ms
                """)
            guard let row = rows.rows.first else { throw PostgresStoreError.server("INSERT INTO saved_playlist returned no row") }
            return try Self.playlist(row)
        }
    }

    public func savedPlaylists(owner: String) throws -> [SavedPlaylist] {
        try backend.withConnection { db in
            try db.query(
                """
                SELECT id, owner, name, mode, track_ids, created_ms, updated_ms FROM saved_playlist
                WHERE owner = \(owner) ORDER BY updated_ms DESC, id DESC
                """
            ).rows.map(Self.playlist)
        }
    }

    public func savedPlaylist(id: Int64, owner: String) throws -> SavedPlaylist? {
        try backend.withConnection { db in
            try db.query(
                """
                SELECT id, owner, name, mode, track_ids, created_ms, updated_ms FROM saved_playlist
                WHERE id = \(id) AND owner = \(owner)
                """
            ).rows.first.map(Self.playlist)
        }
    }

    public func renamePlaylist(id: Int64, owner: String, name: String, millis: Int64) throws -> SavedPlaylist? {
        try backend.withConnection { db in
            try db.query(
                """
                UPDATE saved_playlist SET name = \(name), updated_ms = \(millis) WHERE id = \(id) AND owner = \(owner)
                RETURNING id, owner, name, mode, track_ids, created_ms, updated_ms
                """
            ).rows.first.map(Self.playlist)
        }
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
}
