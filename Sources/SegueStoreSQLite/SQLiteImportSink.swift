import CSQLite
import Foundation
import SegueModel
import SegueStore

/// Writes plays inside an open transaction, resolving entities through in-memory maps that start
/// from the profile's stored entities.
final class SQLiteImportSink: PlaySink {
    let db: SQLiteConnection
    let profile: Profile
    private(set) var inserted = 0
    private var artists: [String: Int64] = [:]
    private var albums: [AlbumKey: Int64] = [:]
    private var tracks: [String: Int64] = [:]
    private var items: [ItemKey: Int64] = [:]
    private let insertPlay: SQLiteStatement
    private let insertArtist: SQLiteStatement
    private let insertAlbum: SQLiteStatement
    private let insertTrack: SQLiteStatement
    private let insertItem: SQLiteStatement

    struct AlbumKey: Hashable {
        var artist: String
        var name: String
    }

    struct ItemKey: Hashable {
        var kind: Int
        var key: String
    }

    init(db: SQLiteConnection, profile: Profile) throws {
        self.db = db
        self.profile = profile
        insertPlay = try db.prepare(
            """
            INSERT OR IGNORE INTO play(profile_id, end_ts, kind, item_id, ms, reason_start, reason_end, flags,
                offline_ts, platform, country) VALUES (?,?,?,?,?,?,?,?,?,?,?)
            """)
        insertArtist = try db.prepare("INSERT INTO artist(profile_id, name) VALUES (?, ?)")
        insertAlbum = try db.prepare("INSERT INTO album(profile_id, artist_name, name) VALUES (?, ?, ?)")
        insertTrack = try db.prepare(
            "INSERT INTO track(profile_id, key, uri, name, artist_id, album_id) VALUES (?, ?, ?, ?, ?, ?)")
        insertItem = try db.prepare(
            "INSERT INTO item(profile_id, kind, key, title, creator, uri) VALUES (?, ?, ?, ?, ?, ?)")
        let a = try db.prepare("SELECT id, name FROM artist WHERE profile_id = ?")
        a.bind(1, profile.id)
        while try a.step() { artists[a.text(1) ?? ""] = a.int64(0) }
        let al = try db.prepare("SELECT id, artist_name, name FROM album WHERE profile_id = ?")
        al.bind(1, profile.id)
        while try al.step() { albums[AlbumKey(artist: al.text(1) ?? "", name: al.text(2) ?? "")] = al.int64(0) }
        let t = try db.prepare("SELECT id, key FROM track WHERE profile_id = ?")
        t.bind(1, profile.id)
        while try t.step() { tracks[t.text(1) ?? ""] = t.int64(0) }
        let i = try db.prepare("SELECT id, kind, key FROM item WHERE profile_id = ?")
        i.bind(1, profile.id)
        while try i.step() { items[ItemKey(kind: Int(i.int64(1)), key: i.text(2) ?? "")] = i.int64(0) }
    }

    func add(_ batch: PlayBatch) throws -> [Bool] {
        let itemIDs = try batch.itemRepresentatives.map { try resolve(batch.plays[$0]) }
        var isNew = [Bool](repeating: false, count: batch.plays.count)
        let s = insertPlay
        for (i, play) in batch.plays.enumerated() {
            sqlite3_reset(s.handle)
            s.bind(1, profile.id)
            s.bind(2, play.endTime)
            s.bind(3, Int64(play.kind.rawValue))
            s.bind(4, itemIDs[Int(batch.itemOfPlay[i])])
            s.bind(5, Int64(play.msPlayed))
            bindWord(s, 6, play.reasonStart)
            bindWord(s, 7, play.reasonEnd)
            s.bind(8, Self.flags(play))
            if let t = play.offlineTimestamp { s.bind(9, t) } else { s.bindNull(9) }
            bindWord(s, 10, play.platform)
            bindWord(s, 11, play.country)
            try s.run()
            if db.changes > 0 {
                inserted += 1
                isNew[i] = true
            }
        }
        return isNew
    }

    /// Low-cardinality text (reasons, platforms, countries) is kept as C strings for the whole
    /// import and bound without a copy.
    private var words: [String: UnsafeMutablePointer<CChar>] = [:]

    private func bindWord(_ s: SQLiteStatement, _ index: Int32, _ value: String?) {
        guard let value else {
            s.bindNull(index)
            return
        }
        if let cached = words[value] {
            sqlite3_bind_text(s.handle, index, cached, -1, nil)
            return
        }
        guard words.count < 4096 else {
            s.bind(index, value)
            return
        }
        let copy = strdup(value)!
        words[value] = copy
        sqlite3_bind_text(s.handle, index, copy, -1, nil)
    }

    deinit {
        for (_, p) in words { free(p) }
    }

    static func flags(_ play: Play) -> Int64 {
        func bits(_ b: Bool?) -> Int64 { b == nil ? 0 : (b! ? 2 : 1) }
        return bits(play.shuffle) | bits(play.skipped) << 2 | bits(play.offline) << 4 | bits(play.incognito) << 6
    }

    private func resolve(_ play: Play) throws -> Int64 {
        let key = play.itemKey
        if play.kind != .music {
            let k = ItemKey(kind: play.kind.rawValue, key: key)
            if let id = items[k] { return id }
            let s = insertItem
            s.reset()
            s.bind(1, profile.id)
            s.bind(2, Int64(play.kind.rawValue))
            s.bind(3, key)
            s.bind(4, play.title)
            s.bind(5, play.creator)
            s.bind(6, play.uri)
            try s.run()
            let id = db.lastInsertRowID
            items[k] = id
            return id
        }
        if let id = tracks[key] { return id }
        let artistID = try artist(play.creator)
        var albumID: Int64?
        if let album = play.album { albumID = try self.album(artist: play.creator, name: album) }
        let s = insertTrack
        s.reset()
        s.bind(1, profile.id)
        s.bind(2, key)
        s.bind(3, play.uri)
        s.bind(4, play.title)
        s.bind(5, artistID)
        if let albumID { s.bind(6, albumID) } else { s.bindNull(6) }
        try s.run()
        let id = db.lastInsertRowID
        tracks[key] = id
        return id
    }

    private func artist(_ name: String) throws -> Int64 {
        if let id = artists[name] { return id }
        insertArtist.reset()
        insertArtist.bind(1, profile.id)
        insertArtist.bind(2, name)
        try insertArtist.run()
        let id = db.lastInsertRowID
        artists[name] = id
        return id
    }

    private func album(artist: String, name: String) throws -> Int64 {
        let key = AlbumKey(artist: artist, name: name)
        if let id = albums[key] { return id }
        insertAlbum.reset()
        insertAlbum.bind(1, profile.id)
        insertAlbum.bind(2, artist)
        insertAlbum.bind(3, name)
        try insertAlbum.run()
        let id = db.lastInsertRowID
        albums[key] = id
        return id
    }
}
