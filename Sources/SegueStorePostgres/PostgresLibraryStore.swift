import Foundation
import PostgresNIO
import SegueStore

/// One music library on PostgreSQL: its rows of `library_track`, shared by every node.
///
/// Several libraries share the table, each under its own name (a web session's library, or
/// `home` for the data folder's), as SQLite keeps each in its own file. Embeddings are pgvector
/// values (musicnn's 200-dimensional ones under an HNSW index); tag scores a `real[]`.
public final class PostgresLibraryStore: LibraryStore, @unchecked Sendable {
    public let backend: PostgresBackend
    /// Which library of the table this store reads and writes.
    public let library: String

    /// The library `segue library add` and a single-user server use.
    public static let homeLibrary = LibraryName.home

    public init(backend: PostgresBackend, library: String = PostgresLibraryStore.homeLibrary) {
        self.backend = backend
        self.library = library
    }

    private static let columns = """
        id, path, content_hash, artist, title, album, track_number, duration_s, status, error, analysis_version, analysis, \
        embedding::real[], tag_scores, isrc, mbid
        """

    private static func track(_ row: PostgresRow) throws -> LibraryTrack {
        let r = row.makeRandomAccess()
        return LibraryTrack(
            id: try r[0].decode(Int64.self), path: try r[1].decode(String.self), contentHash: try r[2].decode(String.self),
            artist: try r[3].decode(String?.self), title: try r[4].decode(String?.self), album: try r[5].decode(String?.self),
            trackNumber: try r[6].decode(Int32?.self).map(Int.init), durationSeconds: try r[7].decode(Double.self),
            status: LibraryTrack.Status(rawValue: try r[8].decode(String.self)) ?? .failed, error: try r[9].decode(String?.self),
            analysisVersion: try r[10].decode(Int32?.self).map(Int.init), analysisJSON: try r[11].decode(String?.self),
            embedding: try r[12].decode([Float]?.self), tagScores: try r[13].decode([Float]?.self),
            isrc: try r[14].decode(String?.self), recordingMBID: try r[15].decode(String?.self))
    }

    private func select(_ whereClause: String, _ binds: PostgresBindings) throws -> [LibraryTrack] {
        try backend.withConnection { db in
            try db.query(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM library_track WHERE \(whereClause)", binds: binds))
                .rows.map(Self.track)
        }
    }

    public func add(_ track: LibraryTrack) throws -> (track: LibraryTrack, isNew: Bool) {
        let number = track.trackNumber.map { Int32(clamping: $0) }
        return try backend.withConnection { db in
            // One statement, so two nodes adding the same content at once store it once.
            let inserted = try db.query(
                """
                INSERT INTO library_track(library, path, content_hash, artist, title, album, track_number, duration_s, status,
                    isrc, mbid)
                VALUES (\(library), \(track.path), \(track.contentHash), \(track.artist), \(track.title), \(track.album),
                    \(number), \(track.durationSeconds), \(track.status.rawValue), \(track.isrc), \(track.recordingMBID))
                ON CONFLICT (library, content_hash) DO NOTHING
                RETURNING id
                """
            ).rows.first
            if let inserted {
                var stored = track
                stored.id = try inserted.decode(Int64.self)
                return (stored, true)
            }
            var binds = PostgresBindings()
            binds.append(library)
            binds.append(track.contentHash)
            let rows = try db.query(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Self.columns) FROM library_track WHERE library = $1 AND content_hash = $2", binds: binds))
            guard var existing = try rows.rows.first.map(Self.track) else {
                throw PostgresStoreError.server("track with content \(track.contentHash) vanished while it was added")
            }
            let isrc = existing.isrc ?? track.isrc
            let mbid = existing.recordingMBID ?? track.recordingMBID
            if isrc != existing.isrc || mbid != existing.recordingMBID {
                try db.query(
                    "UPDATE library_track SET isrc = coalesce(isrc, \(isrc)), mbid = coalesce(mbid, \(mbid)) WHERE id = \(existing.id)")
                existing.isrc = isrc
                existing.recordingMBID = mbid
            }
            return (existing, false)
        }
    }

    public func track(id: Int64) throws -> LibraryTrack? {
        var binds = PostgresBindings()
        binds.append(library)
        binds.append(id)
        return try select("library = $1 AND id = $2", binds).first
    }

    public func tracks() throws -> [LibraryTrack] {
        var binds = PostgresBindings()
        binds.append(library)
        // The SQLite store's order: NULLs first, byte order.
        return try select(
            """
            library = $1 ORDER BY artist COLLATE "C" NULLS FIRST, album COLLATE "C" NULLS FIRST, track_number NULLS FIRST,
                title COLLATE "C" NULLS FIRST, id
            """, binds)
    }

    public func setStatus(id: Int64, _ status: LibraryTrack.Status, error: String?) throws {
        try backend.withConnection { db in
            try db.query(
                """
                UPDATE library_track SET status = \(status.rawValue), error = \(error), revision = nextval('library_revision')
                WHERE library = \(library) AND id = \(id)
                """)
        }
    }

    public func saveAnalysis(id: Int64, version: Int, json: String, embedding: [Float]?, tagScores: [Float]?) throws {
        if let bad = embedding?.first(where: { !$0.isFinite }) {
            throw PostgresStoreError.unsupported("track \(id): an embedding holding \(bad) (pgvector stores finite numbers only)")
        }
        let vector = embedding.map(PgvectorIndex.text)
        try backend.withConnection { db in
            try db.query(
                """
                UPDATE library_track SET status = 'done', error = NULL, analysis_version = \(Int32(clamping: version)),
                    analysis = \(json), embedding = \(vector)::vector, tag_scores = \(tagScores),
                    revision = nextval('library_revision')
                WHERE library = \(library) AND id = \(id)
                """)
        }
    }

    /// pgvector's HNSW index (cosine) over this library's stored musicnn embeddings; nil for other
    /// sizes, which no index covers (the caller scans them in memory).
    public func embeddingIndex(dimensions: Int) throws -> (any SimilarityIndex)? {
        dimensions == PgvectorIndex.libraryDimensions ? PgvectorIndex(backend: backend, library: library) : nil
    }

    /// Changes whenever a track of this library is added, changed or removed (cheap: one index scan).
    public func revision() throws -> String {
        try backend.withConnection { db in
            guard
                let row = try db.query("SELECT count(*), coalesce(max(revision), 0) FROM library_track WHERE library = \(library)")
                    .rows.first
            else { return "0/0" }
            let (count, revision) = try row.decode((Int64, Int64).self)
            return "\(count)/\(revision)"
        }
    }

    /// Removes every track of this library (a web session erased).
    public func deleteLibrary() throws {
        try backend.withConnection { db in
            try db.query("DELETE FROM library_track WHERE library = \(library)")
        }
    }
}
