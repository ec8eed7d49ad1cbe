import Foundation
import SegueModel
import SegueStore

extension PlaylistRecipe {
    /// What a build made: the order, and the seeds it used (a history radio chooses them anew each time).
    public struct Built: Sendable {
        public var tracks: [PlaylistTrack]
        public var seeds: [PlaylistTrack]
    }

    /// How many of the most played tracks seed a history radio.
    public static let historySeedCount = 3

    /// `2024` (a year), `2024-05` (a month) or `all`, in UTC; nil for anything else.
    public static func period(_ text: String) -> TimeRange? {
        if text == "all" { return .all }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 1, let y = parts[0], (1900...9999).contains(y) {
            return TimeRange(from: CalendarDay(year: y, month: 1, day: 1), to: CalendarDay(year: y, month: 12, day: 31))
        }
        if parts.count == 2, let y = parts[0], let m = parts[1], (1900...9999).contains(y), (1...12).contains(m) {
            let next = m == 12 ? CalendarDay(year: y + 1, month: 1, day: 1) : CalendarDay(year: y, month: m + 1, day: 1)
            return TimeRange(start: CalendarDay(year: y, month: m, day: 1).startTime(in: .gmt), end: next.startTime(in: .gmt))
        }
        return nil
    }

    /// The rules as `PlaylistConstraints`, checked (a recipe is read back from a store, where anyone
    /// with the file could have changed it).
    /// - Throws: `PlaylistError` naming the rule that is out of range.
    public func constraints() throws(PlaylistError) -> PlaylistConstraints {
        do {
            return try rules.checked()
        } catch {
            throw PlaylistError(error.recipeMessage)
        }
    }

    /// Makes the playlist from the current library and history.
    /// - Parameters:
    ///   - library: the analysed tracks.
    ///   - index: the library's similarity index (nil: the builder's exact scan).
    ///   - playCounts: plays per library track id in a period, from the person's history (asked for
    ///     a history radio and for `preferUnplayed`).
    /// - Throws: `PlaylistError` naming what cannot be done (a seed no longer in the library, a
    ///   period without plays, a rule that cannot be met); errors of `playCounts`.
    public func build(
        library: [PlaylistTrack], index: (any SimilarityIndex)?, playCounts: (TimeRange) throws -> [Int64: Int]
    ) throws -> Built {
        var builder = PlaylistBuilder(library: library, constraints: try constraints(), index: index)
        guard let energy = EnergyArc(rawValue: arc) else {
            throw PlaylistError("the energy arc '\(arc)' is not one of " + EnergyArc.allCases.map(\.rawValue).joined(separator: ", "))
        }
        builder.arc = energy
        if preferUnplayed {
            builder.playCounts = try playCounts(.all)
            builder.preferUnplayed = true
        }
        let byID = Dictionary(library.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func track(_ id: Int64, _ role: String) throws(PlaylistError) -> PlaylistTrack {
            guard let t = byID[id] else { throw PlaylistError("the \(role) (track \(id)) is no longer an analysed track of the library") }
            return t
        }
        func checkLength(_ n: Int) throws(PlaylistError) {
            guard n >= 1 else { throw PlaylistError("a length of \(n) tracks is not possible") }
            guard n <= library.count else {
                throw PlaylistError("a length of \(n) tracks is not possible: the library has \(library.count) analysed tracks")
            }
        }
        switch kind {
        case .radio, .historyRadio:
            var seeds: [PlaylistTrack]
            if kind == .radio {
                guard !self.seeds.isEmpty else { throw PlaylistError("a radio needs at least one seed track") }
                seeds = try self.seeds.map { id throws(PlaylistError) in try track(id, "seed") }
            } else {
                guard let text = historyPeriod, let range = Self.period(text) else {
                    throw PlaylistError("'\(historyPeriod ?? "")' is not a period: give a year (2024), a month (2024-05) or all")
                }
                let counts = try playCounts(range)
                let top = library.filter { counts[$0.id] != nil }.sorted { (counts[$0.id] ?? 0, $1.id) > (counts[$1.id] ?? 0, $0.id) }
                    .prefix(Self.historySeedCount)
                guard !top.isEmpty else { throw PlaylistError("none of the library's analysed tracks was played in \(text)") }
                // Seeds given beside the period stay, first.
                seeds = try self.seeds.map { id throws(PlaylistError) in try track(id, "seed") }
                seeds += top.filter { t in !seeds.contains { $0.id == t.id } }
            }
            let n = length ?? (rules.durationSeconds == nil ? min(20, library.count) : nil)
            if let n { try checkLength(n) }
            return Built(tracks: try builder.radio(seeds: seeds, length: n), seeds: seeds)
        case .path:
            guard let from, let to else { throw PlaylistError("a path needs the track to start from and the one to end on") }
            let a = try track(from, "first track of the path")
            let b = try track(to, "last track of the path")
            let n = length ?? min(10, library.count)
            try checkLength(n)
            return Built(tracks: try builder.path(from: a, to: b, length: n), seeds: [a, b])
        }
    }
}
