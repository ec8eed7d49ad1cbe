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
    /// Tracks known by URI, under their "artist U+001F name" (to match account-data plays).
    private var uriTracksByName: [String: [Int64]] = [:]
    /// Whether the profile has account-data tracks at all (else extended plays skip the cross check).
    private var hasAccountTracks = false
    private let findPlay: SQLiteStatement
    private let deletePlay: SQLiteStatement
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
        let itemIDs = try batch.itemRepresentatives.map { try resolve(batch.plays[$0]) }
        var isNew = [Bool](repeating: false, count: batch.plays.count)
        let s = insertPlay
        for (i, play) in batch.plays.enumerated() {
            var replacesAccountPlay = false
            if play.kind == .music && (hasAccountTracks || play.uri == nil) {
                switch try matchInTheOtherFormat(play) {
                case .none: break
                case .duplicate: continue
                case .replacesAccountPlay: replacesAccountPlay = true
                }
            }
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
                isNew[i] = !replacesAccountPlay
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
    private func matchInTheOtherFormat(_ play: Play) throws -> CrossFormatMatch {
        let name = play.creator + "\u{1F}" + play.title
        let minute = play.endTime - ((play.endTime % 60) + 60) % 60
        if play.uri == nil {
            hasAccountTracks = true
            guard let candidates = uriTracksByName[name] else { return .none }
            for id in candidates where try find(from: minute - 60, to: minute + 120, item: id, ms: play.msPlayed) != nil {
                return .duplicate
            }
            return .none
        }
        guard let accountTrack = tracks[name] else { return .none }
        guard let end = try find(from: minute - 60, to: minute + 61, item: accountTrack, ms: play.msPlayed) else { return .none }
        sqlite3_reset(deletePlay.handle)
        deletePlay.bind(1, profile.id)
        deletePlay.bind(2, end)
        deletePlay.bind(3, accountTrack)
        deletePlay.bind(4, Int64(play.msPlayed))
        try deletePlay.run()
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
