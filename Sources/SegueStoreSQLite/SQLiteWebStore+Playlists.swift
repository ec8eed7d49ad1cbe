import Foundation
import SegueStore

/// Saved playlists, in the web store's file beside the sessions they belong to.
extension SQLiteWebStore: SavedPlaylistStore {
    private static let playlistColumns = "id, owner, name, mode, track_ids, created_ms, updated_ms"

    private static func playlist(_ s: SQLiteStatement) -> SavedPlaylist {
        SavedPlaylist(
            id: s.int64(0), owner: s.text(1) ?? "", name: s.text(2) ?? "", mode: s.text(3) ?? "",
            trackIDs: SavedPlaylist.decode(s.text(4) ?? ""), createdMillis: s.int64(5), updatedMillis: s.int64(6))
    }

    private static func fetchPlaylist(_ db: SQLiteConnection, id: Int64, owner: String) throws -> SavedPlaylist? {
        let s = try db.prepare("SELECT \(playlistColumns) FROM saved_playlist WHERE id = ? AND owner = ?")
        try s.bind([.int(id), .text(owner)])
        return try s.step() ? playlist(s) : nil
    }

    public func savePlaylist(owner: String, name: String, mode: String, trackIDs: [Int64], millis: Int64) throws -> SavedPlaylist {
        try locked { db in
            let s = try db.prepare(
                "INSERT INTO saved_playlist(owner, name, mode, track_ids, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?)")
            try s.bind([.text(owner), .text(name), .text(mode), .text(SavedPlaylist.encode(trackIDs)), .int(millis), .int(millis)])
            try s.run()
            return SavedPlaylist(
                id: db.lastInsertRowID, owner: owner, name: name, mode: mode, trackIDs: trackIDs, createdMillis: millis,
                updatedMillis: millis)
        }
    }

    public func savedPlaylists(owner: String) throws -> [SavedPlaylist] {
        try locked { db in
            let s = try db.prepare(
                "SELECT \(Self.playlistColumns) FROM saved_playlist WHERE owner = ? ORDER BY updated_ms DESC, id DESC")
            try s.bind([.text(owner)])
            var out: [SavedPlaylist] = []
            while try s.step() { out.append(Self.playlist(s)) }
            return out
        }
    }

    public func savedPlaylist(id: Int64, owner: String) throws -> SavedPlaylist? {
        try locked { db in try Self.fetchPlaylist(db, id: id, owner: owner) }
    }

    public func renamePlaylist(id: Int64, owner: String, name: String, millis: Int64) throws -> SavedPlaylist? {
        try locked { db in
            let s = try db.prepare("UPDATE saved_playlist SET name = ?, updated_ms = ? WHERE id = ? AND owner = ?")
            try s.bind([.text(name), .int(millis), .int(id), .text(owner)])
            try s.run()
            return try Self.fetchPlaylist(db, id: id, owner: owner)
        }
    }

    public func deletePlaylist(id: Int64, owner: String) throws -> Bool {
        try locked { db in
            let s = try db.prepare("DELETE FROM saved_playlist WHERE id = ? AND owner = ?")
            try s.bind([.int(id), .text(owner)])
            try s.run()
            return db.changes > 0
        }
    }

    public func deletePlaylists(owner: String) throws {
        try locked { db in
            let s = try db.prepare("DELETE FROM saved_playlist WHERE owner = ?")
            try s.bind([.text(owner)])
            try s.run()
        }
    }
}
