import Foundation

/// Each profile's decoded `MusicColumns`, kept while the stored columns' generation is unchanged:
/// every chart reads the columns, and decoding them is most of a chart's time. Both backends keep
/// one: a query reads the generation (one indexed row), and decodes only when it moved (an import
/// here, or on another node sharing the database).
public final class DecodedColumnsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [Int64: (generation: Int64, columns: MusicColumns)] = [:]

    public init() {}

    /// The profile's columns decoded at `generation`, or nil when none are kept at that generation.
    public func columns(profile: Int64, generation: Int64) -> MusicColumns? {
        lock.withLock {
            guard let hit = entries[profile], hit.generation == generation else { return nil }
            return hit.columns
        }
    }

    /// Keeps `columns`, decoded at `generation`, for the profile (replacing what was kept).
    public func keep(_ columns: MusicColumns, profile: Int64, generation: Int64) {
        lock.withLock { entries[profile] = (generation, columns) }
    }

    /// Forgets the profile's columns (it was deleted: a new profile may reuse its generation numbers).
    public func forget(profile: Int64) {
        lock.withLock { entries[profile] = nil }
    }
}
