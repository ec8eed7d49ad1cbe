import Foundation

/// A set of play sources: what a chart, stats or race counts (`--source spotify,lastfm`).
public struct SourceSet: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(_ source: PlaySource) { rawValue = 1 << UInt16(source.rawValue) }

    public init(_ sources: some Sequence<PlaySource>) {
        rawValue = 0
        for s in sources { formUnion(SourceSet(s)) }
    }

    /// Every source (the default: no filter).
    public static let all = SourceSet(PlaySource.allCases)

    public var isAll: Bool { isSuperset(of: .all) }

    public func contains(raw source: UInt8) -> Bool { source < 16 && rawValue & (1 << UInt16(source)) != 0 }

    public var sources: [PlaySource] { PlaySource.allCases.filter { contains(SourceSet($0)) } }

    /// `spotify,lastfm` (the names `PlaySource.name` gives), or `all`.
    public var description: String { isAll ? "all" : sources.map(\.name).joined(separator: ",") }

    /// Parses `spotify,lastfm` (or `all`); nil with an unknown or empty name.
    public init?(names text: String) {
        if text.lowercased() == "all" {
            self = .all
            return
        }
        var set = SourceSet()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let source = PlaySource(name: part.trimmingCharacters(in: .whitespaces)) else { return nil }
            set.formUnion(SourceSet(source))
        }
        guard !set.isEmpty else { return nil }
        self = set
    }

    /// The names a user may give, for messages.
    public static let help = PlaySource.allCases.map(\.name).joined(separator: ", ")
}
