import Foundation
import PostgresNIO
import SegueModel
import SegueStore

/// Writes plays inside an open transaction on PostgreSQL.
///
/// Each batch costs a handful of statements, whatever its size: new words, artists, albums, tracks
/// and items go in as arrays (`unnest`), and the plays as one multi-row insert whose `RETURNING`
/// list says which were new. Only when account data (minute-precision times, no URIs) meets
/// extended history does a batch go play by play, as the cross-format rule looks at stored plays.
final class PostgresImportSink: PlaySink {
    let db: BlockingConnection
    let profile: Profile
    /// Plays stored (or replacing an account play).
    private(set) var inserted = 0
    /// Whether any music play was stored or removed (the chart columns must be rebuilt).
    private(set) var musicChanged = false
    private var words: [String: Int64] = [:]
    private var artists: [String: Int64] = [:]
    private var albums: [AlbumKey: Int64] = [:]
    private var tracks: [String: Int64] = [:]
    private var items: [ItemKey: Int64] = [:]
    /// Where account data meets extended history (the tracks it matches under their names).
    private var meeting = SpotifyFormatMeeting()
    /// The names each track's plays carried, and which the track shows (see `TrackNames`).
    private var names = TrackNames()
    /// Which identifiers the tracks that have any keep (a track keeps the first ISRC and the first
    /// recording MBID its plays gave).
    private var trackIdentifiers: [Int64: (isrc: Bool, mbid: Bool)] = [:]

    struct AlbumKey: Hashable {
        var artist: String
        var name: String
    }

    struct ItemKey: Hashable {
        var kind: Int16
        var key: String
    }

    private struct PlayKey: Hashable {
        var end: Int64
        var kind: Int16
        var item: Int64
        var ms: Int32
    }

    init(db: BlockingConnection, profile: Profile) throws {
        self.db = db
        self.profile = profile
        let id = profile.id
        for row in try db.query("SELECT id, text FROM word").rows {
            let (wordID, text) = try row.decode((Int64, String).self)
            words[text] = wordID
        }
        for row in try db.query("SELECT id, name FROM artist WHERE profile_id = \(id)").rows {
            let (artistID, name) = try row.decode((Int64, String).self)
            artists[name] = artistID
        }
        for row in try db.query("SELECT id, artist_name, name FROM album WHERE profile_id = \(id)").rows {
            let (albumID, artist, name) = try row.decode((Int64, String, String).self)
            albums[AlbumKey(artist: artist, name: name)] = albumID
        }
        let variantRows = try db.query(
            """
            SELECT v.id, v.track_id, v.name, v.artist_id, a.name, v.album_id, coalesce(al.name, ''), v.last_ts, v.plays
            FROM track_variant v JOIN artist a ON a.id = v.artist_id LEFT JOIN album al ON al.id = v.album_id
            WHERE v.profile_id = \(id)
            """)
        for row in variantRows.rows {
            let (variantID, track, name, artist, artistName, album, albumName, last, plays) = try row.decode(
                (Int64, Int64, String, Int64, String, Int64, String, Int64, Int64).self)
            names.load(
                TrackNames.Variant(
                    id: variantID, track: track, name: name, artist: artist, artistName: artistName, album: album,
                    albumName: albumName, lastEnd: last, plays: plays))
        }
        let trackRows = try db.query(
            """
            SELECT t.id, t.key, t.uri, t.name, a.name, t.artist_id, coalesce(t.album_id, 0), coalesce(al.name, '')
            FROM track t JOIN artist a ON a.id = t.artist_id LEFT JOIN album al ON al.id = t.album_id
            WHERE t.profile_id = \(id)
            """)
        var uriTracks = Set<Int64>()
        for row in trackRows.rows {
            let (trackID, key, uri, name, artist, artistID, albumID, albumName) = try row.decode(
                (Int64, String, String?, String, String, Int64, Int64, String).self)
            tracks[key] = trackID
            let shown = names.variant(
                track: trackID, name: name, artist: artistID, artistName: artist, album: albumID, albumName: albumName)
            names.setShown(track: trackID, variant: shown)
            if uri == nil { meeting.noteAccountTrack() } else { uriTracks.insert(trackID) }
        }
        // A URI track meets account plays under every name it was played under.
        for variant in names.variants where uriTracks.contains(variant.track) {
            meeting.noteURITrack(variant.track, artist: variant.artistName, title: variant.name)
        }
        let identifierRows = try db.query(
            "SELECT id, isrc IS NOT NULL, mbid IS NOT NULL FROM track WHERE profile_id = \(id) AND (isrc IS NOT NULL OR mbid IS NOT NULL)")
        for row in identifierRows.rows {
            let (trackID, hasISRC, hasMBID) = try row.decode((Int64, Bool, Bool).self)
            trackIdentifiers[trackID] = (hasISRC, hasMBID)
        }
        for row in try db.query("SELECT id, kind, key FROM item WHERE profile_id = \(id)").rows {
            let (itemID, kind, key) = try row.decode((Int64, Int16, String).self)
            items[ItemKey(kind: kind, key: key)] = itemID
        }
    }

    func add(_ batch: PlayBatch) throws -> [Bool] {
        let wordIDs = try resolveWords(batch.words)
        let (itemIDs, variants) = try resolveItems(batch.items)
        // Play by play only when a play may meet the same listen in the other format: an item
        // without a URI that a URI track's names match, or a URI track whose names an account track has.
        // Only Spotify's two formats meet this way; other sources' plays are matched before they get here.
        let hasSpotifyPlays = batch.sources.contains(PlaySource.spotify.rawValue)
        let needsCrossFormat = hasSpotifyPlays && batch.items.contains { meeting.mayMeet($0, tracks: tracks) }
        if needsCrossFormat {
            return try addOneByOne(batch, itemIDs: itemIDs, variants: variants, wordIDs: wordIDs)
        }
        return try addAtOnce(batch, itemIDs: itemIDs, variants: variants, wordIDs: wordIDs)
    }

    /// Writes the variants this import changed and gives tracks the names of their most recent
    /// play (`TrackNames`). Called by the store once the plays are in; true when a track was renamed.
    func finishNames() throws -> Bool {
        let changed = names.changed
        let new = changed.filter { names.variants[Int($0)].id == nil }.map { names.variants[Int($0)] }
        let old = changed.compactMap { v -> TrackNames.Variant? in names.variants[Int(v)].id == nil ? nil : names.variants[Int(v)] }
        if !new.isEmpty {
            let rows = try db.query(
                """
                INSERT INTO track_variant(profile_id, track_id, name, artist_id, album_id, last_ts, plays)
                SELECT \(profile.id), t, n, a, al, l, p
                FROM unnest(\(new.map(\.track))::bigint[], \(new.map(\.name))::text[], \(new.map(\.artist))::bigint[],
                    \(new.map(\.album))::bigint[], \(new.map(\.lastEnd))::bigint[], \(new.map(\.plays))::bigint[]) AS u(t, n, a, al, l, p)
                RETURNING id, track_id, name, artist_id, album_id
                """)
            for row in rows.rows {
                let (variantID, track, name, artist, album) = try row.decode((Int64, Int64, String, Int64, Int64).self)
                if let v = names.find(track: track, name: name, artist: artist, album: album) { names.setID(variantID, of: v) }
            }
        }
        if !old.isEmpty {
            try db.query(
                """
                UPDATE track_variant v SET last_ts = u.l, plays = u.p
                FROM unnest(\(old.map { $0.id ?? 0 })::bigint[], \(old.map(\.lastEnd))::bigint[], \(old.map(\.plays))::bigint[]) AS u(i, l, p)
                WHERE v.id = u.i
                """)
        }
        let renamed = names.renamed()
        guard !renamed.isEmpty else { return false }
        try db.query(
            """
            UPDATE track t SET name = u.n, artist_id = u.a, album_id = NULLIF(u.al, 0)
            FROM unnest(\(renamed.map(\.track))::bigint[], \(renamed.map(\.name))::text[], \(renamed.map(\.artist))::bigint[],
                \(renamed.map(\.album))::bigint[]) AS u(i, n, a, al)
            WHERE t.id = u.i
            """)
        return true
    }

    // MARK: Plays

    private static let insertColumns =
        "INSERT INTO play(profile_id, end_ts, kind, item_id, ms, reason_start, reason_end, flags, offline_ts, platform, country, source) "

    /// The batch's plays in one statement.
    private func addAtOnce(_ batch: PlayBatch, itemIDs: [Int64], variants: [Int32], wordIDs: [Int64]) throws -> [Bool] {
        let n = batch.count
        guard n > 0 else { return [] }
        var kinds = [Int16](repeating: 0, count: n)
        var itemColumn = [Int64](repeating: 0, count: n)
        var flags = [Int16](repeating: 0, count: n)
        let sources = batch.sources.map { Int16($0) }
        for i in 0..<n {
            let item = Int(batch.itemOfPlay[i])
            kinds[i] = Int16(batch.items[item].kind.rawValue)
            itemColumn[i] = itemIDs[item]
            flags[i] = Int16(batch.flags[i])
        }
        // 0 stands for "no word" (ids start at 1) and Int64.min for "no offline time": arrays carry no NULLs here.
        func wordColumn(_ column: [Int32]) -> [Int64] {
            column.map { $0 == PlayBatch.noWord ? 0 : wordIDs[Int($0)] }
        }
        let query: PostgresQuery = """
            INSERT INTO play(profile_id, end_ts, kind, item_id, ms, reason_start, reason_end, flags, offline_ts, platform, country, source)
            SELECT \(profile.id), e, k, i, m, NULLIF(rs, 0), NULLIF(re, 0), f, NULLIF(o, -9223372036854775808), NULLIF(p, 0), NULLIF(c, 0), s
            FROM unnest(\(batch.endTimes)::bigint[], \(kinds)::smallint[], \(itemColumn)::bigint[], \(batch.milliseconds)::integer[],
                \(wordColumn(batch.reasonStart))::bigint[], \(wordColumn(batch.reasonEnd))::bigint[], \(flags)::smallint[],
                \(batch.offlineTimestamps)::bigint[], \(wordColumn(batch.platform))::bigint[], \(wordColumn(batch.country))::bigint[],
                \(sources)::smallint[])
                AS u(e, k, i, m, rs, re, f, o, p, c, s)
            ON CONFLICT DO NOTHING
            RETURNING end_ts, kind, item_id, ms
            """
        var stored = Set<PlayKey>()
        for row in try db.query(query).rows {
            let (end, kind, item, ms) = try row.decode((Int64, Int16, Int64, Int32).self)
            stored.insert(PlayKey(end: end, kind: kind, item: item, ms: ms))
        }
        var isNew = [Bool](repeating: false, count: n)
        // The first of equal plays in the batch is the stored one; the others are duplicates.
        for i in 0..<n {
            let key = PlayKey(end: batch.endTimes[i], kind: kinds[i], item: itemColumn[i], ms: batch.milliseconds[i])
            let isMusic = kinds[i] == 0
            guard stored.remove(key) != nil else {
                // A duplicate still says its names were in use at that time.
                if isMusic { names.record(variants[Int(batch.itemOfPlay[i])], end: key.end, stored: false) }
                continue
            }
            if isMusic { names.record(variants[Int(batch.itemOfPlay[i])], end: key.end, stored: true) }
            isNew[i] = true
            inserted += 1
            if kinds[i] == 0 { musicChanged = true }
        }
        return isNew
    }

    /// Play by play, with the cross-format rule (see `matchInTheOtherFormat`).
    private func addOneByOne(_ batch: PlayBatch, itemIDs: [Int64], variants: [Int32], wordIDs: [Int64]) throws -> [Bool] {
        var isNew = [Bool](repeating: false, count: batch.count)
        func word(_ index: Int32) -> Int64? { index == PlayBatch.noWord ? nil : wordIDs[Int(index)] }
        for i in 0..<batch.count {
            let item = Int(batch.itemOfPlay[i])
            let kind = batch.items[item].kind
            var replacesAccountPlay = false
            if kind == .music && meeting.applies(hasURI: batch.items[item].uri != nil, source: batch.sources[i]) {
                switch try matchInTheOtherFormat(batch.items[item], end: batch.endTimes[i], ms: batch.milliseconds[i]) {
                case .none: break
                case .duplicate: continue
                case .replacesAccountPlay: replacesAccountPlay = true
                }
            }
            let offline = batch.offlineTimestamps[i] == PlayBatch.noTimestamp ? nil : batch.offlineTimestamps[i]
            let query: PostgresQuery = """
                INSERT INTO play(profile_id, end_ts, kind, item_id, ms, reason_start, reason_end, flags, offline_ts, platform, country, source)
                VALUES (\(profile.id), \(batch.endTimes[i]), \(Int16(kind.rawValue)), \(itemIDs[item]), \(batch.milliseconds[i]),
                    \(word(batch.reasonStart[i])), \(word(batch.reasonEnd[i])), \(Int16(batch.flags[i])), \(offline),
                    \(word(batch.platform[i])), \(word(batch.country[i])), \(Int16(batch.sources[i])))
                ON CONFLICT DO NOTHING
                """
            let added = try db.changes(query) > 0
            if kind == .music { names.record(variants[item], end: batch.endTimes[i], stored: added) }
            if added {
                inserted += 1
                isNew[i] = !replacesAccountPlay
                if kind == .music { musicChanged = true }
            }
        }
        return isNew
    }

    /// Applies `SpotifyFormatMeeting` to one play: looks for the same listen stored in the other
    /// format, and deletes the account play an extended one replaces.
    private func matchInTheOtherFormat(_ item: PlayBatch.Item, end: Int64, ms: Int32) throws -> SpotifyFormatMeeting.Match {
        switch meeting.lookup(for: item, end: end, tracks: tracks) {
        case .nothing:
            return .none
        case .storedExtendedPlay(let candidates, let ends):
            let found = try db.query(
                """
                SELECT 1 FROM play WHERE profile_id = \(profile.id) AND kind = 0 AND item_id = ANY(\(candidates)::bigint[])
                    AND end_ts >= \(ends.lowerBound) AND end_ts < \(ends.upperBound) AND ms = \(ms) LIMIT 1
                """)
            return found.rows.isEmpty ? .none : .duplicate
        case .storedAccountPlay(let accountTrack, let ends):
            let removed = try db.changes(
                """
                DELETE FROM play WHERE ctid = (
                    SELECT ctid FROM play WHERE profile_id = \(profile.id) AND kind = 0 AND item_id = \(accountTrack)
                        AND end_ts >= \(ends.lowerBound) AND end_ts < \(ends.upperBound) AND ms = \(ms) ORDER BY end_ts LIMIT 1)
                """)
            if removed > 0 { musicChanged = true }
            return removed > 0 ? .replacesAccountPlay : .none
        }
    }

    // MARK: Names

    private func resolveWords(_ batchWords: [String]) throws -> [Int64] {
        let missing = Array(Set(batchWords.filter { words[$0] == nil }))
        if !missing.isEmpty {
            // Another import may add the same word at the same time: keep whichever came first.
            try db.query("INSERT INTO word(text) SELECT unnest(\(missing)::text[]) ON CONFLICT (text) DO NOTHING")
            for row in try db.query("SELECT id, text FROM word WHERE text = ANY(\(missing)::text[])").rows {
                let (id, text) = try row.decode((Int64, String).self)
                words[text] = id
            }
        }
        return batchWords.map { words[$0] ?? 0 }
    }

    /// Gives the items' tracks their ISRC and recording MBID where they have none yet (the first
    /// item that names one wins).
    private func keepIdentifiers(of batchItems: [PlayBatch.Item]) throws {
        // One row per track (an UPDATE … FROM applies one matching row).
        var updates: [(track: Int64, isrc: String, mbid: String)] = []
        var rowOfTrack: [Int64: Int] = [:]
        for item in batchItems where item.kind == .music && (item.isrc != nil || item.recordingMBID != nil) {
            guard let track = tracks[item.key] else { continue }
            let has = trackIdentifiers[track] ?? (false, false)
            let isrc = has.isrc ? nil : item.isrc
            let mbid = has.mbid ? nil : item.recordingMBID
            guard isrc != nil || mbid != nil else { continue }
            trackIdentifiers[track] = (has.isrc || isrc != nil, has.mbid || mbid != nil)
            if let row = rowOfTrack[track] {
                if let isrc { updates[row].isrc = isrc }
                if let mbid { updates[row].mbid = mbid }
            } else {
                rowOfTrack[track] = updates.count
                updates.append((track, isrc ?? "", mbid ?? ""))
            }
        }
        guard !updates.isEmpty else { return }
        try db.query(
            """
            UPDATE track t SET isrc = coalesce(t.isrc, NULLIF(u.i, '')), mbid = coalesce(t.mbid, NULLIF(u.m, ''))
            FROM unnest(\(updates.map(\.track))::bigint[], \(updates.map(\.isrc))::text[], \(updates.map(\.mbid))::text[])
                AS u(id, i, m)
            WHERE t.id = u.id
            """)
    }

    /// Database ids of the batch's items, adding what is new. New rows go in in the batch's order,
    /// so ids (and the chart columns' entity order) follow first appearance.
    private func resolveItems(_ batchItems: [PlayBatch.Item]) throws -> (ids: [Int64], variants: [Int32]) {
        let id = profile.id
        var newArtists: [String] = []
        var seenArtists = Set<String>()
        var newAlbums: [AlbumKey] = []
        var seenAlbums = Set<AlbumKey>()
        var newTracks: [PlayBatch.Item] = []
        var seenTracks = Set<String>()
        var newOthers: [PlayBatch.Item] = []
        for item in batchItems {
            if item.kind != .music {
                if items[ItemKey(kind: Int16(item.kind.rawValue), key: item.key)] == nil { newOthers.append(item) }
                continue
            }
            // Every variant's artist and album get their rows (the track may take its names later).
            if artists[item.creator] == nil, seenArtists.insert(item.creator).inserted { newArtists.append(item.creator) }
            if let album = item.album, !album.isEmpty {
                let key = AlbumKey(artist: item.creator, name: album)
                if albums[key] == nil, seenAlbums.insert(key).inserted { newAlbums.append(key) }
            }
            // A new track's row starts with its first variant's names.
            guard tracks[item.key] == nil, seenTracks.insert(item.key).inserted else { continue }
            newTracks.append(item)
        }
        if !newArtists.isEmpty {
            let rows = try db.query(
                """
                INSERT INTO artist(profile_id, name) SELECT \(id), n FROM unnest(\(newArtists)::text[]) WITH ORDINALITY AS u(n, o)
                ORDER BY o RETURNING id, name
                """)
            for row in rows.rows {
                let (artistID, name) = try row.decode((Int64, String).self)
                artists[name] = artistID
            }
        }
        if !newAlbums.isEmpty {
            let rows = try db.query(
                """
                INSERT INTO album(profile_id, artist_name, name)
                SELECT \(id), a, n FROM unnest(\(newAlbums.map(\.artist))::text[], \(newAlbums.map(\.name))::text[]) WITH ORDINALITY AS u(a, n, o)
                ORDER BY o RETURNING id, artist_name, name
                """)
            for row in rows.rows {
                let (albumID, artist, name) = try row.decode((Int64, String, String).self)
                albums[AlbumKey(artist: artist, name: name)] = albumID
            }
        }
        if !newTracks.isEmpty {
            let keys = newTracks.map(\.key)
            let uris = newTracks.map { $0.uri ?? "" }
            let names = newTracks.map(\.title)
            let artistIDs = newTracks.map { artists[$0.creator] ?? 0 }
            let albumIDs = newTracks.map { item in item.album.flatMap { albums[AlbumKey(artist: item.creator, name: $0)] } ?? 0 }
            let rows = try db.query(
                """
                INSERT INTO track(profile_id, key, uri, name, artist_id, album_id)
                SELECT \(id), k, NULLIF(u, ''), n, a, NULLIF(al, 0)
                FROM unnest(\(keys)::text[], \(uris)::text[], \(names)::text[], \(artistIDs)::bigint[], \(albumIDs)::bigint[])
                    WITH ORDINALITY AS t(k, u, n, a, al, o)
                ORDER BY o RETURNING id, key
                """)
            for row in rows.rows {
                let (trackID, key) = try row.decode((Int64, String).self)
                tracks[key] = trackID
            }
        }
        if !newOthers.isEmpty {
            let rows = try db.query(
                """
                INSERT INTO item(profile_id, kind, key, title, creator, uri)
                SELECT \(id), k, key, t, c, NULLIF(u, '')
                FROM unnest(\(newOthers.map { Int16($0.kind.rawValue) })::smallint[], \(newOthers.map(\.key))::text[],
                    \(newOthers.map(\.title))::text[], \(newOthers.map(\.creator))::text[], \(newOthers.map { $0.uri ?? "" })::text[])
                    WITH ORDINALITY AS x(k, key, t, c, u, o)
                ORDER BY o RETURNING id, kind, key
                """)
            for row in rows.rows {
                let (itemID, kind, key) = try row.decode((Int64, Int16, String).self)
                items[ItemKey(kind: kind, key: key)] = itemID
            }
        }
        try keepIdentifiers(of: batchItems)
        let newTrackKeys = Set(newTracks.map(\.key))
        var ids: [Int64] = []
        var variants: [Int32] = []
        ids.reserveCapacity(batchItems.count)
        variants.reserveCapacity(batchItems.count)
        for item in batchItems {
            guard item.kind == .music else {
                ids.append(items[ItemKey(kind: Int16(item.kind.rawValue), key: item.key)] ?? 0)
                variants.append(-1)
                continue
            }
            let track = tracks[item.key] ?? 0
            let album = item.album.flatMap { $0.isEmpty ? nil : $0 }
            let v = names.variant(
                track: track, name: item.title, artist: artists[item.creator] ?? 0, artistName: item.creator,
                album: album.flatMap { albums[AlbumKey(artist: item.creator, name: $0)] } ?? 0, albumName: album ?? "")
            if newTrackKeys.contains(item.key), !names.isShown(track: track) { names.setShown(track: track, variant: v) }
            if item.uri != nil { meeting.noteURITrack(track, artist: item.creator, title: item.title) }
            ids.append(track)
            variants.append(v)
        }
        return (ids, variants)
    }
}
