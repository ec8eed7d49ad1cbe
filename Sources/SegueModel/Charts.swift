/// The entities a chart ranks.
public enum EntityKind: String, Sendable, Codable, CaseIterable {
    case artists, tracks, albums
}

/// What a chart ranks by: streams (music plays of 30 s or more) or minutes (all music plays).
public enum Metric: String, Sendable, Codable, CaseIterable {
    case streams, minutes
}

/// One row of a top chart.
public struct ChartEntry: Sendable, Equatable, Codable {
    public var rank: Int
    /// Artist name, track name or album name.
    public var name: String
    /// The track's or album's artist (nil for an artist row).
    public var artist: String?
    /// The track's album (nil for artists and albums, or when unknown).
    public var album: String?
    /// The track's Spotify URI (tracks only, when known).
    public var uri: String?
    public var streams: Int
    public var milliseconds: Int64

    public init(
        rank: Int, name: String, artist: String? = nil, album: String? = nil, uri: String? = nil,
        streams: Int, milliseconds: Int64
    ) {
        self.rank = rank
        self.name = name
        self.artist = artist
        self.album = album
        self.uri = uri
        self.streams = streams
        self.milliseconds = milliseconds
    }

    /// Sum of milliseconds played / 60,000.
    public var minutes: Double { Double(milliseconds) / 60_000 }

    /// The value of the chosen metric.
    public func value(_ metric: Metric) -> Double {
        metric == .streams ? Double(streams) : minutes
    }

    enum CodingKeys: String, CodingKey { case rank, name, artist, album, uri, streams, minutes }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rank, forKey: .rank)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(artist, forKey: .artist)
        try c.encodeIfPresent(album, forKey: .album)
        try c.encodeIfPresent(uri, forKey: .uri)
        try c.encode(streams, forKey: .streams)
        try c.encode(minutes, forKey: .minutes)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rank = try c.decode(Int.self, forKey: .rank)
        name = try c.decode(String.self, forKey: .name)
        artist = try c.decodeIfPresent(String.self, forKey: .artist)
        album = try c.decodeIfPresent(String.self, forKey: .album)
        uri = try c.decodeIfPresent(String.self, forKey: .uri)
        streams = try c.decode(Int.self, forKey: .streams)
        milliseconds = Int64((try c.decode(Double.self, forKey: .minutes) * 60_000).rounded())
    }
}

/// A request for a top chart.
public struct ChartQuery: Sendable, Equatable {
    public var kind: EntityKind
    public var metric: Metric
    public var range: TimeRange
    public var limit: Int
    /// The sources whose plays count (default: all).
    public var sources: SourceSet

    public init(kind: EntityKind, metric: Metric, range: TimeRange = .all, limit: Int = 10, sources: SourceSet = .all) {
        self.kind = kind
        self.metric = metric
        self.range = range
        self.limit = limit
        self.sources = sources
    }
}
