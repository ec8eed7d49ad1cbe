/// The sound of a period: what the person's most played music sounds like, from the plays that
/// match analysed files of their library (artist, title and album, as `ListeningIndex` matches).
///
/// Absent from a recap (nil) when no play of the period matches an analysed file: a person with no
/// library gets no section, never a section of zeros.
public struct RecapSound: Sendable, Equatable, Codable {
    /// How many tracks the playlist holds at most.
    public static let playlistLength = 10
    /// How many rising tags are kept.
    public static let tagCount = 5

    /// Plays of the period that matched an analysed file, and how many distinct files they were.
    public var matchedPlays: Int
    public var matchedTracks: Int
    /// `matchedPlays` over all music plays of the period, 0 to 1.
    public var share: Double
    /// Tempo in BPM, averaged over the matched plays (a file played 3 times counts 3 times).
    public var averageBPM: Double
    /// Energy, 0 to 1 (RMS level from −40 to −6 dBFS), averaged over the matched plays.
    public var averageEnergy: Double
    /// Integrated loudness in LUFS, averaged over the matched plays.
    public var averageLoudnessLUFS: Double
    /// Plays of the period before that matched an analysed file (the base of the tags' change).
    public var previousMatchedPlays: Int
    /// The tags whose part of the matched plays grew most against the period before, largest
    /// rise first (only tags that rose).
    public var risingTags: [RecapTagChange]
    /// The most played matched files, in the playlist order that makes their transitions smoothest.
    public var playlist: [RecapSoundTrack]

    public init(
        matchedPlays: Int, matchedTracks: Int, share: Double, averageBPM: Double, averageEnergy: Double, averageLoudnessLUFS: Double,
        previousMatchedPlays: Int, risingTags: [RecapTagChange], playlist: [RecapSoundTrack]
    ) {
        self.matchedPlays = matchedPlays
        self.matchedTracks = matchedTracks
        self.share = share
        self.averageBPM = averageBPM
        self.averageEnergy = averageEnergy
        self.averageLoudnessLUFS = averageLoudnessLUFS
        self.previousMatchedPlays = previousMatchedPlays
        self.risingTags = risingTags
        self.playlist = playlist
    }
}

/// A tag's part of the matched plays now and in the period before (0 to 1 each: the plays of
/// files carrying the tag over all matched plays).
public struct RecapTagChange: Sendable, Equatable, Codable {
    public var tag: String
    public var share: Double
    public var previousShare: Double
    /// `share - previousShare`.
    public var rise: Double

    public init(tag: String, share: Double, previousShare: Double) {
        self.tag = tag
        self.share = share
        self.previousShare = previousShare
        rise = share - previousShare
    }
}

/// One file of the sound playlist.
public struct RecapSoundTrack: Sendable, Equatable, Codable {
    /// The library track's id.
    public var id: Int64
    public var artist: String
    public var title: String
    /// Its plays in the period.
    public var plays: Int
    public var bpm: Double
    public var energy: Double

    public init(id: Int64, artist: String, title: String, plays: Int, bpm: Double, energy: Double) {
        self.id = id
        self.artist = artist
        self.title = title
        self.plays = plays
        self.bpm = bpm
        self.energy = energy
    }
}

/// An analysed library file with its plays in a period and in the period before.
public struct RecapSoundInput: Sendable, Equatable {
    public var id: Int64
    public var artist: String
    public var title: String
    public var plays: Int
    public var previousPlays: Int
    public var bpm: Double
    public var energy: Double
    public var loudnessLUFS: Double
    /// Its strongest tags (the three the playlists use), strongest first.
    public var tags: [String]

    public init(
        id: Int64, artist: String, title: String, plays: Int, previousPlays: Int, bpm: Double, energy: Double, loudnessLUFS: Double,
        tags: [String]
    ) {
        self.id = id
        self.artist = artist
        self.title = title
        self.plays = plays
        self.previousPlays = previousPlays
        self.bpm = bpm
        self.energy = energy
        self.loudnessLUFS = loudnessLUFS
        self.tags = tags
    }
}

extension RecapSound {
    /// The sound of a period from its matched files; nil when none was played in it.
    ///
    /// Averages weight each file by its plays: Σ plays·value / Σ plays. A tag's share is the plays
    /// of files carrying it over all matched plays, in each period; rising tags are those whose
    /// share grew, by the growth (in share points), then by name. The playlist takes the
    /// `playlistLength` most played files (ties: artist, title, id) and hands their ids to `order`.
    ///
    /// - Parameters:
    ///   - tracks: Analysed files; those with no plays in either period are ignored.
    ///   - periodPlays: All music plays of the period (matched or not), the base of `share`.
    ///   - order: The playlist ordering (the ids of the chosen files, most played first, in, the
    ///     same ids in playing order out); ids it drops or invents are ignored.
    public init?(_ tracks: [RecapSoundInput], periodPlays: Int, order: ([Int64]) -> [Int64]) {
        let now = tracks.filter { $0.plays > 0 }
        let plays = now.reduce(0) { $0 + $1.plays }
        guard plays > 0 else { return nil }
        func average(_ value: (RecapSoundInput) -> Double) -> Double {
            now.reduce(0) { $0 + Double($1.plays) * value($1) } / Double(plays)
        }
        let previousPlays = tracks.reduce(0) { $0 + max(0, $1.previousPlays) }
        var tagNow: [String: Int] = [:]
        var tagBefore: [String: Int] = [:]
        for t in tracks {
            for tag in Set(t.tags) {
                if t.plays > 0 { tagNow[tag, default: 0] += t.plays }
                if t.previousPlays > 0 { tagBefore[tag, default: 0] += t.previousPlays }
            }
        }
        let changes = tagNow.map { tag, count in
            RecapTagChange(
                tag: tag, share: Double(count) / Double(plays),
                previousShare: previousPlays > 0 ? Double(tagBefore[tag] ?? 0) / Double(previousPlays) : 0)
        }
        let rising = changes.filter { $0.rise > 1e-12 }.sorted { $0.rise > $1.rise || ($0.rise == $1.rise && $0.tag < $1.tag) }
        let top = now.sorted {
            ($0.plays, $1.artist, $1.title, $1.id) > ($1.plays, $0.artist, $0.title, $0.id)
        }.prefix(Self.playlistLength)
        let byID = Dictionary(top.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<Int64>()
        var ordered = order(top.map(\.id)).compactMap { id in seen.insert(id).inserted ? byID[id] : nil }
        // Whatever the ordering left out still belongs to the playlist, at its end.
        ordered += top.filter { !seen.contains($0.id) }
        self.init(
            matchedPlays: plays, matchedTracks: now.count, share: periodPlays > 0 ? min(1, Double(plays) / Double(periodPlays)) : 0,
            averageBPM: average(\.bpm), averageEnergy: average(\.energy), averageLoudnessLUFS: average(\.loudnessLUFS),
            previousMatchedPlays: previousPlays, risingTags: Array(rising.prefix(Self.tagCount)),
            playlist: ordered.map { RecapSoundTrack(id: $0.id, artist: $0.artist, title: $0.title, plays: $0.plays, bpm: $0.bpm, energy: $0.energy) })
    }
}
