import CSQLite
import Foundation
import SegueModel
import SegueStore

/// The embedded store: one SQLite file in WAL mode, a writer connection and a reader connection.
///
/// Imports hold the writer for one transaction; chart queries read the profile's `MusicColumns`
/// through the reader (and keep the decoded columns until the profile's generation changes).
public final class SQLitePlayStore: PlayStore, @unchecked Sendable {
    public let path: String
    private let writer: SQLiteConnection
    private let writeLock = NSLock()
    private let reader: SQLiteConnection
    private let readLock = NSLock()
    private let cache = DecodedColumnsCache()

    /// The file the store uses inside a data folder.
    public static func databasePath(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent("segue.sqlite")
    }

    /// Opens (creating and migrating as needed) the database at `path`.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        writer = try SQLiteConnection(path: path)
        // An import in another process (each `segue serve` job runs in a worker process) holds the
        // write lock for its whole transaction: wait for it, as this process's writers wait for each other.
        writer.setBusyTimeout(milliseconds: 15 * 60 * 1000)
        // A larger page cache keeps a whole import's B-tree pages in memory until the commit.
        // 16 KiB pages for a new file (set before WAL mode, which fixes the page size): shallower
        // play B-tree, fewer page splits; imports spend about 10% less in SQLite than with 4 KiB.
        try writer.execute("PRAGMA page_size=16384;")
        try writer.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;")
        try Self.migrate(writer)
        reader = try SQLiteConnection(path: path)
        try reader.execute("PRAGMA query_only=ON;")
    }

    /// The schema version this build writes.
    public static var schemaVersion: Int { Migrations.steps.count }

    static func migrate(_ db: SQLiteConnection) throws {
        try db.migrate(Migrations.steps)
    }

    private func write<R>(_ body: (SQLiteConnection) throws -> R) rethrows -> R {
        writeLock.lock()
        defer { writeLock.unlock() }
        return try body(writer)
    }

    private func read<R>(_ body: (SQLiteConnection) throws -> R) rethrows -> R {
        readLock.lock()
        defer { readLock.unlock() }
        return try body(reader)
    }

    // MARK: Profiles

    public func profile(named name: String) throws -> Profile {
        if let existing = try existingProfile(named: name) { return existing }
        return try write { db in
            let s = try db.prepare("INSERT INTO profile(name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING")
            s.bind(1, name)
            s.bind(2, Int64(Date().timeIntervalSince1970))
            try s.run()
            let q = try db.prepare("SELECT id FROM profile WHERE name = ?")
            q.bind(1, name)
            guard try q.step() else { throw SQLiteError(code: 0, message: "profile \(name) vanished", sql: nil) }
            return Profile(id: q.int64(0), name: name)
        }
    }

    public func existingProfile(named name: String) throws -> Profile? {
        try read { db in
            let q = try db.prepare("SELECT id FROM profile WHERE name = ?")
            q.bind(1, name)
            return try q.step() ? Profile(id: q.int64(0), name: name) : nil
        }
    }

    public func profiles() throws -> [Profile] {
        try read { db in
            let q = try db.prepare("SELECT id, name FROM profile ORDER BY name")
            var result: [Profile] = []
            while try q.step() { result.append(Profile(id: q.int64(0), name: q.text(1) ?? "")) }
            return result
        }
    }

    public func deleteProfile(named name: String) throws {
        guard let profile = try existingProfile(named: name) else { return }
        try write { db in
            try db.transaction {
                for table in ["play", "track_variant", "track", "item", "album", "artist", "music_columns"] {
                    let s = try db.prepare("DELETE FROM \(table) WHERE profile_id = ?")
                    s.bind(1, profile.id)
                    try s.run()
                }
                let s = try db.prepare("DELETE FROM profile WHERE id = ?")
                s.bind(1, profile.id)
                try s.run()
            }
        }
        cache.forget(profile: profile.id)
    }

    // MARK: Import

    public func importPlays<R>(into profile: Profile, _ body: (any PlaySink) throws -> R) throws -> R {
        try write { db in
            try db.transaction {
                let sink = try SQLiteImportSink(db: db, profile: profile)
                let result = try body(sink)
                try sink.flush()
                let renamed = try sink.finishNames()
                if sink.inserted > 0 || renamed {
                    try rebuildColumns(db, profile: profile, added: sink.replacedStoredPlays ? nil : sink.addedMusic)
                }
                return result
            }
        }
    }

    /// Rebuilds the profile's `MusicColumns` (inside the caller's transaction).
    ///
    /// The entities are read from their tables. The play columns are the stored columns merged with
    /// `added` (the music plays this transaction inserted) when given; when nil (plays were also
    /// deleted) they are read back from the play rows. Both give plays in primary-key order: end
    /// time, then track id (the track index follows the id), then milliseconds.
    private func rebuildColumns(
        _ db: SQLiteConnection, profile: Profile, added: [(end: Int64, track: Int64, ms: Int32, source: UInt8)]?
    ) throws {
        var columns = MusicColumns()
        var artistIndex: [Int64: Int32] = [:]
        let artists = try db.prepare("SELECT id, name FROM artist WHERE profile_id = ? ORDER BY id")
        artists.bind(1, profile.id)
        while try artists.step() {
            artistIndex[artists.int64(0)] = Int32(columns.artistNames.count)
            columns.artistNames.append(artists.text(1) ?? "")
        }
        var albumIndex: [Int64: Int32] = [:]
        let albums = try db.prepare("SELECT id, artist_name, name FROM album WHERE profile_id = ? ORDER BY id")
        albums.bind(1, profile.id)
        while try albums.step() {
            albumIndex[albums.int64(0)] = Int32(columns.albumNames.count)
            columns.albumArtistNames.append(albums.text(1) ?? "")
            columns.albumNames.append(albums.text(2) ?? "")
        }
        var trackIDs: [Int64] = []
        let tracks = try db.prepare(
            "SELECT id, uri, name, artist_id, album_id, isrc, mbid FROM track WHERE profile_id = ? ORDER BY id")
        tracks.bind(1, profile.id)
        var isrcs: [String] = []
        var mbids: [String] = []
        while try tracks.step() {
            trackIDs.append(tracks.int64(0))
            columns.trackURIs.append(tracks.text(1) ?? "")
            columns.trackNames.append(tracks.text(2) ?? "")
            columns.trackArtist.append(artistIndex[tracks.int64(3)] ?? 0)
            columns.trackAlbum.append(tracks.isNull(4) ? -1 : (albumIndex[tracks.int64(4)] ?? -1))
            isrcs.append(tracks.text(5) ?? "")
            mbids.append(tracks.text(6) ?? "")
        }
        columns.setTrackIdentifiers(isrcs: isrcs, mbids: mbids)
        let trackIndex = TrackIndex(ids: trackIDs)
        if let added, let stored = try storedColumns(db, profile: profile), stored.trackNames.count <= columns.trackNames.count {
            var new = added.map { (end: $0.end, track: trackIndex[$0.track], ms: $0.ms, source: $0.source) }
            // Exports list plays in time order, so the added plays are usually in order already:
            // a pass that checks is cheaper than a sort that finds out.
            let inOrder = new.indices.dropFirst().allSatisfy {
                (new[$0 - 1].end, new[$0 - 1].track, new[$0 - 1].ms) <= (new[$0].end, new[$0].track, new[$0].ms)
            }
            if !inOrder { new.sort { ($0.end, $0.track, $0.ms) < ($1.end, $1.track, $1.ms) } }
            let total = stored.playCount + new.count
            columns.endTimes.reserveCapacity(total)
            columns.trackOfPlay.reserveCapacity(total)
            columns.milliseconds.reserveCapacity(total)
            columns.sources.reserveCapacity(total)
            var i = 0
            var j = 0
            if stored.playCount == 0 {
                // Nothing to merge with (a first import).
                columns.endTimes = new.map(\.end)
                columns.trackOfPlay = new.map(\.track)
                columns.milliseconds = new.map(\.ms)
                columns.sources = new.map(\.source)
                j = new.count
            }
            while i < stored.playCount || j < new.count {
                let takeStored =
                    j == new.count
                    || i < stored.playCount
                        && (stored.endTimes[i], stored.trackOfPlay[i], stored.milliseconds[i]) < (new[j].end, new[j].track, new[j].ms)
                if takeStored {
                    columns.endTimes.append(stored.endTimes[i])
                    columns.trackOfPlay.append(stored.trackOfPlay[i])
                    columns.milliseconds.append(stored.milliseconds[i])
                    columns.sources.append(stored.sources[i])
                    i += 1
                } else {
                    columns.endTimes.append(new[j].end)
                    columns.trackOfPlay.append(new[j].track)
                    columns.milliseconds.append(new[j].ms)
                    columns.sources.append(new[j].source)
                    j += 1
                }
            }
        } else {
            let plays = try db.prepare(
                "SELECT end_ts, item_id, ms, source FROM play WHERE profile_id = ? AND kind = 0 ORDER BY end_ts, item_id, ms")
            plays.bind(1, profile.id)
            while try plays.step() {
                columns.endTimes.append(plays.int64(0))
                columns.trackOfPlay.append(trackIndex[plays.int64(1)])
                columns.milliseconds.append(Int32(clamping: plays.int64(2)))
                columns.sources.append(UInt8(clamping: plays.int64(3)))
            }
        }
        columns.unifyAcrossSources()
        let generation = (try db.scalar("SELECT generation FROM profile WHERE id = ?", [.int(profile.id)]) ?? 0) + 1
        let bump = try db.prepare("UPDATE profile SET generation = ? WHERE id = ?")
        bump.bind(1, generation)
        bump.bind(2, profile.id)
        try bump.run()
        let save = try db.prepare(
            "INSERT INTO music_columns(profile_id, generation, data) VALUES (?, ?, ?) "
                + "ON CONFLICT(profile_id) DO UPDATE SET generation = excluded.generation, data = excluded.data")
        save.bind(1, profile.id)
        save.bind(2, generation)
        save.bind(3, blob: columns.encoded())
        try save.run()
    }

    /// Track id → index in the columns (the rank of the id among the profile's tracks). Ids of one
    /// profile are mostly one dense run, so an array over the id range replaces a dictionary
    /// lookup per play; a sparse range falls back to a binary search.
    struct TrackIndex {
        private let ids: [Int64]
        private let first: Int64
        private let dense: [Int32]

        init(ids sortedIDs: [Int64]) {
            ids = sortedIDs
            first = sortedIDs.first ?? 0
            let span = (sortedIDs.last ?? 0) - first + 1
            if !sortedIDs.isEmpty, span <= Int64(sortedIDs.count) * 4 + 1024 {
                var table = [Int32](repeating: 0, count: Int(span))
                for (index, id) in sortedIDs.enumerated() { table[Int(id - first)] = Int32(index) }
                dense = table
            } else {
                dense = []
            }
        }

        /// The index of `id` (0 for an id that is not a track of the profile, as before).
        subscript(id: Int64) -> Int32 {
            let offset = id - first
            if !dense.isEmpty {
                return offset >= 0 && offset < Int64(dense.count) ? dense[Int(offset)] : 0
            }
            var lo = 0
            var hi = ids.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if ids[mid] < id { lo = mid + 1 } else { hi = mid }
            }
            return lo < ids.count && ids[lo] == id ? Int32(lo) : 0
        }
    }

    /// The profile's stored columns as they were before this transaction (empty when the profile
    /// had no music plays yet), or nil when they cannot be read.
    private func storedColumns(_ db: SQLiteConnection, profile: Profile) throws -> MusicColumns? {
        let q = try db.prepare("SELECT data FROM music_columns WHERE profile_id = ?")
        q.bind(1, profile.id)
        guard try q.step() else {
            // Every transaction that stores music plays writes the columns, so no row means no plays.
            return MusicColumns()
        }
        return try? MusicColumns(decoding: q.blob(0))
    }

    // MARK: Queries

    /// The profile's music columns (cached until an import changes them).
    public func musicColumns(profile: Profile) throws -> MusicColumns {
        try read { db in
            let generation = try db.scalar("SELECT generation FROM music_columns WHERE profile_id = ?", [.int(profile.id)])
            guard let generation else { return MusicColumns() }
            if let hit = cache.columns(profile: profile.id, generation: generation) { return hit }
            let q = try db.prepare("SELECT data FROM music_columns WHERE profile_id = ?")
            q.bind(1, profile.id)
            guard try q.step() else { return MusicColumns() }
            let columns = try MusicColumns(decoding: q.blob(0))
            cache.keep(columns, profile: profile.id, generation: generation)
            return columns
        }
    }

    public func top(_ query: ChartQuery, profile: Profile) throws -> [ChartEntry] {
        try musicColumns(profile: profile).restricted(to: query.sources).top(query)
    }

    public func stats(range: TimeRange, timeZone: TimeZone, profile: Profile) throws -> ListeningStats {
        var stats = try musicColumns(profile: profile).stats(range: range, timeZone: timeZone)
        try read { db in
            let q = try db.prepare(
                "SELECT kind, count(*) FROM play WHERE profile_id = ? AND end_ts >= ? AND end_ts < ? AND kind > 0 GROUP BY kind")
            q.bind(1, profile.id)
            q.bind(2, range.start)
            q.bind(3, range.end)
            while try q.step() {
                switch PlayKind(rawValue: Int(q.int64(0))) {
                case .episode: stats.episodes = Int(q.int64(1))
                case .audiobookChapter: stats.audiobookChapters = Int(q.int64(1))
                default: break
                }
            }
        }
        return stats
    }

    public func race(_ query: RaceQuery, timeZone: TimeZone, profile: Profile) throws -> RaceData {
        try musicColumns(profile: profile).restricted(to: query.sources).race(query, timeZone: timeZone)
    }

    /// Number of stored plays of each kind (for tests and reports).
    public func playCounts(profile: Profile) throws -> [PlayKind: Int] {
        try read { db in
            let q = try db.prepare("SELECT kind, count(*) FROM play WHERE profile_id = ? GROUP BY kind")
            q.bind(1, profile.id)
            var counts: [PlayKind: Int] = [:]
            while try q.step() {
                if let kind = PlayKind(rawValue: Int(q.int64(0))) { counts[kind] = Int(q.int64(1)) }
            }
            return counts
        }
    }
}
