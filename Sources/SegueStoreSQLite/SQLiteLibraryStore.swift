import Foundation
import SegueStore

/// The library in its own SQLite file (`library.sqlite` in the data folder).
public final class SQLiteLibraryStore: LibraryStore, @unchecked Sendable {
    private let db: SQLiteConnection
    private let lock = NSLock()

    static let steps: [String] = [
        """
        CREATE TABLE library_track(
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE,
            artist TEXT,
            title TEXT,
            album TEXT,
            track_number INTEGER,
            duration_s REAL NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            analysis_version INTEGER,
            analysis TEXT
        );
        CREATE INDEX library_track_status ON library_track(status);
        """,
        // 2: musicnn's embedding and MSD tag scores, little-endian float32 arrays.
        """
        ALTER TABLE library_track ADD COLUMN embedding BLOB;
        ALTER TABLE library_track ADD COLUMN tag_scores BLOB;
        """,
        // 3: the recording's ISRC and MusicBrainz recording id from the file's tags.
        """
        ALTER TABLE library_track ADD COLUMN isrc TEXT;
        ALTER TABLE library_track ADD COLUMN mbid TEXT;
        """,
    ]

    public static func databasePath(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent("library.sqlite")
    }

    public init(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        try db.migrate(Self.steps)
        self.db = db
    }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private static let columns =
        "id, path, content_hash, artist, title, album, track_number, duration_s, status, error, analysis_version, analysis, "
        + "embedding, tag_scores, isrc, mbid"

    private static func row(_ s: SQLiteStatement) -> LibraryTrack {
        LibraryTrack(
            id: s.int64(0), path: s.text(1) ?? "", contentHash: s.text(2) ?? "", artist: s.text(3), title: s.text(4),
            album: s.text(5), trackNumber: s.isNull(6) ? nil : Int(s.int64(6)), durationSeconds: s.double(7),
            status: LibraryTrack.Status(rawValue: s.text(8) ?? "") ?? .failed, error: s.text(9),
            analysisVersion: s.isNull(10) ? nil : Int(s.int64(10)), analysisJSON: s.text(11),
            embedding: s.isNull(12) ? nil : floats(s.blob(12)), tagScores: s.isNull(13) ? nil : floats(s.blob(13)),
            isrc: s.text(14), recordingMBID: s.text(15))
    }

    /// Float arrays are stored as little-endian float32 bytes.
    static func bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in
            let bits = v.bitPattern.littleEndian
            return [
                UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8), UInt8(truncatingIfNeeded: bits >> 16),
                UInt8(truncatingIfNeeded: bits >> 24),
            ]
        }
    }

    static func floats(_ raw: UnsafeRawBufferPointer) -> [Float] {
        (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
    }

    public func add(_ track: LibraryTrack) throws -> (track: LibraryTrack, isNew: Bool) {
        try locked {
            let find = try db.prepare("SELECT \(Self.columns) FROM library_track WHERE content_hash = ?")
            find.bind(1, track.contentHash)
            if try find.step() {
                var existing = Self.row(find)
                let isrc = existing.isrc ?? track.isrc
                let mbid = existing.recordingMBID ?? track.recordingMBID
                if isrc != existing.isrc || mbid != existing.recordingMBID {
                    let u = try db.prepare("UPDATE library_track SET isrc = ?, mbid = ? WHERE id = ?")
                    u.bind(1, isrc)
                    u.bind(2, mbid)
                    u.bind(3, existing.id)
                    try u.run()
                    existing.isrc = isrc
                    existing.recordingMBID = mbid
                }
                return (existing, false)
            }
            let s = try db.prepare(
                "INSERT INTO library_track(path, content_hash, artist, title, album, track_number, duration_s, status, isrc, mbid) VALUES (?,?,?,?,?,?,?,?,?,?)"
            )
            s.bind(1, track.path)
            s.bind(2, track.contentHash)
            s.bind(3, track.artist)
            s.bind(4, track.title)
            s.bind(5, track.album)
            if let n = track.trackNumber { s.bind(6, Int64(n)) } else { s.bindNull(6) }
            s.bind(7, double: track.durationSeconds)
            s.bind(8, track.status.rawValue)
            s.bind(9, track.isrc)
            s.bind(10, track.recordingMBID)
            try s.run()
            var stored = track
            stored.id = db.lastInsertRowID
            return (stored, true)
        }
    }

    public func track(id: Int64) throws -> LibraryTrack? {
        try locked {
            let s = try db.prepare("SELECT \(Self.columns) FROM library_track WHERE id = ?")
            s.bind(1, id)
            return try s.step() ? Self.row(s) : nil
        }
    }

    public func tracks() throws -> [LibraryTrack] {
        try locked {
            let s = try db.prepare("SELECT \(Self.columns) FROM library_track ORDER BY artist, album, track_number, title, id")
            var result: [LibraryTrack] = []
            while try s.step() { result.append(Self.row(s)) }
            return result
        }
    }

    public func setStatus(id: Int64, _ status: LibraryTrack.Status, error: String?) throws {
        try locked {
            let s = try db.prepare("UPDATE library_track SET status = ?, error = ? WHERE id = ?")
            s.bind(1, status.rawValue)
            s.bind(2, error)
            s.bind(3, id)
            try s.run()
        }
    }

    public func saveAnalysis(id: Int64, version: Int, json: String, embedding: [Float]?, tagScores: [Float]?) throws {
        try locked {
            let s = try db.prepare(
                "UPDATE library_track SET status = 'done', error = NULL, analysis_version = ?, analysis = ?, embedding = ?, tag_scores = ? WHERE id = ?"
            )
            s.bind(1, Int64(version))
            s.bind(2, json)
            if let embedding { s.bind(3, blob: Self.bytes(embedding)) } else { s.bindNull(3) }
            if let tagScores { s.bind(4, blob: Self.bytes(tagScores)) } else { s.bindNull(4) }
            s.bind(5, id)
            try s.run()
        }
    }

    /// None: an embedded library is scanned exactly in memory (`ExactSimilarityIndex`), which is
    /// faster than any index at the sizes one person's library reaches.
    public func embeddingIndex(dimensions: Int) throws -> (any SimilarityIndex)? { nil }
}
