import Foundation
import SegueStore

extension PlaylistRecipe.Rules {
    /// The artist spacings a playlist may ask for.
    public static let artistSpacingLimits = 0...1000
    /// The tempo limits a playlist may set, in BPM.
    public static let tempoLimits: ClosedRange<Double> = 0...1000
    /// The durations a playlist may give (longest track, total, tolerance), in seconds.
    public static let durationLimits: ClosedRange<Double> = 0...1_000_000

    /// A rule of a playlist, as each surface names it (`artist_spacing`, `--artist-spacing`, "the artist spacing").
    public enum Field: Sendable, Equatable {
        case artistSpacing, maxPerArtist, maxPerAlbum, minBPM, maxBPM, maxTrackSeconds, durationSeconds, durationToleranceSeconds
    }

    /// A rule out of its range: the web form, the API, `segue playlist` and a saved recipe are refused by the
    /// same check, each saying it in its own words.
    public struct Violation: Error, Sendable, Equatable {
        public enum Problem: Sendable, Equatable {
            /// Outside `limits` (for `.maxPerArtist` and `.maxPerAlbum`: below 1).
            case outside(limits: ClosedRange<Double>)
            /// The slowest tempo is above the fastest (`other` is the fastest).
            case aboveMaximum(other: Double)
        }
        public var field: Field
        public var value: Double
        public var problem: Problem
    }

    /// The rules as `PlaylistConstraints`, every value checked against the limits above; names are trimmed
    /// and blank ones dropped.
    /// - Throws: the first `Violation`, in the order the fields are listed.
    public func checked() throws(Violation) -> PlaylistConstraints {
        var c = PlaylistConstraints()
        guard Self.artistSpacingLimits.contains(artistSpacing) else {
            throw Violation(
                field: .artistSpacing, value: Double(artistSpacing),
                problem: .outside(limits: Double(Self.artistSpacingLimits.lowerBound)...Double(Self.artistSpacingLimits.upperBound)))
        }
        c.artistSpacing = artistSpacing
        for (field, value) in [(Field.maxPerArtist, maxPerArtist), (.maxPerAlbum, maxPerAlbum)] {
            if let value, value < 1 { throw Violation(field: field, value: Double(value), problem: .outside(limits: 1...Double(Int.max))) }
        }
        c.maxPerArtist = maxPerArtist
        c.maxPerAlbum = maxPerAlbum
        func names(_ list: [String]) -> Set<String> { Set(list.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }
        c.excludedArtists = names(excludedArtists)
        c.excludedAlbums = names(excludedAlbums)
        c.excludedTags = names(excludedTags)
        for (field, value) in [(Field.minBPM, minBPM), (.maxBPM, maxBPM)] {
            if let value, !Self.tempoLimits.contains(value) {
                throw Violation(field: field, value: value, problem: .outside(limits: Self.tempoLimits))
            }
        }
        if minBPM != nil || maxBPM != nil {
            let low = minBPM ?? Self.tempoLimits.lowerBound
            let high = maxBPM ?? Self.tempoLimits.upperBound
            guard low <= high else { throw Violation(field: .minBPM, value: low, problem: .aboveMaximum(other: high)) }
            c.tempoRange = Float(low)...Float(high)
        }
        for (field, value) in [
            (Field.maxTrackSeconds, maxTrackSeconds), (.durationSeconds, durationSeconds), (.durationToleranceSeconds, durationToleranceSeconds),
        ] {
            if let value, !Self.durationLimits.contains(value) {
                throw Violation(field: field, value: value, problem: .outside(limits: Self.durationLimits))
            }
        }
        c.maxTrackSeconds = maxTrackSeconds
        c.targetDurationSeconds = durationSeconds
        if let t = durationToleranceSeconds { c.durationTolerance = t }
        return c
    }
}

extension PlaylistRecipe.Rules.Violation {
    /// The sentence for an API client or a command line: `name` is the field as that surface spells it
    /// (`artist_spacing`, `--artist-spacing`).
    public func message(naming name: (PlaylistRecipe.Rules.Field) -> String) -> String {
        func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
        switch problem {
        case .aboveMaximum(let other):
            return "\(name(.minBPM)) \(Float(value)) is above \(name(.maxBPM)) \(Float(other))"
        case .outside(let limits):
            switch field {
            case .maxPerArtist, .maxPerAlbum: return "\(name(field)) must be at least 1"
            case .maxTrackSeconds, .durationSeconds, .durationToleranceSeconds:
                return "\(name(field)) must be \(number(limits.lowerBound)) to \(grouped(limits.upperBound)) seconds"
            case .artistSpacing, .minBPM, .maxBPM: return "\(name(field)) must be \(number(limits.lowerBound)) to \(number(limits.upperBound))"
            }
        }
    }

    /// The sentence for a saved recipe that a rebuild refuses (it names the rule in words, with the value).
    public var recipeMessage: String {
        switch (field, problem) {
        case (_, .aboveMaximum(let other)): return "the slowest tempo \(Float(value)) BPM is above the fastest \(Float(other)) BPM"
        case (.artistSpacing, .outside(let limits)):
            return "the artist spacing \(Int(value)) is not \(Int(limits.lowerBound)) to \(Int(limits.upperBound))"
        case (.maxPerArtist, _): return "the most tracks per artist must be at least 1 (it is \(Int(value)))"
        case (.maxPerAlbum, _): return "the most tracks per album must be at least 1 (it is \(Int(value)))"
        case (.minBPM, .outside(let limits)), (.maxBPM, .outside(let limits)):
            return "a tempo limit of \(value) BPM is not \(Int(limits.lowerBound)) to \(Int(limits.upperBound))"
        case (_, .outside(let limits)): return "a duration of \(value) s is not \(Int(limits.lowerBound)) to \(grouped(limits.upperBound)) s"
        }
    }

    private func grouped(_ x: Double) -> String {
        var digits = String(Int(x))
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return digits + out
    }
}
