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
    /// Music plays stored by this import (end time, track id, milliseconds), for the chart columns.
    private(set) var addedMusic: [(end: Int64, track: Int64, ms: Int32)] = []
    /// Whether an extended play replaced a stored account play (a deletion the columns must see).
    private(set) var replacedStoredPlays = false
    private var artists: [String: Int64] = [:]
    private var albums: [AlbumKey: Int64] = [:]
    private var tracks: [String: Int64] = [:]
    /// Tracks known by URI, under their "artist U+001F name" (to match account-data plays).
    private var uriTracksByName: [String: [Int64]] = [:]
    /// Whether the profile has account-data tracks at all (else extended plays skip the cross check).
    private var hasAccountTracks = false
    private let findPlay: SQLiteStatement
    private let deletePlay: SQLiteStatement
    private var items: [ItemKey: Int64] = [:]
    private var words: [String: Int64] = [:]
    private let insertWord: SQLiteStatement
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
        insertWord = try db.prepare("INSERT INTO word(text) VALUES (?)")
        let w = try db.prepare("SELECT id, text FROM word")
        while try w.step() { words[w.text(1) ?? ""] = w.int64(0) }
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
        let t = try db.prepare(
            "SELECT track.id, track.key, track.uri, track.name, artist.name FROM track JOIN artist ON artist.id = track.artist_id WHERE track.profile_id = ?")
        t.bind(1, profile.id)
        while try t.step() {
            tracks[t.text(1) ?? ""] = t.int64(0)
            if t.isNull(2) { hasAccountTracks = true }
            if !t.isNull(2) { uriTracksByName[(t.text(4) ?? "") + "\u{1F}" + (t.text(3) ?? ""), default: []].append(t.int64(0)) }
        }
        findPlay = try db.prepare(
            "SELECT end_ts FROM play WHERE profile_id = ? AND end_ts >= ? AND end_ts < ? AND kind = 0 AND item_id = ? AND ms = ? LIMIT 1")
        deletePlay = try db.prepare("DELETE FROM play WHERE profile_id = ? AND end_ts = ? AND kind = 0 AND item_id = ? AND ms = ?")
        let i = try db.prepare("SELECT id, kind, key FROM item WHERE profile_id = ?")
        i.bind(1, profile.id)
        while try i.step() { items[ItemKey(kind: Int(i.int64(1)), key: i.text(2) ?? "")] = i.int64(0) }
    }

    func add(_ batch: PlayBatch) throws -> [Bool] {
        let itemIDs = try batch.items.map { try resolve($0) }
        let wordIDs = try batch.words.map { try word($0) }
        var isNew = [Bool](repeating: false, count: batch.count)
        let s = insertPlay
        let profileID = profile.id
        func bindWord(_ index: Int32, _ value: Int32) {
            if value == PlayBatch.noWord {
                sqlite3_bind_null(s.handle, index)
            } else {
                sqlite3_bind_int64(s.handle, index, wordIDs[Int(value)])
            }
        }
        for i in 0..<batch.count {
            let item = Int(batch.itemOfPlay[i])
            var replacesAccountPlay = false
            // Cross-format matching is needed only when account data meets extended history.
            if batch.items[item].kind == .music && (hasAccountTracks || batch.items[item].uri == nil) {
                switch try matchInTheOtherFormat(batch.items[item], end: batch.endTimes[i], ms: batch.milliseconds[i]) {
                case .none: break
                case .duplicate: continue
                case .replacesAccountPlay: replacesAccountPlay = true
                }
            }
            sqlite3_reset(s.handle)
            sqlite3_bind_int64(s.handle, 1, profileID)
            sqlite3_bind_int64(s.handle, 2, batch.endTimes[i])
            sqlite3_bind_int64(s.handle, 3, Int64(batch.items[item].kind.rawValue))
            sqlite3_bind_int64(s.handle, 4, itemIDs[item])
            sqlite3_bind_int64(s.handle, 5, Int64(batch.milliseconds[i]))
            bindWord(6, batch.reasonStart[i])
            bindWord(7, batch.reasonEnd[i])
            sqlite3_bind_int64(s.handle, 8, Int64(batch.flags[i]))
            let offline = batch.offlineTimestamps[i]
            if offline == PlayBatch.noTimestamp { sqlite3_bind_null(s.handle, 9) } else { sqlite3_bind_int64(s.handle, 9, offline) }
            bindWord(10, batch.platform[i])
            bindWord(11, batch.country[i])
            try s.run()
            if db.changes > 0 {
                inserted += 1
                isNew[i] = !replacesAccountPlay
                if batch.items[item].kind == .music {
                    addedMusic.append((batch.endTimes[i], itemIDs[item], batch.milliseconds[i]))
                }
            }
        }
        return isNew
    }

    /// The account-data and extended exports overlap (the last year or so). Account data gives the end
    /// time to the minute and no URI, so the same listen is not an exact duplicate by the rule; it is
    /// the same play when the artist, the track name and `ms_played` agree and the end times fall in
    /// the same minute (one either side, for rounding). An account play that an extended one matches
    /// is a duplicate; an extended play that matches a stored account play replaces it (it carries the
    /// URI, the album and the second).
    private func matchInTheOtherFormat(_ item: PlayBatch.Item, end endTime: Int64, ms: Int32) throws -> CrossFormatMatch {
        let name = item.creator + "\u{1F}" + item.title
        let minute = endTime - ((endTime % 60) + 60) % 60
        if item.uri == nil {
            hasAccountTracks = true
            guard let candidates = uriTracksByName[name] else { return .none }
            for id in candidates where try find(from: minute - 60, to: minute + 120, item: id, ms: Int(ms)) != nil {
                return .duplicate
            }
            return .none
        }
        guard let accountTrack = tracks[name] else { return .none }
        guard let end = try find(from: minute - 60, to: minute + 61, item: accountTrack, ms: Int(ms)) else { return .none }
        sqlite3_reset(deletePlay.handle)
        deletePlay.bind(1, profile.id)
        deletePlay.bind(2, end)
        deletePlay.bind(3, accountTrack)
        deletePlay.bind(4, Int64(ms))
        try deletePlay.run()
        replacedStoredPlays = true
        return .replacesAccountPlay
    }

    enum CrossFormatMatch { case none, duplicate, replacesAccountPlay }

    private func find(from: Int64, to: Int64, item: Int64, ms: Int) throws -> Int64? {
        sqlite3_reset(findPlay.handle)
        findPlay.bind(1, profile.id)
        findPlay.bind(2, from)
        findPlay.bind(3, to)
        findPlay.bind(4, item)
        findPlay.bind(5, Int64(ms))
        return try findPlay.step() ? findPlay.int64(0) : nil
    }

    /// The id of a reason, platform or country in the word table.
    private func word(_ text: String) throws -> Int64 {
        if let id = words[text] { return id }
        insertWord.reset()
        insertWord.bind(1, text)
        try insertWord.run()
        let id = db.lastInsertRowID
        words[text] = id
        return id
    }

    private func resolve(_ play: PlayBatch.Item) throws -> Int64 {
        let key = play.key
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
        if play.uri != nil { uriTracksByName[play.creator + "\u{1F}" + play.title, default: []].append(id) }
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
