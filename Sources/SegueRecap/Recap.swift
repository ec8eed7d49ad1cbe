import SegueModel

/// The story of a person's listening over a period: one value that the JSON, the cards, the page
/// and the video all read.
///
/// Totals come from `MusicColumns.stats` and the top lists from `MusicColumns.top`, the code
/// paths of `segue stats` and `segue top`, so the numbers are theirs by construction. Everything
/// is music only (episodes and audiobooks are not in the columns).
public struct Recap: Sendable, Equatable, Codable {
    /// Bumped when a field changes meaning.
    public static let formatVersion = 1
    /// How many entries each top list (and the discoveries) holds.
    public static let topCount = 5
    /// Two plays belong to one session when the second starts less than this many seconds after
    /// the first ends.
    public static let sessionGap: Int64 = 300

    public var version: Int = Recap.formatVersion
    /// First and last day covered, inclusive.
    public var from: CalendarDay
    public var to: CalendarDay
    /// The IANA time zone days, hours and weeks are counted in.
    public var timeZone: String
    /// What the top lists and "biggest" rank by.
    public var metric: Metric
    public var totals: RecapTotals
    /// The period before, of the same length (the year before for a calendar year).
    public var previous: RecapComparison
    public var topArtists: [RecapEntry]
    public var topTracks: [RecapEntry]
    public var topAlbums: [RecapEntry]
    public var discoveries: RecapDiscoveries
    public var loyalty: RecapLoyalty
    public var shape: RecapShape
    /// How the top 10 artists changed through the period: the race of `segue race`, fitted to the
    /// period (`Recap.racePeriod`), for the race chapter of the video.
    public var race: RaceData
    /// What the period sounded like, from the plays that match analysed library files; nil (absent
    /// from the JSON) when none does.
    public var sound: RecapSound? = nil

    /// The race's step for a period of `days`: months beyond a quarter, weeks beyond a fortnight, else days.
    public static func racePeriod(days: Int) -> RacePeriod {
        days > 92 ? .month : days > 14 ? .week : .day
    }

    /// No music was played in the period.
    public var isEmpty: Bool { totals.plays == 0 }
}

/// Totals of a period (music plays only).
public struct RecapTotals: Sendable, Equatable, Codable {
    /// Music plays of any length.
    public var plays: Int = 0
    /// Plays of 30 s or more (and scrobbles).
    public var streams: Int = 0
    public var milliseconds: Int64 = 0
    public var minutes: Double = 0
    public var artists: Int = 0
    public var tracks: Int = 0
    public var albums: Int = 0

    public init() {}

    /// The totals of `stats` (the value `segue stats` prints).
    public init(_ stats: ListeningStats) {
        plays = stats.musicPlays
        streams = stats.streams
        milliseconds = stats.milliseconds
        minutes = stats.minutes
        artists = stats.distinctArtists
        tracks = stats.distinctTracks
        albums = stats.distinctAlbums
    }
}

/// The period compared with, its totals and the relative change of each (0.25 = a quarter more;
/// nil where the earlier period had none).
public struct RecapComparison: Sendable, Equatable, Codable {
    public var from: CalendarDay
    public var to: CalendarDay
    public var totals: RecapTotals
    public var streamsChange: Double?
    public var minutesChange: Double?
    public var artistsChange: Double?
    public var tracksChange: Double?
    public var albumsChange: Double?

    /// The comparison of `current` with `earlier`, which covered `from...to`.
    public init(from: CalendarDay, to: CalendarDay, earlier: RecapTotals, current: RecapTotals) {
        func change(_ now: Double, _ before: Double) -> Double? { before > 0 ? (now - before) / before : nil }
        self.from = from
        self.to = to
        totals = earlier
        streamsChange = change(Double(current.streams), Double(earlier.streams))
        minutesChange = change(Double(current.milliseconds), Double(earlier.milliseconds))
        artistsChange = change(Double(current.artists), Double(earlier.artists))
        tracksChange = change(Double(current.tracks), Double(earlier.tracks))
        albumsChange = change(Double(current.albums), Double(earlier.albums))
    }
}

/// One artist, track or album of a recap list.
public struct RecapEntry: Sendable, Equatable, Codable {
    public var rank: Int
    /// Artist, track or album name.
    public var name: String
    /// The track's or album's artist.
    public var artist: String?
    /// The track's album, when known.
    public var album: String?
    public var uri: String?
    /// Streams (plays of 30 s or more, and scrobbles).
    public var streams: Int
    public var milliseconds: Int64
    public var minutes: Double
    /// Its part of the period's total of the recap's metric, 0 to 1.
    public var share: Double

    /// The recap entry of a chart row, its share of `total` (streams or milliseconds, as `metric`).
    public init(_ entry: ChartEntry, metric: Metric, total: Double) {
        rank = entry.rank
        name = entry.name
        artist = entry.artist
        album = entry.album
        uri = entry.uri
        streams = entry.streams
        milliseconds = entry.milliseconds
        minutes = entry.minutes
        let value = metric == .streams ? Double(entry.streams) : Double(entry.milliseconds)
        share = total > 0 ? value / total : 0
    }
}

/// Artists first played in the period: never in the history before its first day.
public struct RecapDiscoveries: Sendable, Equatable, Codable {
    /// New artists with at least one stream in the period (a skip alone is not a discovery).
    public var count: Int = 0
    /// The biggest of them by the recap's metric (the first of `top`).
    public var biggest: RecapEntry?
    /// The biggest `Recap.topCount`, with the same fields as the top lists.
    public var top: [RecapEntry] = []
    /// Their part of the period's streams (or milliseconds, as the metric).
    public var share: Double = 0

    public init() {}
}

/// Coming back: the most regular artist, the longest streak of days, the longest session.
public struct RecapLoyalty: Sendable, Equatable, Codable {
    /// The artist streamed in the most distinct weeks (Monday to Sunday) of the period.
    public var mostWeeks: RecapWeeks?
    /// The longest run of consecutive days with at least one stream.
    public var longestStreak: RecapStreak?
    /// The longest session: plays each starting less than `Recap.sessionGap` after the previous ended.
    public var longestSession: RecapSession?

    public init() {}
}

/// An artist and the number of weeks they were played in.
public struct RecapWeeks: Sendable, Equatable, Codable {
    public var artist: String
    public var weeks: Int
    /// Weeks the period touches (a partial first or last week counts).
    public var ofWeeks: Int
    public var streams: Int

    public init(artist: String, weeks: Int, ofWeeks: Int, streams: Int) {
        self.artist = artist
        self.weeks = weeks
        self.ofWeeks = ofWeeks
        self.streams = streams
    }
}

/// Consecutive days with music.
public struct RecapStreak: Sendable, Equatable, Codable {
    public var days: Int
    public var from: CalendarDay
    public var to: CalendarDay

    public init(days: Int, from: CalendarDay, to: CalendarDay) {
        self.days = days
        self.from = from
        self.to = to
    }
}

/// One listening session.
public struct RecapSession: Sendable, Equatable, Codable {
    /// Start of its first play and end of its last, seconds since 1970.
    public var start: Int64
    public var end: Int64
    /// The local day it started on.
    public var day: CalendarDay
    public var plays: Int
    /// Music it held (less than `end - start` when there were pauses).
    public var milliseconds: Int64
    /// `end - start`, in minutes.
    public var durationMinutes: Double
}

/// When the listening happened, in the recap's time zone.
public struct RecapShape: Sendable, Equatable, Codable {
    /// Every calendar month the period touches, in order (a range over two years has 24 or so).
    public var months: [RecapMonth] = []
    /// Milliseconds and streams by hour of day (0–23), from `segue stats`.
    public var millisecondsByHour: [Int64] = Array(repeating: 0, count: 24)
    public var streamsByHour: [Int] = Array(repeating: 0, count: 24)
    /// Milliseconds and streams by weekday (0 = Monday), from `segue stats`.
    public var millisecondsByWeekday: [Int64] = Array(repeating: 0, count: 7)
    public var streamsByWeekday: [Int] = Array(repeating: 0, count: 7)
    /// The day with the most of the recap's metric (the earliest of equal days).
    public var busiestDay: RecapDay?

    public init() {}
}

/// One calendar month of a recap.
public struct RecapMonth: Sendable, Equatable, Codable {
    public var year: Int
    /// 1 to 12.
    public var month: Int
    public var milliseconds: Int64
    public var minutes: Double
    public var streams: Int
}

/// One day of a recap.
public struct RecapDay: Sendable, Equatable, Codable {
    public var day: CalendarDay
    public var milliseconds: Int64
    public var minutes: Double
    public var streams: Int
}
