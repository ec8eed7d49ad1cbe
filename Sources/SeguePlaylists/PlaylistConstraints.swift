import Foundation

/// What a playlist must respect, in every mode.
///
/// Per-track rules (exclusions, tempo range, maximum length) decide which tracks may appear at
/// all; counts (per artist, per album) and the total duration shape the selection; the artist
/// spacing shapes the order (the orderer never puts two tracks by one artist closer than allowed).
public struct PlaylistConstraints: Sendable, Equatable {
    /// Two tracks by the same artist have at least this many other tracks between them (0: off;
    /// 1: never back to back).
    public var artistSpacing: Int = 0
    public var maxPerArtist: Int?
    public var maxPerAlbum: Int?
    /// Compared case-insensitively.
    public var excludedArtists: Set<String> = []
    public var excludedAlbums: Set<String> = []
    /// A track with any of these among its tags is left out (case-insensitive).
    public var excludedTags: Set<String> = []
    /// Whole-track BPM.
    public var tempoRange: ClosedRange<Float>?
    public var maxTrackSeconds: Double?
    /// Total length wanted, within ± `durationTolerance` seconds.
    public var targetDurationSeconds: Double?
    public var durationTolerance: Double = 120

    public init() {}

    public var isEmpty: Bool { self == PlaylistConstraints() }

    /// Why a track may not appear at all, or nil if it may.
    public func rejection(of track: PlaylistTrack) -> String? {
        if excludedArtists.contains(where: { $0.caseInsensitiveCompare(track.artist) == .orderedSame }) {
            return "its artist '\(track.artist)' is excluded"
        }
        if !track.album.isEmpty, excludedAlbums.contains(where: { $0.caseInsensitiveCompare(track.album) == .orderedSame }) {
            return "its album '\(track.album)' is excluded"
        }
        if let tag = track.tags.first(where: { t in excludedTags.contains { $0.caseInsensitiveCompare(t) == .orderedSame } }) {
            return "it is tagged '\(tag)', an excluded tag"
        }
        if let range = tempoRange, !range.contains(track.bpm) {
            return String(format: "its tempo %.0f BPM is outside %.0f–%.0f BPM", track.bpm, range.lowerBound, range.upperBound)
        }
        if let limit = maxTrackSeconds, track.durationSeconds > limit {
            return "it lasts \(Self.clock(track.durationSeconds)), over the maximum track length \(Self.clock(limit))"
        }
        return nil
    }

    /// The total-duration window, if any.
    public var durationWindow: ClosedRange<Double>? {
        targetDurationSeconds.map { max(0, $0 - durationTolerance)...($0 + durationTolerance) }
    }

    static func artistKey(_ track: PlaylistTrack) -> String { track.artist.lowercased() }
    static func albumKey(_ track: PlaylistTrack) -> String? {
        track.album.isEmpty ? nil : "\(track.artist.lowercased())\u{1F}\(track.album.lowercased())"
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    // MARK: Artist spacing arithmetic

    /// Whether `counts` (tracks per artist) can be ordered with `spacing` other tracks between two
    /// by one artist: with M the largest count and t the artists that have it, exactly when
    /// (M − 1)(spacing + 1) + t ≤ the number of tracks (the task-scheduler bound; the
    /// most-remaining-first construction in `PlaylistOrderer` meets it).
    public static func spacingFeasible(_ counts: [Int], spacing: Int) -> Bool {
        guard spacing > 0, let m = counts.max(), m > 1 else { return true }
        let t = counts.filter { $0 == m }.count
        return (m - 1) * (spacing + 1) + t <= counts.reduce(0, +)
    }

    /// The largest spacing `counts` allow.
    public static func largestSpacing(_ counts: [Int]) -> Int {
        guard let m = counts.max(), m > 1 else { return Int.max }
        let t = counts.filter { $0 == m }.count
        return (counts.reduce(0, +) - t) / (m - 1) - 1
    }

    /// The most tracks an artist may have in a playlist of `length` with this spacing, and how many
    /// artists may have that many.
    static func spacingCap(length: Int, spacing: Int) -> (perArtist: Int, artistsAtCap: Int) {
        guard spacing > 0, length > 0 else { return (Int.max, Int.max) }
        let cap = (length - 1) / (spacing + 1) + 1
        return (cap, length - (cap - 1) * (spacing + 1))
    }

    /// The most tracks a selection can hold given tracks available per artist, the per-artist cap
    /// and the spacing (albums not counted).
    static func mostTracks(available: [Int], perArtist: Int?, spacing: Int) -> Int {
        let capped = available.map { min($0, perArtist ?? Int.max) }
        guard spacing > 0 else { return capped.reduce(0, +) }
        var best = 0
        for m in 1...max(1, capped.max() ?? 1) {
            let n = capped.reduce(0) { $0 + min($1, m) }
            let t = capped.filter { $0 >= m }.count
            if (m - 1) * (spacing + 1) + t <= n { best = max(best, n) }
        }
        return best
    }
}

/// A playlist that cannot be made as asked; the message names the rule and, where one exists, the
/// closest thing that can be made.
public struct PlaylistError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public var description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}
