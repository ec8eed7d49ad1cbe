import SegueModel

/// Where Spotify's account data meets its extended streaming history: the one statement of the
/// rule both store backends apply while they import.
///
/// The two exports overlap (the last year or so). Account data gives the end time to the minute
/// and no URI, so the same listen is not an exact duplicate by the play key; it is the same play
/// when the artist, the track name and `ms_played` agree and the end times fall in the same minute
/// (one either side, for rounding). An account play that a stored extended one matches is a
/// duplicate; an extended play that matches a stored account play replaces it (it carries the URI,
/// the album and the second). The backends own only the lookups: this value says which tracks and
/// which end times to look in.
public struct SpotifyFormatMeeting: Sendable {
    /// What a backend must look up for one play.
    public enum Lookup: Sendable, Equatable {
        /// Nothing: the play cannot meet the other format.
        case nothing
        /// An account-data play: a duplicate when a stored play of one of `tracks` with the same
        /// milliseconds ends in `ends`.
        case storedExtendedPlay(tracks: [Int64], ends: Range<Int64>)
        /// An extended play: it replaces the earliest stored play of `track` with the same
        /// milliseconds that ends in `ends` (the backend deletes that play), if there is one.
        case storedAccountPlay(track: Int64, ends: Range<Int64>)
    }

    /// What the lookup found, for the play loop.
    public enum Match: Sendable, Equatable { case none, duplicate, replacesAccountPlay }

    /// Tracks known by URI, under each "artist U+001F name" their plays carried.
    public private(set) var uriTracksByName: [String: [Int64]] = [:]
    /// Whether the profile has account-data tracks (tracks without a URI) at all: until it has,
    /// extended plays skip the lookup.
    public private(set) var hasAccountTracks = false

    public init() {}

    /// The name a track is matched under across the formats (account tracks are keyed by it).
    public static func nameKey(artist: String, title: String) -> String { artist + "\u{1F}" + title }

    /// The start of the minute `end` (seconds since 1970) falls in, for negative times too.
    public static func minute(of end: Int64) -> Int64 { end - ((end % 60) + 60) % 60 }

    /// Notes that the profile has a track without a URI (account data).
    public mutating func noteAccountTrack() { hasAccountTracks = true }

    /// Notes a track with a URI under a name its plays carried (once per name): account plays of
    /// that name may be the same listens.
    public mutating func noteURITrack(_ id: Int64, artist: String, title: String) {
        let name = Self.nameKey(artist: artist, title: title)
        if uriTracksByName[name]?.contains(id) != true { uriTracksByName[name, default: []].append(id) }
    }

    /// Whether a music play must go through `lookup`: only from Spotify, and only once account
    /// data is in play (the profile has some, or this play is some).
    @inlinable public func applies(hasURI: Bool, source: UInt8) -> Bool {
        (hasAccountTracks || !hasURI) && source == PlaySource.spotify.rawValue
    }

    /// Whether a batch item could meet a stored play in the other format (a batch without any can
    /// skip the play-by-play path). `tracks`: the profile's tracks by key.
    public mutating func mayMeet(_ item: PlayBatch.Item, tracks: [String: Int64]) -> Bool {
        guard item.kind == .music else { return false }
        if item.uri == nil { hasAccountTracks = true }
        guard hasAccountTracks else { return false }
        let name = Self.nameKey(artist: item.creator, title: item.title)
        return item.uri == nil ? uriTracksByName[name] != nil : tracks[name] != nil
    }

    /// The lookup for a play of `item` ending at `end` (seconds). `tracks`: the profile's tracks by
    /// key (an account track's key is its name key).
    public mutating func lookup(for item: PlayBatch.Item, end: Int64, tracks: [String: Int64]) -> Lookup {
        let name = Self.nameKey(artist: item.creator, title: item.title)
        let minute = Self.minute(of: end)
        if item.uri == nil {
            hasAccountTracks = true
            guard let candidates = uriTracksByName[name] else { return .nothing }
            // The extended play ends in the account play's minute, or the one before or after it.
            return .storedExtendedPlay(tracks: candidates, ends: (minute - 60)..<(minute + 120))
        }
        guard let accountTrack = tracks[name] else { return .nothing }
        // The account play's minute is this play's, or the one before or after it.
        return .storedAccountPlay(track: accountTrack, ends: (minute - 60)..<(minute + 61))
    }
}
