import Foundation

/// How a saved playlist was made, so a scheduled job can make it again from the current library and
/// history: a radio around seed tracks, a radio seeded from the person's most played tracks of a
/// period, or a path between two tracks, with the options that shaped it.
///
/// Stored as JSON with explicit keys (`SavedPlaylist.recipe`); `version` lets a later build read an
/// older recipe, and a recipe it cannot read is reported, never guessed at.
public struct PlaylistRecipe: Sendable, Equatable, Codable {
    /// What the playlist is built around.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Tracks around `seeds`.
        case radio
        /// Tracks around the three library tracks played most in `historyPeriod` (chosen again at each
        /// rebuild), after any `seeds`.
        case historyRadio = "history-radio"
        /// From `from` to `to`.
        case path
    }

    /// The constraints a rebuild keeps (the same rules as `PlaylistConstraints`).
    public struct Rules: Sendable, Equatable, Codable {
        public var artistSpacing: Int = 0
        public var maxPerArtist: Int?
        public var maxPerAlbum: Int?
        public var excludedArtists: [String] = []
        public var excludedAlbums: [String] = []
        public var excludedTags: [String] = []
        public var minBPM: Double?
        public var maxBPM: Double?
        public var maxTrackSeconds: Double?
        public var durationSeconds: Double?
        public var durationToleranceSeconds: Double?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case artistSpacing = "artist_spacing"
            case maxPerArtist = "max_per_artist"
            case maxPerAlbum = "max_per_album"
            case
                excludedArtists = "exclude_artists"
            case excludedAlbums = "exclude_albums"
            case excludedTags = "exclude_tags"
            case
                minBPM = "min_bpm"
            case maxBPM = "max_bpm"
            case maxTrackSeconds = "max_track_seconds"
            case durationSeconds = "duration_seconds"
            case
                durationToleranceSeconds = "duration_tolerance_seconds"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            artistSpacing = try c.decodeIfPresent(Int.self, forKey: .artistSpacing) ?? 0
            maxPerArtist = try c.decodeIfPresent(Int.self, forKey: .maxPerArtist)
            maxPerAlbum = try c.decodeIfPresent(Int.self, forKey: .maxPerAlbum)
            excludedArtists = try c.decodeIfPresent([String].self, forKey: .excludedArtists) ?? []
            excludedAlbums = try c.decodeIfPresent([String].self, forKey: .excludedAlbums) ?? []
            excludedTags = try c.decodeIfPresent([String].self, forKey: .excludedTags) ?? []
            minBPM = try c.decodeIfPresent(Double.self, forKey: .minBPM)
            maxBPM = try c.decodeIfPresent(Double.self, forKey: .maxBPM)
            maxTrackSeconds = try c.decodeIfPresent(Double.self, forKey: .maxTrackSeconds)
            durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds)
            durationToleranceSeconds = try c.decodeIfPresent(Double.self, forKey: .durationToleranceSeconds)
        }
    }

    /// The recipe format this build writes.
    public static let currentVersion = 1

    public var version: Int = PlaylistRecipe.currentVersion
    public var kind: Kind
    /// Library track ids (radio; a history radio's seeds given beside its period).
    public var seeds: [Int64] = []
    /// `2024`, `2024-05` or `all` (history radio).
    public var historyPeriod: String?
    /// Library track ids (path).
    public var from: Int64?
    public var to: Int64?
    /// Number of tracks; nil: the mode's default (a radio with a target duration has none).
    public var length: Int?
    /// `EnergyArc`'s raw value (none, steady, rising, falling, peak).
    public var arc: String = "none"
    /// Favour tracks played seldom or never (from the history).
    public var preferUnplayed = false
    public var rules = Rules()

    public init(kind: Kind) { self.kind = kind }

    enum CodingKeys: String, CodingKey {
        case version, kind, seeds
        case historyPeriod = "history_period"
        case from, to, length, arc
        case preferUnplayed = "prefer_unplayed"
        case rules
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        kind = try c.decode(Kind.self, forKey: .kind)
        seeds = try c.decodeIfPresent([Int64].self, forKey: .seeds) ?? []
        historyPeriod = try c.decodeIfPresent(String.self, forKey: .historyPeriod)
        from = try c.decodeIfPresent(Int64.self, forKey: .from)
        to = try c.decodeIfPresent(Int64.self, forKey: .to)
        length = try c.decodeIfPresent(Int.self, forKey: .length)
        arc = try c.decodeIfPresent(String.self, forKey: .arc) ?? "none"
        preferUnplayed = try c.decodeIfPresent(Bool.self, forKey: .preferUnplayed) ?? false
        rules = try c.decodeIfPresent(Rules.self, forKey: .rules) ?? Rules()
    }

    /// The recipe as stored (JSON, keys sorted so equal recipes are equal text).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a number, a string, a Boolean or an array of them: encoding cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads a stored recipe.
    /// - Throws: `RecipeReadError` saying why (not JSON, a field missing, a newer version).
    public static func read(json text: String) throws(RecipeReadError) -> PlaylistRecipe {
        let recipe: PlaylistRecipe
        do {
            recipe = try JSONDecoder().decode(PlaylistRecipe.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw RecipeReadError(reason: Self.reason(error))
        } catch {
            throw RecipeReadError(reason: "it is not a recipe this version of Segue reads")
        }
        guard recipe.version <= currentVersion else {
            throw RecipeReadError(reason: "it was written by a newer Segue (recipe version \(recipe.version))")
        }
        return recipe
    }
}

extension PlaylistRecipe {
    /// Which field was wrong, in words (the decoder's own message names Swift types).
    static func reason(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            ((context.codingPath + (last.map { [$0] } ?? [])).map(\.stringValue)).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "its field '\(path(context, key))' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "its field '\(path(context))' has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not JSON" : "its field '\(path(context))' has a value this version of Segue does not know"
        @unknown default: return "it is not a recipe this version of Segue reads"
        }
    }
}

/// A stored recipe that cannot be read.
public struct RecipeReadError: Error, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "The saved playlist's recipe cannot be used: \(reason)." }
}
