import Foundation
import SegueModel

/// A named person's data: plays, entities and imports are kept apart per profile.
public struct Profile: Sendable, Equatable, Hashable {
    public var id: Int64
    public var name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// Where plays live, and the chart queries over them.
///
/// Every backend passes the same contract suite (`PlayStoreContract` in the tests).
public protocol PlayStore: Sendable {
    /// The profile called `name`, created when missing.
    func profile(named name: String) throws -> Profile
    /// The profile called `name`, or nil.
    func existingProfile(named name: String) throws -> Profile?
    func profiles() throws -> [Profile]
    /// Erases a profile and everything in it.
    func deleteProfile(named name: String) throws

    /// Adds plays in one transaction: all of them or, when `body` throws, none.
    ///
    /// `body` receives a sink; each call to `add` stores one play, or returns false when it is an exact
    /// duplicate (same kind, end time, item and milliseconds) of a stored or earlier play.
    func importPlays<R>(into profile: Profile, _ body: (any PlaySink) throws -> R) throws -> R

    /// The top entities for `query`, sorted by the metric (descending), ties by name.
    func top(_ query: ChartQuery, profile: Profile) throws -> [ChartEntry]
    /// Totals, distinct counts and listening by hour, weekday and month.
    func stats(range: TimeRange, timeZone: TimeZone, profile: Profile) throws -> ListeningStats
    /// Cumulative values per period of every entity ever in the top N.
    func race(_ query: RaceQuery, timeZone: TimeZone, profile: Profile) throws -> RaceData
    /// The profile's music plays as chart columns: one history, merged across sources
    /// (`MusicColumns.unifyAcrossSources`).
    func musicColumns(profile: Profile) throws -> MusicColumns
}

/// Receives batches of plays inside an import transaction.
public protocol PlaySink: AnyObject {
    /// Stores the batch's plays; element `i` of the result is false when play `i` was an exact
    /// duplicate (of a stored play or an earlier one) and was not stored again.
    func add(_ batch: PlayBatch) throws -> [Bool]
}

extension PlaySink {
    /// Stores one play; false when it is an exact duplicate.
    public func add(_ play: Play) throws -> Bool {
        try add(PlayBatch([play]))[0]
    }
}
