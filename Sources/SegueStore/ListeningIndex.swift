import SegueModel

/// How much a person has played one song: what the library shows beside each file.
public struct TrackListening: Sendable, Equatable {
    /// Music plays (after merging across sources).
    public var plays: Int
    /// End time of the most recent play, in seconds since 1970.
    public var lastPlayed: Int64

    public init(plays: Int, lastPlayed: Int64) {
        self.plays = plays
        self.lastPlayed = lastPlayed
    }
}

/// A profile's history by song, to join it to music files.
///
/// A file and a history track are the same recording when both have an ISRC and they agree, or
/// both have a MusicBrainz recording id and they agree; when they share a kind of identifier and
/// none agrees, they are different recordings (two masters with the same names). When they share
/// none, the names decide: normalised artist and title (`NameKey`), and the album too when both
/// name one.
public struct ListeningIndex: Sendable {
    private struct Entry {
        var album: String?
        var isrc: String?
        var mbid: String?
        var listening: TrackListening
    }

    private var entries: [Entry] = []
    private var byKey: [String: [Int32]] = [:]
    private var byISRC: [String: [Int32]] = [:]
    private var byMBID: [String: [Int32]] = [:]

    /// The index of the plays in `range` (default: all of them).
    public init(_ columns: MusicColumns, range: TimeRange = .all) {
        var perTrack = [TrackListening](repeating: TrackListening(plays: 0, lastPlayed: .min), count: columns.trackNames.count)
        for i in columns.indices(in: range) {
            let t = Int(columns.trackOfPlay[i])
            guard t < perTrack.count else { continue }
            perTrack[t].plays += 1
            perTrack[t].lastPlayed = max(perTrack[t].lastPlayed, columns.endTimes[i])
        }
        for t in perTrack.indices where perTrack[t].plays > 0 {
            let artist = Int(columns.trackArtist[t])
            let key = NameKey.track(artist: artist < columns.artistNames.count ? columns.artistNames[artist] : "", title: columns.trackNames[t])
            let albumIndex = Int(columns.trackAlbum[t])
            let album = albumIndex >= 0 && albumIndex < columns.albumNames.count ? NameKey.normalized(columns.albumNames[albumIndex]) : nil
            let entry = Int32(entries.count)
            let isrc = columns.isrc(ofTrack: t)
            let mbid = columns.mbid(ofTrack: t)
            entries.append(Entry(album: album, isrc: isrc, mbid: mbid, listening: perTrack[t]))
            byKey[key, default: []].append(entry)
            if let isrc { byISRC[isrc, default: []].append(entry) }
            if let mbid { byMBID[mbid, default: []].append(entry) }
        }
    }

    /// The listening of the song with these tags, or nil when the history never played it. When the
    /// file and a history track both name an album, they must name the same one.
    public func listening(artist: String?, title: String?, album: String?) -> TrackListening? {
        listening(artist: artist, title: title, album: album, isrc: nil, mbid: nil)
    }

    /// The listening of the recording with these tags and identifiers (normalised as
    /// `RecordingIdentifier` does; others are ignored), or nil when the history never played it.
    /// Identifiers decide where the file and a history track both have one (see the type); names otherwise.
    public func listening(artist: String?, title: String?, album: String?, isrc: String?, mbid: String?) -> TrackListening? {
        let isrc = RecordingIdentifier.isrc(isrc)
        let mbid = RecordingIdentifier.mbid(mbid)
        var candidates: [Int32] = []
        if let isrc, let found = byISRC[isrc] { candidates += found }
        if let mbid, let found = byMBID[mbid] { candidates += found }
        var nameKey: String?
        if let artist, let title, !artist.isEmpty, !title.isEmpty {
            nameKey = NameKey.track(artist: artist, title: title)
            if let found = byKey[nameKey!] { candidates += found }
        }
        guard !candidates.isEmpty else { return nil }
        let wanted = album.flatMap { $0.isEmpty ? nil : NameKey.normalized($0) }
        var total = TrackListening(plays: 0, lastPlayed: .min)
        var counted = Set<Int32>()
        for c in candidates where counted.insert(c).inserted {
            let e = entries[Int(c)]
            let sharesISRC = isrc != nil && e.isrc != nil
            let sharesMBID = mbid != nil && e.mbid != nil
            let matches: Bool
            if sharesISRC || sharesMBID {
                matches = (sharesISRC && e.isrc == isrc) || (sharesMBID && e.mbid == mbid)
            } else {
                // Found by name (an entry found by an identifier the file shares has one in common).
                matches = wanted == nil || e.album == nil || e.album == wanted
            }
            guard matches else { continue }
            total.plays += e.listening.plays
            total.lastPlayed = max(total.lastPlayed, e.listening.lastPlayed)
        }
        return total.plays > 0 ? total : nil
    }
}
