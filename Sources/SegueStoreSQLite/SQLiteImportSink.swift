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
    private(set) var addedMusic: [(end: Int64, track: Int64, ms: Int32, source: UInt8)] = []
    /// Whether an extended play replaced a stored account play (a deletion the columns must see).
    private(set) var replacedStoredPlays = false
    private var artists: [String: Int64] = [:]
    private var albums: [AlbumKey: Int64] = [:]
    private var tracks: [String: Int64] = [:]
    /// Where account data meets extended history (the tracks it matches under their names).
    private var meeting = SpotifyFormatMeeting()
    private let findPlay: SQLiteStatement
    private let deletePlay: SQLiteStatement
    private var items: [ItemKey: Int64] = [:]
    private var words: [String: Int64] = [:]
    private let insertWord: SQLiteStatement
    private let insertPlay: SQLiteStatement
    /// `insertPlay` for `rowsPerInsert` plays at once.
    private let insertPlays: SQLiteStatement
    /// `insertPlays` that also returns the key of each row it stored (an ignored row returns none).
    private let insertPlaysReturning: SQLiteStatement
    /// Plays known to be new that SQLite has not seen yet: `valuesPerPlay` values each in the
    /// order of `insertPlay`'s parameters, `noValue` for NULL. They go in `rowsPerInsert` at a
    /// time: one statement per row costs SQLite about twice the CPU of one per 64 rows (measured
    /// with the system SQLite 3.40: 250,000 plays, 0.19 s against 0.10 s), and a play's own
    /// statement is what the writer thread, the import's critical path, spent most of its time on.
    private var pending: [Int64] = []
    private var pendingPlays = 0
    static let rowsPerInsert = 64
    static let valuesPerPlay = 12
    static let noValue = PlayBatch.noTimestamp
    /// The end times the profile's plays (stored, or added by this import) may have. A play that
    /// ends outside them cannot be an exact duplicate (the rule includes the end time), so it needs
    /// no lookup; others go through `insertPlay` (INSERT OR IGNORE), whose change count says
    /// whether it was new.
    private var ends: CoveredEndTimes
    private let insertArtist: SQLiteStatement
    private let insertAlbum: SQLiteStatement
    private let insertTrack: SQLiteStatement
    private let insertItem: SQLiteStatement
    private let insertVariant: SQLiteStatement
    private let updateVariant: SQLiteStatement
    /// The names each track's plays carried, and which the track shows (see `TrackNames`).
    private var names = TrackNames()
    /// Which identifiers the tracks that have any keep (a track keeps the first ISRC and the first
    /// recording MBID its plays gave).
    private var trackIdentifiers: [Int64: (isrc: Bool, mbid: Bool)] = [:]
    private let setIdentifiers: SQLiteStatement

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
                offline_ts, platform, country, source) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        let row = "(" + Array(repeating: "?", count: Self.valuesPerPlay).joined(separator: ",") + ")"
        insertPlays = try db.prepare(
            """
            INSERT OR IGNORE INTO play(profile_id, end_ts, kind, item_id, ms, reason_start, reason_end, flags,
                offline_ts, platform, country, source) VALUES
            """ + Array(repeating: row, count: Self.rowsPerInsert).joined(separator: ","))
        insertPlaysReturning = try db.prepare(
            """
            INSERT OR IGNORE INTO play(profile_id, end_ts, kind, item_id, ms, reason_start, reason_end, flags,
                offline_ts, platform, country, source) VALUES
            """ + Array(repeating: row, count: Self.rowsPerInsert).joined(separator: ",")
                + " RETURNING end_ts, kind, item_id, ms")
        pending.reserveCapacity(Self.rowsPerInsert * Self.valuesPerPlay * 16)
        let storedRange = try db.prepare("SELECT min(end_ts), max(end_ts) FROM play WHERE profile_id = ?")
        storedRange.bind(1, profile.id)
        ends = CoveredEndTimes()
        if try storedRange.step(), !storedRange.isNull(0) {
            ends = CoveredEndTimes(stored: storedRange.int64(0)...storedRange.int64(1))
        }
        insertWord = try db.prepare("INSERT INTO word(text) VALUES (?)")
        let w = try db.prepare("SELECT id, text FROM word")
        while try w.step() { words[w.text(1) ?? ""] = w.int64(0) }
        insertArtist = try db.prepare("INSERT INTO artist(profile_id, name) VALUES (?, ?)")
        insertAlbum = try db.prepare("INSERT INTO album(profile_id, artist_name, name) VALUES (?, ?, ?)")
        insertTrack = try db.prepare(
            "INSERT INTO track(profile_id, key, uri, name, artist_id, album_id) VALUES (?, ?, ?, ?, ?, ?)")
        insertItem = try db.prepare(
            "INSERT INTO item(profile_id, kind, key, title, creator, uri) VALUES (?, ?, ?, ?, ?, ?)")
        insertVariant = try db.prepare(
            "INSERT INTO track_variant(profile_id, track_id, name, artist_id, album_id, last_ts, plays) VALUES (?, ?, ?, ?, ?, ?, ?)")
        updateVariant = try db.prepare("UPDATE track_variant SET last_ts = ?, plays = ? WHERE id = ?")
        setIdentifiers = try db.prepare("UPDATE track SET isrc = coalesce(isrc, ?), mbid = coalesce(mbid, ?) WHERE id = ?")
        let ids = try db.prepare(
            "SELECT id, isrc IS NOT NULL, mbid IS NOT NULL FROM track WHERE profile_id = ? AND (isrc IS NOT NULL OR mbid IS NOT NULL)")
        ids.bind(1, profile.id)
        while try ids.step() { trackIdentifiers[ids.int64(0)] = (ids.int64(1) != 0, ids.int64(2) != 0) }
        let a = try db.prepare("SELECT id, name FROM artist WHERE profile_id = ?")
        a.bind(1, profile.id)
        while try a.step() { artists[a.text(1) ?? ""] = a.int64(0) }
        let al = try db.prepare("SELECT id, artist_name, name FROM album WHERE profile_id = ?")
        al.bind(1, profile.id)
        while try al.step() { albums[AlbumKey(artist: al.text(1) ?? "", name: al.text(2) ?? "")] = al.int64(0) }
        let v = try db.prepare(
            """
            SELECT v.id, v.track_id, v.name, v.artist_id, a.name, v.album_id, coalesce(al.name, ''), v.last_ts, v.plays
            FROM track_variant v JOIN artist a ON a.id = v.artist_id LEFT JOIN album al ON al.id = v.album_id
            WHERE v.profile_id = ?
            """)
        v.bind(1, profile.id)
        while try v.step() {
            names.load(
                TrackNames.Variant(
                    id: v.int64(0), track: v.int64(1), name: v.text(2) ?? "", artist: v.int64(3), artistName: v.text(4) ?? "",
                    album: v.int64(5), albumName: v.text(6) ?? "", lastEnd: v.int64(7), plays: v.int64(8)))
        }
        let t = try db.prepare(
            """
            SELECT track.id, track.key, track.uri, track.name, artist.name, track.artist_id, track.album_id, album.name
            FROM track JOIN artist ON artist.id = track.artist_id LEFT JOIN album ON album.id = track.album_id
            WHERE track.profile_id = ?
            """)
        t.bind(1, profile.id)
        var uriTracks = Set<Int64>()
        while try t.step() {
            let id = t.int64(0)
            tracks[t.text(1) ?? ""] = id
            let shown = names.variant(
                track: id, name: t.text(3) ?? "", artist: t.int64(5), artistName: t.text(4) ?? "",
                album: t.isNull(6) ? 0 : t.int64(6), albumName: t.text(7) ?? "")
            names.setShown(track: id, variant: shown)
            if t.isNull(2) { meeting.noteAccountTrack() } else { uriTracks.insert(id) }
        }
        // A URI track meets account plays under every name it was played under.
        for variant in names.variants where uriTracks.contains(variant.track) {
            meeting.noteURITrack(variant.track, artist: variant.artistName, title: variant.name)
        }
        findPlay = try db.prepare(
            "SELECT end_ts FROM play WHERE profile_id = ? AND end_ts >= ? AND end_ts < ? AND kind = 0 AND item_id = ? AND ms = ? LIMIT 1")
        deletePlay = try db.prepare("DELETE FROM play WHERE profile_id = ? AND end_ts = ? AND kind = 0 AND item_id = ? AND ms = ?")
        let i = try db.prepare("SELECT id, kind, key FROM item WHERE profile_id = ?")
        i.bind(1, profile.id)
        while try i.step() { items[ItemKey(kind: Int(i.int64(1)), key: i.text(2) ?? "")] = i.int64(0) }
    }

    /// Per token source of the batches (`PlayBatch.tokenSource`), per token: the item resolved, as
    /// `Resolved.packed` (0: not yet), and its names' variant in `names` (-1 for episodes and chapters).
    private var resolvedTokens: [Int: (items: [Int64], variants: [Int32])] = [:]

    /// An item's id with what the play loop asks of it, in one word.
    struct Resolved {
        var id: Int64
        var kind: Int64
        var hasNoURI: Bool

        init(id: Int64, kind: Int64, hasNoURI: Bool) {
            self.id = id
            self.kind = kind
            self.hasNoURI = hasNoURI
        }

        init(packed: Int64) {
            id = packed >> 3
            kind = (packed >> 1) & 3
            hasNoURI = packed & 1 != 0
        }

        var packed: Int64 { id << 3 | kind << 1 | (hasNoURI ? 1 : 0) }
    }

    /// The batch's items resolved to ids. An item whose token was resolved in an earlier batch of
    /// the same source is not looked at again: resolving copies the item (four strings) and hashes
    /// its key, which was the writer thread's main cost per item.
    private func resolveItems(_ batch: PlayBatch) throws -> (items: [Resolved], variants: [Int32]) {
        let source = batch.tokenSource
        var known: (items: [Int64], variants: [Int32]) = source != 0 ? resolvedTokens.removeValue(forKey: source) ?? ([], []) : ([], [])
        defer { if source != 0 { resolvedTokens[source] = known } }
        let tokens = batch.itemTokens
        var result: [Resolved] = []
        var variants: [Int32] = []
        result.reserveCapacity(tokens.count)
        variants.reserveCapacity(tokens.count)
        for k in tokens.indices {
            let token = source != 0 ? Int(tokens[k]) : -1
            if token >= 0, token < known.items.count, known.items[token] != 0 {
                result.append(Resolved(packed: known.items[token]))
                variants.append(known.variants[token])
                continue
            }
            let item = batch.items[k]
            let (id, variant) = try resolve(item)
            let resolved = Resolved(id: id, kind: Int64(item.kind.rawValue), hasNoURI: item.uri == nil)
            result.append(resolved)
            variants.append(variant)
            if token >= 0 {
                if token >= known.items.count {
                    known.items.append(contentsOf: repeatElement(0, count: token + 1024 - known.items.count))
                    known.variants.append(contentsOf: repeatElement(-1, count: token + 1024 - known.variants.count))
                }
                known.items[token] = resolved.packed
                known.variants[token] = variant
            }
        }
        return (result, variants)
    }

    func add(_ batch: PlayBatch) throws -> [Bool] {
        let (resolved, variants) = try resolveItems(batch)
        let wordIDs = try batch.words.map { try word($0) }
        let itemIDs = resolved.map(\.id)
        let kinds = resolved.map(\.kind)
        let isMusic = resolved.map { $0.kind == Int64(PlayKind.music.rawValue) }
        let hasNoURI = resolved.map(\.hasNoURI)
        var isNew = [Bool](repeating: false, count: batch.count)
        let profileID = profile.id
        func wordID(_ value: Int32) -> Int64 { value == PlayBatch.noWord ? Self.noValue : wordIDs[Int(value)] }
        // Plays that may be duplicates wait here, and go in sorted by key, many per statement
        // (`settleUncertain`): a history from another source (a Last.fm file, newest first) lands
        // among the stored plays, and one statement per play in file order was most of its import.
        // Play `i`'s values in `insertPlay`'s order.
        func appendValues(of i: Int, to out: inout [Int64]) {
            let item = Int(batch.itemOfPlay[i])
            out.append(profileID)
            out.append(batch.endTimes[i])
            out.append(kinds[item])
            out.append(itemIDs[item])
            out.append(Int64(batch.milliseconds[i]))
            out.append(wordID(batch.reasonStart[i]))
            out.append(wordID(batch.reasonEnd[i]))
            out.append(Int64(batch.flags[i]))
            out.append(batch.offlineTimestamps[i])
            out.append(wordID(batch.platform[i]))
            out.append(wordID(batch.country[i]))
            out.append(Int64(batch.sources[i]))
        }
        // What a play that went to SQLite did: stored (new to the history unless it replaced an
        // account play), or a duplicate, which still says its names were in use at that time.
        func record(_ i: Int, stored: Bool, new: Bool) {
            let item = Int(batch.itemOfPlay[i])
            let end = batch.endTimes[i]
            if stored {
                inserted += 1
                isNew[i] = new
            }
            guard isMusic[item] else { return }
            if stored { addedMusic.append((end, itemIDs[item], batch.milliseconds[i], batch.sources[i])) }
            names.record(variants[item], end: end, stored: stored)
        }
        var uncertain: [Int] = []
        func settleUncertain() throws {
            guard !uncertain.isEmpty else { return }
            try flush()
            // Key order (the primary key after the profile: end, kind, item, ms), then batch order,
            // so the rows go to SQLite as they lie in its tree and the first of equal plays wins.
            var keyed = uncertain.map { i -> (end: Int64, kind: Int64, item: Int64, ms: Int32, index: Int) in
                let item = Int(batch.itemOfPlay[i])
                return (batch.endTimes[i], kinds[item], itemIDs[item], batch.milliseconds[i], i)
            }
            keyed.sort { ($0.end, $0.kind, $0.item, $0.ms, $0.index) < ($1.end, $1.kind, $1.item, $1.ms, $1.index) }
            var rows: [Int64] = []
            rows.reserveCapacity(keyed.count * Self.valuesPerPlay)
            for k in keyed { appendValues(of: k.index, to: &rows) }
            let stored = try insertReturningNew(rows)
            for (n, k) in keyed.enumerated() { record(k.index, stored: stored[n], new: true) }
            uncertain.removeAll(keepingCapacity: true)
        }
        for i in 0..<batch.count {
            let item = Int(batch.itemOfPlay[i])
            var replacesAccountPlay = false
            // Cross-format matching is needed only when Spotify's account data meets its extended history.
            if isMusic[item] && meeting.applies(hasURI: !hasNoURI[item], source: batch.sources[i]) {
                try settleUncertain()
                switch try matchInTheOtherFormat(batch.items[item], end: batch.endTimes[i], ms: batch.milliseconds[i]) {
                case .none: break
                case .duplicate: continue
                case .replacesAccountPlay: replacesAccountPlay = true
                }
            }
            let end = batch.endTimes[i]
            let certainlyNew = ends.addIfOutside(end)
            // It may be a duplicate of a stored play or of one this import added: SQLite decides,
            // later and in key order (`settleUncertain`), or now for a play that replaces one.
            if !certainlyNew && !replacesAccountPlay {
                uncertain.append(i)
                continue
            }
            if !certainlyNew { try flush() }
            appendValues(of: i, to: &pending)
            if certainlyNew {
                pendingPlays += 1
                if pendingPlays == Self.rowsPerInsert { try flush() }
            } else {
                let added = try insertOne(pending, from: 0)
                pending.removeAll(keepingCapacity: true)
                guard added else {
                    record(i, stored: false, new: false)
                    continue
                }
            }
            record(i, stored: true, new: !replacesAccountPlay)
        }
        try settleUncertain()
        return isNew
    }

    /// Inserts plays (`valuesPerPlay` values each, one after another, in key order) that may be
    /// duplicates, `rowsPerInsert` to a statement; says for each whether it was stored (of two
    /// equal plays, the first).
    private func insertReturningNew(_ values: [Int64]) throws -> [Bool] {
        let perPlay = Self.valuesPerPlay
        let count = values.count / perPlay
        var stored = [Bool](repeating: false, count: count)
        try values.withUnsafeBufferPointer { v throws in
            // The primary key after the profile: (end, kind, item, ms).
            func key(_ r: Int) -> (Int64, Int64, Int64, Int64) {
                (v[r * perPlay + 1], v[r * perPlay + 2], v[r * perPlay + 3], v[r * perPlay + 4])
            }
            var start = 0
            while start < count {
                let chunk = start..<min(count, start + Self.rowsPerInsert)
                start = chunk.upperBound
                guard chunk.count == Self.rowsPerInsert else {
                    for r in chunk { stored[r] = try insertOne(values, from: r * perPlay) }
                    continue
                }
                let handle = insertPlaysReturning.handle
                sqlite3_reset(handle)
                for p in 0..<chunk.count * perPlay {
                    let value = v[chunk.lowerBound * perPlay + p]
                    if value == Self.noValue { sqlite3_bind_null(handle, Int32(p + 1)) } else { sqlite3_bind_int64(handle, Int32(p + 1), value) }
                }
                // Each returned key marks the first play of the chunk with that key not yet marked
                // (the chunk is in key order: find the first equal key, then walk).
                let s = insertPlaysReturning
                while try s.step() {
                    let returned = (s.int64(0), s.int64(1), s.int64(2), s.int64(3))
                    var lo = chunk.lowerBound
                    var hi = chunk.upperBound
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if key(mid) < returned { lo = mid + 1 } else { hi = mid }
                    }
                    while lo < chunk.upperBound, key(lo) == returned {
                        if !stored[lo] {
                            stored[lo] = true
                            break
                        }
                        lo += 1
                    }
                }
            }
        }
        return stored
    }

    /// Writes the pending plays. Called before anything reads the play table, and by the store
    /// before the transaction ends.
    func flush() throws {
        guard pendingPlays > 0 else { return }
        let perPlay = Self.valuesPerPlay
        var done = 0
        if pendingPlays == Self.rowsPerInsert {
            let s = insertPlays
            sqlite3_reset(s.handle)
            pending.withUnsafeBufferPointer { v in
                for p in 0..<v.count { Self.bind(s, Int32(p + 1), v[p]) }
            }
            try s.run()
            done = Int(db.changes)
        } else {
            for row in 0..<pendingPlays where try insertOne(pending, from: row * perPlay) { done += 1 }
        }
        let expected = pendingPlays
        pending.removeAll(keepingCapacity: true)
        pendingPlays = 0
        // The plays were past every stored end time, so each must have been new.
        guard done == expected else {
            throw SQLiteError(
                code: SQLITE_INTERNAL, message: "\(expected - done) of \(expected) plays taken for new were already stored",
                sql: insertPlays.sql)
        }
    }

    /// Inserts one play from `values[offset...]` through `insertPlay`; false when it was a duplicate.
    private func insertOne(_ values: [Int64], from offset: Int) throws -> Bool {
        let s = insertPlay
        sqlite3_reset(s.handle)
        for p in 0..<Self.valuesPerPlay { Self.bind(s, Int32(p + 1), values[offset + p]) }
        try s.run()
        return db.changes > 0
    }

    @inline(__always) private static func bind(_ s: SQLiteStatement, _ index: Int32, _ value: Int64) {
        if value == noValue { sqlite3_bind_null(s.handle, index) } else { sqlite3_bind_int64(s.handle, index, value) }
    }

    /// Applies `SpotifyFormatMeeting` to one play: looks for the same listen stored in the other
    /// format, and deletes the account play an extended one replaces.
    private func matchInTheOtherFormat(_ item: PlayBatch.Item, end endTime: Int64, ms: Int32) throws -> SpotifyFormatMeeting.Match {
        switch meeting.lookup(for: item, end: endTime, tracks: tracks) {
        case .nothing:
            return .none
        case .storedExtendedPlay(let candidates, let ends):
            // The pending plays go in before the play table is read (only when there is something to
            // look for: an older export without URIs keeps its 64-row inserts).
            try flush()
            for id in candidates where try find(from: ends.lowerBound, to: ends.upperBound, item: id, ms: Int(ms)) != nil {
                return .duplicate
            }
            return .none
        case .storedAccountPlay(let accountTrack, let ends):
            try flush()
            guard let end = try find(from: ends.lowerBound, to: ends.upperBound, item: accountTrack, ms: Int(ms)) else { return .none }
            sqlite3_reset(deletePlay.handle)
            deletePlay.bind(1, profile.id)
            deletePlay.bind(2, end)
            deletePlay.bind(3, accountTrack)
            deletePlay.bind(4, Int64(ms))
            try deletePlay.run()
            replacedStoredPlays = true
            return .replacesAccountPlay
        }
    }

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

    /// The item's row, and for a track the variant of its names.
    private func resolve(_ play: PlayBatch.Item) throws -> (id: Int64, variant: Int32) {
        let key = play.key
        if play.kind != .music {
            let k = ItemKey(kind: play.kind.rawValue, key: key)
            if let id = items[k] { return (id, -1) }
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
            return (id, -1)
        }
        let artistID = try artist(play.creator)
        var albumID: Int64?
        let albumName = play.album.flatMap { $0.isEmpty ? nil : $0 }
        if let albumName { albumID = try self.album(artist: play.creator, name: albumName) }
        func variant(_ track: Int64) -> Int32 {
            names.variant(
                track: track, name: play.title, artist: artistID, artistName: play.creator, album: albumID ?? 0,
                albumName: albumName ?? "")
        }
        if let id = tracks[key] {
            if play.uri != nil { meeting.noteURITrack(id, artist: play.creator, title: play.title) }
            try keepIdentifiers(of: play, track: id)
            return (id, variant(id))
        }
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
        if play.uri != nil { meeting.noteURITrack(id, artist: play.creator, title: play.title) }
        let first = variant(id)
        names.setShown(track: id, variant: first)
        try keepIdentifiers(of: play, track: id)
        return (id, first)
    }

    /// Gives `track` the item's ISRC and recording MBID where it has none yet.
    private func keepIdentifiers(of item: PlayBatch.Item, track: Int64) throws {
        guard item.isrc != nil || item.recordingMBID != nil else { return }
        let has = trackIdentifiers[track] ?? (false, false)
        let isrc = has.isrc ? nil : item.isrc
        let mbid = has.mbid ? nil : item.recordingMBID
        guard isrc != nil || mbid != nil else { return }
        let s = setIdentifiers
        s.reset()
        s.bind(1, isrc)
        s.bind(2, mbid)
        s.bind(3, track)
        try s.run()
        trackIdentifiers[track] = (has.isrc || isrc != nil, has.mbid || mbid != nil)
    }

    /// Writes the variants this import changed and gives tracks the names of their most recent
    /// play (`TrackNames`). Called by the store once the plays are in; true when a track was renamed.
    func finishNames() throws -> Bool {
        for v in names.changed {
            let variant = names.variants[Int(v)]
            if let id = variant.id {
                let s = updateVariant
                s.reset()
                s.bind(1, variant.lastEnd)
                s.bind(2, variant.plays)
                s.bind(3, id)
                try s.run()
            } else {
                let s = insertVariant
                s.reset()
                s.bind(1, profile.id)
                s.bind(2, variant.track)
                s.bind(3, variant.name)
                s.bind(4, variant.artist)
                s.bind(5, variant.album)
                s.bind(6, variant.lastEnd)
                s.bind(7, variant.plays)
                try s.run()
                names.setID(db.lastInsertRowID, of: v)
            }
        }
        let renamed = names.renamed()
        guard !renamed.isEmpty else { return false }
        let rename = try db.prepare("UPDATE track SET name = ?, artist_id = ?, album_id = ? WHERE id = ?")
        for variant in renamed {
            rename.reset()
            rename.bind(1, variant.name)
            rename.bind(2, variant.artist)
            if variant.album != 0 { rename.bind(3, variant.album) } else { rename.bindNull(3) }
            rename.bind(4, variant.track)
            try rename.run()
        }
        return true
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

/// The end times a profile's plays may have, as few closed ranges: those of the plays stored before
/// the import, and runs of plays the import added. Exports list plays in time order, but Spotify's
/// file names do not sort in time order (`…_2016-2017_1.json` before `…_2016_0.json`): a file that
/// goes before the ones already added lands in a gap between ranges, and its plays are as certainly
/// new as those past the last one. A play inside a range may be a duplicate and is looked up.
struct CoveredEndTimes {
    /// Sorted, disjoint.
    private(set) var ranges: [ClosedRange<Int64>] = []
    /// The current run of added plays, ascending (not in `ranges` yet), and the start of the first
    /// range after it: the run grows while plays end after its end and before that.
    private var run: ClosedRange<Int64>?
    private var runLimit = Int64.max
    /// More ranges than this (plays far out of order) merge into one: fewer plays are then taken
    /// for certainly new, never more.
    static let maxRanges = 64

    init() {}

    init(stored: ClosedRange<Int64>) {
        ranges = [stored]
    }

    /// Whether no play with end time `end` can be among the profile's plays; if so it counts as
    /// added from now on (a later play with the same end time is looked up). A play for which this
    /// says false is already covered.
    mutating func addIfOutside(_ end: Int64) -> Bool {
        if let r = run, end > r.upperBound, end < runLimit {
            run = r.lowerBound...end
            return true
        }
        closeRun()
        // The first range that ends at or after `end`.
        var lo = 0
        var hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < end { lo = mid + 1 } else { hi = mid }
        }
        if lo < ranges.count, ranges[lo].lowerBound <= end { return false }
        run = end...end
        runLimit = lo < ranges.count ? ranges[lo].lowerBound : Int64.max
        return true
    }

    /// Moves the run into `ranges`.
    private mutating func closeRun() {
        guard let r = run else { return }
        run = nil
        // The run lies in a gap between ranges: its place is after every range that ends before it.
        var lo = 0
        var hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < r.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        ranges.insert(r, at: lo)
        if ranges.count > Self.maxRanges {
            ranges = [ranges[0].lowerBound...ranges[ranges.count - 1].upperBound]
        }
    }
}
