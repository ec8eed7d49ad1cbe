/// An audio file in the library and what analysis found in it.
public struct LibraryTrack: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case queued, decoding, analyzing, done, failed }

    public var id: Int64
    public var path: String
    /// Content hash (hex) and size: the same bytes under two paths are one track.
    public var contentHash: String
    public var artist: String?
    public var title: String?
    public var album: String?
    public var trackNumber: Int?
    public var durationSeconds: Double
    public var status: Status
    public var error: String?
    /// The `AudioAnalysis.version` the stored analysis was made with.
    public var analysisVersion: Int?
    /// The analysis as JSON (decoded by SegueAudio), when done.
    public var analysisJSON: String?
    /// musicnn's 200-dimensional embedding (MSD model), when the weights were installed.
    public var embedding: [Float]?
    /// musicnn's 50 MSD tag scores (0…1, in the model's tag order), with the embedding.
    public var tagScores: [Float]?
    /// The recording's ISRC and MusicBrainz recording id from the file's tags (`RecordingIdentifier`
    /// form), to match plays by identifier (`ListeningIndex`).
    public var isrc: String?
    public var recordingMBID: String?

    public init(
        id: Int64 = 0, path: String, contentHash: String, artist: String? = nil, title: String? = nil, album: String? = nil,
        trackNumber: Int? = nil, durationSeconds: Double = 0, status: Status = .queued, error: String? = nil,
        analysisVersion: Int? = nil, analysisJSON: String? = nil, embedding: [Float]? = nil, tagScores: [Float]? = nil,
        isrc: String? = nil, recordingMBID: String? = nil
    ) {
        self.id = id
        self.path = path
        self.contentHash = contentHash
        self.artist = artist
        self.title = title
        self.album = album
        self.trackNumber = trackNumber
        self.durationSeconds = durationSeconds
        self.status = status
        self.error = error
        self.analysisVersion = analysisVersion
        self.analysisJSON = analysisJSON
        self.embedding = embedding
        self.tagScores = tagScores
        self.isrc = isrc
        self.recordingMBID = recordingMBID
    }
}

/// The music library: files, tags, analysis status and results.
public protocol LibraryStore: Sendable {
    /// Adds a track, or returns the stored one with the same content (a duplicate), which takes the
    /// given ISRC and recording MBID where it has none (a rescan gives files stored before theirs).
    /// - Returns: the track and whether it was new.
    func add(_ track: LibraryTrack) throws -> (track: LibraryTrack, isNew: Bool)
    func track(id: Int64) throws -> LibraryTrack?
    func tracks() throws -> [LibraryTrack]
    func setStatus(id: Int64, _ status: LibraryTrack.Status, error: String?) throws
    /// Marks a track done with its analysis; `embedding` and `tagScores` are musicnn's (nil when
    /// the weights are not installed).
    func saveAnalysis(id: Int64, version: Int, json: String, embedding: [Float]?, tagScores: [Float]?) throws
    /// The database's own nearest-neighbour index over the stored embeddings of this library's
    /// analysed tracks, when the store keeps one for vectors of `dimensions` floats (pgvector's
    /// HNSW on PostgreSQL); nil when the caller is to scan the tracks in memory (SQLite, or an
    /// embedding size no index covers). Distances are cosine distances of the stored vectors.
    func embeddingIndex(dimensions: Int) throws -> (any SimilarityIndex)?
}

extension LibraryStore {
    /// Marks a track done with an analysis that has no musicnn part.
    public func saveAnalysis(id: Int64, version: Int, json: String) throws {
        try saveAnalysis(id: id, version: version, json: json, embedding: nil, tagScores: nil)
    }
}
