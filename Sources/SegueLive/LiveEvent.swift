/// One listen as the live view sees it: who played what, and when (event time).
public struct LiveEvent: Sendable, Equatable {
    public var user: String
    public var track: String
    public var artist: String
    /// When the listen happened, in milliseconds since 1970 UTC.
    public var timeMilliseconds: Int64

    public init(user: String, track: String, artist: String = "", timeMilliseconds: Int64) {
        self.user = user
        self.track = track
        self.artist = artist
        self.timeMilliseconds = timeMilliseconds
    }
}

/// What the dashboard shows at one moment; every number is exact for the window it names.
public struct LiveSnapshot: Sendable, Equatable, Codable {
    /// The moment of the snapshot (milliseconds since 1970 UTC).
    public var time: Int64
    public var windowSeconds: Int
    /// Listens whose event time lies in the window.
    public var streams: Int
    /// Distinct users with a listen in the window.
    public var activeUsers: Int
    public var leaderboard: [LiveTrackCount]
    /// Per-minute figures, oldest first; the last minute is the one in progress.
    public var trend: [LiveMinute]
    /// The most recent alerts, newest last.
    public var alerts: [LiveAlert]
    /// Events accepted since start, and events refused for being older than the window.
    public var totalEvents: Int
    public var lateEvents: Int
    /// Listens per second over the last ten seconds of event time.
    public var eventsPerSecond: Double = 0
    /// Per-minute streams of the top five tracks, aligned with `trend`.
    public var series: [LiveTrackSeries] = []
    /// The latest listen of the most recent listeners, newest first (filled in by `LiveHub`).
    public var nowPlaying: [LiveNowPlaying] = []

    /// The song on top right now.
    public var topTrack: LiveTrackCount? { leaderboard.first }
}

/// A track's listens in the window.
public struct LiveTrackCount: Sendable, Equatable, Codable {
    public var track: String
    public var artist: String
    public var streams: Int
}

/// One minute of the trend lines.
public struct LiveMinute: Sendable, Equatable, Codable {
    /// Start of the minute, seconds since 1970 UTC.
    public var minute: Int64
    public var streams: Int
    public var activeUsers: Int
}

/// A spike or a drop in the per-minute stream rate.
public struct LiveAlert: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case spike, drop }
    public var kind: Kind
    /// The minute that was unusual (start, seconds since 1970 UTC).
    public var minute: Int64
    public var streams: Int
    /// The expected streams per minute from the recent past.
    public var baseline: Double
    /// How many standard deviations from the baseline.
    public var score: Double
    /// The track whose own rate was unusual; nil when the alert is about all streams.
    public var track: String?
    public var artist: String?
}

/// One top track's streams per trend minute.
public struct LiveTrackSeries: Sendable, Equatable, Codable {
    public var track: String
    public var artist: String
    public var counts: [Int]
}

/// Someone's latest listen.
public struct LiveNowPlaying: Sendable, Equatable, Codable {
    public var user: String
    public var track: String
    public var artist: String
    /// Event time, milliseconds since 1970 UTC.
    public var time: Int64
}
