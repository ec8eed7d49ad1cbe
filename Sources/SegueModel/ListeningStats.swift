/// Totals and listening patterns of a profile over a range.
public struct ListeningStats: Sendable, Equatable, Codable {
    public var musicPlays: Int = 0
    public var streams: Int = 0
    public var milliseconds: Int64 = 0
    public var episodes: Int = 0
    public var audiobookChapters: Int = 0
    /// End time of the first and last music play, seconds since 1970 UTC.
    public var firstPlay: Int64?
    public var lastPlay: Int64?
    public var distinctTracks: Int = 0
    public var distinctArtists: Int = 0
    public var distinctAlbums: Int = 0
    /// Music plays whose source gave no length (scrobbles): each counts as a stream and adds its
    /// track's length to minutes when Segue knows it.
    public var playsWithoutLength: Int = 0
    /// Music milliseconds by hour of day (0–23), weekday (0 = Monday) and month (0 = January),
    /// in the query's time zone.
    public var millisecondsByHour: [Int64] = Array(repeating: 0, count: 24)
    public var millisecondsByWeekday: [Int64] = Array(repeating: 0, count: 7)
    public var millisecondsByMonth: [Int64] = Array(repeating: 0, count: 12)
    public var streamsByHour: [Int] = Array(repeating: 0, count: 24)
    public var streamsByWeekday: [Int] = Array(repeating: 0, count: 7)
    public var streamsByMonth: [Int] = Array(repeating: 0, count: 12)

    public init() {}

    public var minutes: Double { Double(milliseconds) / 60_000 }
}
