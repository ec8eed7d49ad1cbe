/// What an import did, per file and in total. Every record is accounted for:
/// `records = musicPlays + episodes + audiobookChapters + duplicates + rejected`.
public struct ImportCounts: Sendable, Equatable, Codable {
    public var records = 0
    /// New music plays stored (short ones included).
    public var musicPlays = 0
    /// New music plays under 30 s: they add minutes but no stream.
    public var shortPlays = 0
    /// New music plays whose source gave no length (Last.fm, YouTube Music, a listen without
    /// `duration_ms`): each counts as a stream and adds its track's known length to minutes.
    public var withoutLength = 0
    public var episodes = 0
    public var audiobookChapters = 0
    /// Exact duplicates of plays already stored or seen earlier in this import.
    public var duplicates = 0
    public var rejected = 0
    /// Rejected records per reason.
    public var rejections: [String: Int] = [:]
    /// ISRCs and MusicBrainz recording ids that were not valid (`RecordingIdentifier`): dropped from
    /// records that were kept (not counted in `rejected`).
    public var droppedIdentifiers = 0

    public init() {}

    mutating func add(_ other: ImportCounts) {
        records += other.records
        musicPlays += other.musicPlays
        shortPlays += other.shortPlays
        withoutLength += other.withoutLength
        episodes += other.episodes
        audiobookChapters += other.audiobookChapters
        duplicates += other.duplicates
        rejected += other.rejected
        droppedIdentifiers += other.droppedIdentifiers
        for (reason, n) in other.rejections { rejections[reason, default: 0] += n }
    }
}

/// A record that was not imported, and why.
public struct RejectedRecord: Sendable, Equatable, Codable {
    /// Index of the record in its file, from 0.
    public var record: Int
    public var reason: String
}

/// The outcome for one file.
public struct FileImportReport: Sendable, Equatable, Codable {
    public var file: String
    /// `extended` or `account` (Spotify), or a `HistoryFormat` name (`lastfm`, `listenbrainz`, `apple`, `youtube`).
    public var format: String
    public var counts: ImportCounts
    /// The first rejected records (at most 20), to find them in the file.
    public var examples: [RejectedRecord]
}

/// A file that was looked at and left out.
public struct SkippedFile: Sendable, Equatable, Codable {
    public var file: String
    public var reason: String
}

/// The outcome of one import.
public struct ImportReport: Sendable, Equatable, Codable {
    public var files: [FileImportReport] = []
    public var skipped: [SkippedFile] = []
    public var total = ImportCounts()
    /// Plays that turned out to be one listen with a play from another source (a Spotify play and
    /// its Last.fm scrobble): per source name (`PlaySource.name`) of the play that gave way to the
    /// richer one. Those plays stay stored; the charts count the listen once.
    public var mergedAcrossSources: [String: Int] = [:]

    public init() {}
}

// Reports stored by earlier versions (finished import jobs) lack the newer fields.
extension ImportCounts {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        records = try c.decode(Int.self, forKey: .records)
        musicPlays = try c.decode(Int.self, forKey: .musicPlays)
        shortPlays = try c.decode(Int.self, forKey: .shortPlays)
        withoutLength = try c.decodeIfPresent(Int.self, forKey: .withoutLength) ?? 0
        episodes = try c.decode(Int.self, forKey: .episodes)
        audiobookChapters = try c.decode(Int.self, forKey: .audiobookChapters)
        duplicates = try c.decode(Int.self, forKey: .duplicates)
        rejected = try c.decode(Int.self, forKey: .rejected)
        rejections = try c.decode([String: Int].self, forKey: .rejections)
        droppedIdentifiers = try c.decodeIfPresent(Int.self, forKey: .droppedIdentifiers) ?? 0
    }
}

extension ImportReport {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.decode([FileImportReport].self, forKey: .files)
        skipped = try c.decode([SkippedFile].self, forKey: .skipped)
        total = try c.decode(ImportCounts.self, forKey: .total)
        mergedAcrossSources = try c.decodeIfPresent([String: Int].self, forKey: .mergedAcrossSources) ?? [:]
    }
}
