import Foundation
import SegueStore

/// Saved playlists, in the web store's file beside the sessions they belong to.
extension SQLiteWebStore: SavedPlaylistStore {
    private static let playlistColumns = """
        id, owner, name, mode, track_ids, created_ms, updated_ms, recipe, push_target, refresh_daily, last_pushed_ms, last_missing,
        last_error, last_error_ms
        """

    private static func playlist(_ s: SQLiteStatement) -> SavedPlaylist {
        SavedPlaylist(
            id: s.int64(0), owner: s.text(1) ?? "", name: s.text(2) ?? "", mode: s.text(3) ?? "",
            trackIDs: SavedPlaylist.decode(s.text(4) ?? ""), createdMillis: s.int64(5), updatedMillis: s.int64(6),
            recipeJSON: s.text(7), pushTarget: s.text(8), refreshDaily: s.int64(9) != 0, lastPushedMillis: s.isNull(10) ? nil : s.int64(10),
            lastMissing: SavedPlaylist.decodeNames(s.text(11)), lastError: s.text(12), lastErrorMillis: s.isNull(13) ? nil : s.int64(13))
    }

    private static func optional(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }

    private static func fetchPlaylist(_ db: SQLiteConnection, id: Int64, owner: String) throws -> SavedPlaylist? {
        let s = try db.prepare("SELECT \(playlistColumns) FROM saved_playlist WHERE id = ? AND owner = ?")
        try s.bind([.int(id), .text(owner)])
        return try s.step() ? playlist(s) : nil
    }

    public func savePlaylist(
        owner: String, name: String, mode: String, trackIDs: [Int64], recipe: PlaylistRecipe?, pushTarget: String?, refreshDaily: Bool,
        millis: Int64
    ) throws -> SavedPlaylist {
        try locked { db in
            let s = try db.prepare(
                """
                INSERT INTO saved_playlist(owner, name, mode, track_ids, created_ms, updated_ms, recipe, push_target, refresh_daily)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try s.bind([
                .text(owner), .text(name), .text(mode), .text(SavedPlaylist.encode(trackIDs)), .int(millis), .int(millis),
                Self.optional(recipe?.json), Self.optional(pushTarget), .int(refreshDaily ? 1 : 0),
            ])
            try s.run()
            return SavedPlaylist(
                id: db.lastInsertRowID, owner: owner, name: name, mode: mode, trackIDs: trackIDs, createdMillis: millis,
                updatedMillis: millis, recipeJSON: recipe?.json, pushTarget: pushTarget, refreshDaily: refreshDaily)
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

    public func setRefreshDaily(id: Int64, owner: String, _ on: Bool, millis: Int64) throws -> SavedPlaylist? {
        try update(id: id, owner: owner, "refresh_daily = ?, updated_ms = ?", [.int(on ? 1 : 0), .int(millis)])
    }

    public func replaceTracks(id: Int64, owner: String, trackIDs: [Int64], millis: Int64) throws -> SavedPlaylist? {
        try update(id: id, owner: owner, "track_ids = ?, updated_ms = ?", [.text(SavedPlaylist.encode(trackIDs)), .int(millis)])
    }

    public func recordPush(id: Int64, owner: String, _ outcome: SavedPlaylistPush, millis: Int64) throws -> SavedPlaylist? {
        switch outcome {
        case .sent(let target, let missing):
            return try update(
                id: id, owner: owner, "push_target = ?, last_pushed_ms = ?, last_missing = ?, last_error = NULL, last_error_ms = NULL",
                [.text(target), .int(millis), .text(SavedPlaylist.encodeNames(missing))])
        case .failed(let target, let message):
            return try update(
                id: id, owner: owner, "push_target = ?, last_error = ?, last_error_ms = ?", [.text(target), .text(message), .int(millis)])
        }
    }

    public func playlistsToRefresh() throws -> [SavedPlaylist] {
        try locked { db in
            let s = try db.prepare(
                """
                SELECT \(Self.playlistColumns) FROM saved_playlist
                WHERE refresh_daily = 1 AND recipe IS NOT NULL AND push_target IS NOT NULL ORDER BY id
                """)
            var out: [SavedPlaylist] = []
            while try s.step() { out.append(Self.playlist(s)) }
            return out
        }
    }

    /// Sets `assignments` on the owner's playlist `id` and returns it as it now is.
    private func update(id: Int64, owner: String, _ assignments: String, _ values: [SQLiteValue]) throws -> SavedPlaylist? {
        try locked { db in
            let s = try db.prepare("UPDATE saved_playlist SET \(assignments) WHERE id = ? AND owner = ?")
            try s.bind(values + [.int(id), .text(owner)])
            try s.run()
            return try Self.fetchPlaylist(db, id: id, owner: owner)
        }
    }
}
