/// The length of one step of a bar-chart race.
public enum RacePeriod: String, Sendable, Codable, CaseIterable {
    case day, week, month

    /// The first day of the period containing `day` (weeks start on Monday).
    public func start(of day: CalendarDay) -> CalendarDay {
        switch self {
        case .day: return day
        case .week: return CalendarDay(daysSinceEpoch: day.daysSinceEpoch - Int64(day.weekdayFromMonday))
        case .month: return CalendarDay(year: day.year, month: day.month, day: 1)
        }
    }

    /// The first day of the period after the one starting at `start`.
    public func next(after start: CalendarDay) -> CalendarDay {
        switch self {
        case .day: return start.next
        case .week: return CalendarDay(daysSinceEpoch: start.daysSinceEpoch + 7)
        case .month:
            return start.month == 12
                ? CalendarDay(year: start.year + 1, month: 1, day: 1)
                : CalendarDay(year: start.year, month: start.month + 1, day: 1)
        }
    }
}

/// A request for race data.
public struct RaceQuery: Sendable, Equatable {
    public var kind: EntityKind
    public var metric: Metric
    public var from: CalendarDay?
    public var to: CalendarDay?
    public var period: RacePeriod
    /// Entities that are ever in the top `top` of some period are included.
    public var top: Int
    /// The sources whose plays count (default: all).
    public var sources: SourceSet

    public init(
        kind: EntityKind, metric: Metric, from: CalendarDay? = nil, to: CalendarDay? = nil,
        period: RacePeriod = .month, top: Int = 10, sources: SourceSet = .all
    ) {
        self.sources = sources
        self.kind = kind
        self.metric = metric
        self.from = from
        self.to = to
        self.period = period
        self.top = top
    }
}

/// One entity that takes part in a race.
public struct RaceEntity: Sendable, Equatable, Codable, Hashable {
    public var name: String
    /// The track's or album's artist; nil for artists.
    public var artist: String?
    public var album: String?
    public var uri: String?

    public init(name: String, artist: String? = nil, album: String? = nil, uri: String? = nil) {
        self.name = name
        self.artist = artist
        self.album = album
        self.uri = uri
    }
}

/// Cumulative values per period for every entity that is ever in the top N: what a race renders.
public struct RaceData: Sendable, Equatable, Codable {
    public var kind: EntityKind
    public var metric: Metric
    public var period: RacePeriod
    /// The first day of each period, in order.
    public var periods: [CalendarDay]
    public var entities: [RaceEntity]
    /// `values[e][p]`: the cumulative value of entity `e` at the end of period `p`
    /// (streams, or minutes), counted from the start of the range.
    public var values: [[Double]]

    public init(
        kind: EntityKind, metric: Metric, period: RacePeriod, periods: [CalendarDay], entities: [RaceEntity],
        values: [[Double]]
    ) {
        self.kind = kind
        self.metric = metric
        self.period = period
        self.periods = periods
        self.entities = entities
        self.values = values
    }
}

extension CalendarDay: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CalendarDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
