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

/// A profile's history by song, to join it to music files: a file matches the history's tracks
/// with its normalised artist and title (`NameKey`), and with its album too when both name one.
public struct ListeningIndex: Sendable {
    private struct Entry {
        var album: String?
        var listening: TrackListening
    }

    private var byKey: [String: [Entry]] = [:]

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
            byKey[key, default: []].append(Entry(album: album, listening: perTrack[t]))
        }
    }

    /// The listening of the song with these tags, or nil when the history never played it. When the
    /// file and a history track both name an album, they must name the same one.
    public func listening(artist: String?, title: String?, album: String?) -> TrackListening? {
        guard let artist, let title, !artist.isEmpty, !title.isEmpty else { return nil }
        guard let entries = byKey[NameKey.track(artist: artist, title: title)] else { return nil }
        let wanted = album.flatMap { $0.isEmpty ? nil : NameKey.normalized($0) }
        var total = TrackListening(plays: 0, lastPlayed: .min)
        for e in entries where wanted == nil || e.album == nil || e.album == wanted {
            total.plays += e.listening.plays
            total.lastPlayed = max(total.lastPlayed, e.listening.lastPlayed)
        }
        return total.plays > 0 ? total : nil
    }
}
