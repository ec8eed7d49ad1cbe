/// The names a track is shown under, chosen among the names its plays carried (its variants).
///
/// Spotify sends one URI under different names over time (an album respelt, a deluxe edition that
/// comes and goes). A track shows the names of its most recent play; variants that share that end
/// time go to the one on more stored plays, then to the smallest names, so the choice never depends
/// on the order plays arrive in. A variant without an album (account data names none) never wins
/// over one with an album: it does not take a known album away.
///
/// Both stores keep each variant with its latest end time and its stored plays. During an import a
/// sink loads them, adds the variants it meets, records every play (`record`, one array update),
/// writes `changed` variants and renames the tracks `renamed()` lists: the rule lives here once.
public struct TrackNames: Sendable {
    /// One set of names a track's plays carried.
    public struct Variant: Sendable, Equatable {
        /// The stored row, or nil before it is written.
        public var id: Int64?
        public var track: Int64
        public var name: String
        public var artist: Int64
        public var artistName: String
        /// The album's id, or 0 when the plays named none.
        public var album: Int64
        public var albumName: String
        /// End time of the latest play under these names (stored, or a duplicate of a stored one).
        public var lastEnd: Int64
        /// Plays stored under these names.
        public var plays: Int64

        public init(
            id: Int64?, track: Int64, name: String, artist: Int64, artistName: String, album: Int64, albumName: String,
            lastEnd: Int64 = .min, plays: Int64 = 0
        ) {
            self.id = id
            self.track = track
            self.name = name
            self.artist = artist
            self.artistName = artistName
            self.album = album
            self.albumName = albumName
            self.lastEnd = lastEnd
            self.plays = plays
        }

        /// Whether these names win over `other`'s (see the type's rule).
        public func precedes(_ other: Variant) -> Bool {
            if (album != 0) != (other.album != 0) { return album != 0 }
            if lastEnd != other.lastEnd { return lastEnd > other.lastEnd }
            if plays != other.plays { return plays > other.plays }
            return (name, artistName, albumName) < (other.name, other.artistName, other.albumName)
        }
    }

    private struct Key: Hashable {
        var track: Int64
        var name: String
        var artist: Int64
        var album: Int64
    }

    public private(set) var variants: [Variant] = []
    private var changedFlags: [Bool] = []
    private var index: [Key: Int32] = [:]
    private var ofTrack: [Int64: [Int32]] = [:]
    /// The variant whose names each track's row holds.
    private var shown: [Int64: Int32] = [:]

    public init() {}

    /// Adds a stored variant.
    public mutating func load(_ variant: Variant) {
        _ = add(variant, changed: false)
    }

    /// The variant with these names (a new one, with no plays, the first time).
    public mutating func variant(
        track: Int64, name: String, artist: Int64, artistName: String, album: Int64, albumName: String
    ) -> Int32 {
        if let known = index[Key(track: track, name: name, artist: artist, album: album)] { return known }
        return add(
            Variant(id: nil, track: track, name: name, artist: artist, artistName: artistName, album: album, albumName: albumName),
            changed: false)
    }

    /// The variant with these names, if known.
    public func find(track: Int64, name: String, artist: Int64, album: Int64) -> Int32? {
        index[Key(track: track, name: name, artist: artist, album: album)]
    }

    private mutating func add(_ variant: Variant, changed: Bool) -> Int32 {
        let i = Int32(variants.count)
        variants.append(variant)
        changedFlags.append(changed)
        index[Key(track: variant.track, name: variant.name, artist: variant.artist, album: variant.album)] = i
        ofTrack[variant.track, default: []].append(i)
        return i
    }

    /// Says that the track's row holds variant `v`'s names (a stored track's own, or a new track's first).
    public mutating func setShown(track: Int64, variant v: Int32) {
        shown[track] = v
    }

    /// Whether `setShown` was called for the track.
    public func isShown(track: Int64) -> Bool { shown[track] != nil }

    /// Counts a play of variant `v` that ends at `end`: `stored` when it was stored, false when it
    /// duplicated a stored play (which still says these names were in use then).
    @inline(__always)
    public mutating func record(_ v: Int32, end: Int64, stored: Bool) {
        let i = Int(v)
        if end > variants[i].lastEnd { variants[i].lastEnd = end }
        if stored { variants[i].plays += 1 }
        changedFlags[i] = true
    }

    /// The variants this import added to or changed, by index (to write back).
    public var changed: [Int32] {
        changedFlags.indices.compactMap { changedFlags[$0] ? Int32($0) : nil }
    }

    /// Records the stored row of variant `v`.
    public mutating func setID(_ id: Int64, of v: Int32) {
        variants[Int(v)].id = id
    }

    /// The tracks whose rows must take other names (those of the variant returned), after this
    /// import's plays; they count as shown from now on.
    public mutating func renamed() -> [Variant] {
        var result: [Variant] = []
        var done = Set<Int64>()
        for v in changed {
            let track = variants[Int(v)].track
            guard done.insert(track).inserted, let candidates = ofTrack[track] else { continue }
            var best = candidates[0]
            for c in candidates.dropFirst() where variants[Int(c)].precedes(variants[Int(best)]) { best = c }
            if shown[track] != best {
                shown[track] = best
                result.append(variants[Int(best)])
            }
        }
        return result
    }
}
