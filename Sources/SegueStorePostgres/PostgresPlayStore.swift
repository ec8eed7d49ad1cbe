import Foundation
import PostgresNIO
import SegueModel
import SegueStore

/// Plays and charts on PostgreSQL: the same model as the SQLite store, shared by every node.
///
/// Charts read the profile's `MusicColumns` (rebuilt in each import's transaction, like SQLite's):
/// each query asks the database for the profile's generation (one indexed row) and uses its cached,
/// decoded columns while the generation is unchanged, so an import on any node is seen by all.
public final class PostgresPlayStore: PlayStore, @unchecked Sendable {
    public let backend: PostgresBackend
    private let cache = DecodedColumnsCache()

    public init(backend: PostgresBackend) {
        self.backend = backend
    }

    /// Opens the database at `url` (migrating it as needed).
    public convenience init(url: String) throws {
        self.init(backend: try PostgresBackend(url: url))
    }

    // MARK: Profiles

    public func profile(named name: String) throws -> Profile {
        try backend.withConnection { db in
            if let row = try db.query("SELECT id FROM profile WHERE name = \(name)").rows.first {
                return Profile(id: try row.decode(Int64.self), name: name)
            }
            try db.query(
                "INSERT INTO profile(name, created_at) VALUES (\(name), \(Int64(Date().timeIntervalSince1970))) ON CONFLICT (name) DO NOTHING")
            guard let row = try db.query("SELECT id FROM profile WHERE name = \(name)").rows.first else {
                throw PostgresStoreError.server("profile \(name) vanished while it was created")
            }
            return Profile(id: try row.decode(Int64.self), name: name)
        }
    }

    public func existingProfile(named name: String) throws -> Profile? {
        try backend.withConnection { db in
            try db.query("SELECT id FROM profile WHERE name = \(name)").rows.first.map {
                Profile(id: try $0.decode(Int64.self), name: name)
            }
        }
    }

    public func profiles() throws -> [Profile] {
        try backend.withConnection { db in
            try db.query("SELECT id, name FROM profile ORDER BY name").rows.map {
                let (id, name) = try $0.decode((Int64, String).self)
                return Profile(id: id, name: name)
            }
        }
    }

    public func deleteProfile(named name: String) throws {
        guard let profile = try existingProfile(named: name) else { return }
        try backend.transaction { db in
            for table in ["play", "track_variant", "track", "item", "album", "artist", "music_columns"] {
                try db.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE profile_id = $1", binds: Self.binds(profile.id)))
            }
            try db.query("DELETE FROM profile WHERE id = \(profile.id)")
        }
        cache.forget(profile: profile.id)
    }

    private static func binds(_ values: Int64...) -> PostgresBindings {
        var b = PostgresBindings()
        for v in values { b.append(v) }
        return b
    }

    // MARK: Import

    public func importPlays<R>(into profile: Profile, _ body: (any PlaySink) throws -> R) throws -> R {
        // Not retried: `body` reads its input as it goes. A lost connection fails the import, and
        // its transaction leaves nothing behind.
        try backend.transactionOnce { db in
            // One import per profile at a time, on every node: entity ids and the columns' generation.
            guard try !db.query("SELECT id FROM profile WHERE id = \(profile.id) FOR UPDATE").rows.isEmpty else {
                throw PostgresStoreError.server("profile \(profile.name) no longer exists")
            }
            let sink = try PostgresImportSink(db: db, profile: profile)
            let result = try body(sink)
            let renamed = try sink.finishNames()
            if sink.musicChanged || renamed { try rebuildColumns(db, profile: profile) }
            return result
        }
    }

    /// Rebuilds the profile's `MusicColumns` from its rows (inside the caller's transaction).
    /// Entities come in id order (first appearance) and plays in key order: end time, track id, ms.
    private func rebuildColumns(_ db: BlockingConnection, profile: Profile) throws {
        let id = profile.id
        var columns = MusicColumns()
        var artistIndex: [Int64: Int32] = [:]
        for row in try db.query("SELECT id, name FROM artist WHERE profile_id = \(id) ORDER BY id").rows {
            let (artistID, name) = try row.decode((Int64, String).self)
            artistIndex[artistID] = Int32(columns.artistNames.count)
            columns.artistNames.append(name)
        }
        var albumIndex: [Int64: Int32] = [:]
        for row in try db.query("SELECT id, artist_name, name FROM album WHERE profile_id = \(id) ORDER BY id").rows {
            let (albumID, artist, name) = try row.decode((Int64, String, String).self)
            albumIndex[albumID] = Int32(columns.albumNames.count)
            columns.albumArtistNames.append(artist)
            columns.albumNames.append(name)
        }
        var trackIndex: [Int64: Int32] = [:]
        var isrcs: [String] = []
        var mbids: [String] = []
        let trackRows = try db.query(
            "SELECT id, uri, name, artist_id, album_id, isrc, mbid FROM track WHERE profile_id = \(id) ORDER BY id")
        for row in trackRows.rows {
            let (trackID, uri, name, artist, album, isrc, mbid) = try row.decode(
                (Int64, String?, String, Int64, Int64?, String?, String?).self)
            trackIndex[trackID] = Int32(columns.trackNames.count)
            columns.trackURIs.append(uri ?? "")
            columns.trackNames.append(name)
            columns.trackArtist.append(artistIndex[artist] ?? 0)
            columns.trackAlbum.append(album.flatMap { albumIndex[$0] } ?? -1)
            isrcs.append(isrc ?? "")
            mbids.append(mbid ?? "")
        }
        columns.setTrackIdentifiers(isrcs: isrcs, mbids: mbids)
        // Four arrays in one row: a million plays decode as four arrays, not a million rows.
        let plays = try db.query(
            """
            SELECT coalesce(array_agg(end_ts ORDER BY end_ts, item_id, ms), '{}'),
                coalesce(array_agg(item_id ORDER BY end_ts, item_id, ms), '{}'),
                coalesce(array_agg(ms ORDER BY end_ts, item_id, ms), '{}'),
                coalesce(array_agg(source ORDER BY end_ts, item_id, ms), '{}')
            FROM play WHERE profile_id = \(id) AND kind = 0
            """)
        if let row = plays.rows.first {
            let (ends, items, ms, sources) = try row.decode(([Int64], [Int64], [Int32], [Int16]).self)
            columns.sources = sources.map { UInt8(clamping: $0) }
            columns.endTimes = ends
            columns.trackOfPlay = items.map { trackIndex[$0] ?? 0 }
            columns.milliseconds = ms
        }
        columns.unifyAcrossSources()
        let bytes = columns.encoded()
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try db.query(
            """
            INSERT INTO music_columns(profile_id, generation, data) VALUES (\(id), 1, \(buffer))
            ON CONFLICT (profile_id) DO UPDATE SET generation = music_columns.generation + 1, data = excluded.data
            """)
    }

    // MARK: Queries

    /// The profile's music columns (cached until an import on any node changes them).
    public func musicColumns(profile: Profile) throws -> MusicColumns {
        try backend.withConnection { db in
            guard let row = try db.query("SELECT generation FROM music_columns WHERE profile_id = \(profile.id)").rows.first else {
                return MusicColumns()
            }
            let generation = try row.decode(Int64.self)
            if let hit = cache.columns(profile: profile.id, generation: generation) { return hit }
            guard let data = try db.query("SELECT generation, data FROM music_columns WHERE profile_id = \(profile.id)").rows.first else {
                return MusicColumns()
            }
            let (current, buffer) = try data.decode((Int64, ByteBuffer).self)
            let columns = try buffer.withUnsafeReadableBytes { try MusicColumns(decoding: $0) }
            cache.keep(columns, profile: profile.id, generation: current)
            return columns
        }
    }

    public func top(_ query: ChartQuery, profile: Profile) throws -> [ChartEntry] {
        try musicColumns(profile: profile).restricted(to: query.sources).top(query)
    }

    public func stats(range: TimeRange, timeZone: TimeZone, profile: Profile) throws -> ListeningStats {
        var stats = try musicColumns(profile: profile).stats(range: range, timeZone: timeZone)
        try backend.withConnection { db in
            let rows = try db.query(
                """
                SELECT kind, count(*) FROM play WHERE profile_id = \(profile.id) AND end_ts >= \(range.start) AND end_ts < \(range.end)
                    AND kind > 0 GROUP BY kind
                """)
            for row in rows.rows {
                let (kind, count) = try row.decode((Int16, Int64).self)
                switch PlayKind(rawValue: Int(kind)) {
                case .episode: stats.episodes = Int(count)
                case .audiobookChapter: stats.audiobookChapters = Int(count)
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
        try backend.withConnection { db in
            var counts: [PlayKind: Int] = [:]
            for row in try db.query("SELECT kind, count(*) FROM play WHERE profile_id = \(profile.id) GROUP BY kind").rows {
                let (kind, count) = try row.decode((Int16, Int64).self)
                if let k = PlayKind(rawValue: Int(kind)) { counts[k] = Int(count) }
            }
            return counts
        }
    }
}
