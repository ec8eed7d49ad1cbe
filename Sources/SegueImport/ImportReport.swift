/// What an import did, per file and in total. Every record is accounted for:
/// `records = musicPlays + episodes + audiobookChapters + duplicates + rejected`.
public struct ImportCounts: Sendable, Equatable, Codable {
    public var records = 0
    /// New music plays stored (short ones included).
    public var musicPlays = 0
    /// New music plays under 30 s: they add minutes but no stream.
    public var shortPlays = 0
    public var episodes = 0
    public var audiobookChapters = 0
    /// Exact duplicates of plays already stored or seen earlier in this import.
    public var duplicates = 0
    public var rejected = 0
    /// Rejected records per reason.
    public var rejections: [String: Int] = [:]

    public init() {}

    mutating func add(_ other: ImportCounts) {
        records += other.records
        musicPlays += other.musicPlays
        shortPlays += other.shortPlays
        episodes += other.episodes
        audiobookChapters += other.audiobookChapters
        duplicates += other.duplicates
        rejected += other.rejected
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
    /// `extended` or `account`.
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

    public init() {}
}
