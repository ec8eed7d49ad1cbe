/// What a play was of: music counts in charts, episodes and audiobook chapters never do.
public enum PlayKind: Int, Sendable, Codable, CaseIterable {
    case music = 0
    case episode = 1
    case audiobookChapter = 2
}

/// Where a play came from. The raw value is what stores keep.
public enum PlaySource: UInt8, Sendable, Codable, CaseIterable {
    case spotify = 0
    case lastfm = 1
    case listenbrainz = 2
    case apple = 3
    case youtube = 4
    /// Listens submitted to Segue's own ListenBrainz API.
    case scrobble = 5

    /// The name in options and files (`--source lastfm`).
    public var name: String { "\(self)" }

    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = found
    }

    /// How people call the source.
    public var displayName: String {
        switch self {
        case .spotify: return "Spotify"
        case .lastfm: return "Last.fm"
        case .listenbrainz: return "ListenBrainz"
        case .apple: return "Apple Music"
        case .youtube: return "YouTube Music"
        case .scrobble: return "scrobbles"
        }
    }
}

/// `milliseconds` of a play whose length its source does not give (a scrobble): it counts as a
/// stream (scrobblers submit only real listens) and adds its track's known length to minutes.
public let unknownLength: Int32 = -1

/// Threshold from which a music play counts as a stream (Spotify's 30 seconds, inclusive).
public let streamThresholdMilliseconds = 30_000

/// One play from a listening history, as imported.
///
/// `endTime` is the moment the play ended, in seconds since 1970 UTC: a play belongs to the day on
/// which it ended.
public struct Play: Sendable, Equatable {
    public var kind: PlayKind
    public var endTime: Int64
    public var msPlayed: Int
    /// Music: track name; episode: episode name; audiobook: chapter title.
    public var title: String
    /// Music: album artist; episode: show name; audiobook: audiobook title.
    public var creator: String
    /// Music: album name, when known.
    public var album: String?
    /// Spotify URI of the track, episode or chapter, when known.
    public var uri: String?
    public var reasonStart: String?
    public var reasonEnd: String?
    public var shuffle: Bool?
    public var skipped: Bool?
    public var offline: Bool?
    /// Normalised to seconds since 1970 (exports use seconds or milliseconds).
    public var offlineTimestamp: Int64?
    public var incognito: Bool?
    public var platform: String?
    public var country: String?
    public var source: PlaySource

    public init(
        kind: PlayKind, endTime: Int64, msPlayed: Int, title: String, creator: String,
        album: String? = nil, uri: String? = nil, reasonStart: String? = nil, reasonEnd: String? = nil,
        shuffle: Bool? = nil, skipped: Bool? = nil, offline: Bool? = nil, offlineTimestamp: Int64? = nil,
        incognito: Bool? = nil, platform: String? = nil, country: String? = nil, source: PlaySource = .spotify
    ) {
        self.kind = kind
        self.endTime = endTime
        self.msPlayed = msPlayed
        self.title = title
        self.creator = creator
        self.album = album
        self.uri = uri
        self.reasonStart = reasonStart
        self.reasonEnd = reasonEnd
        self.shuffle = shuffle
        self.skipped = skipped
        self.offline = offline
        self.offlineTimestamp = offlineTimestamp
        self.incognito = incognito
        self.platform = platform
        self.country = country
        self.source = source
    }

    /// A music play of at least 30 s, or of unknown length (`unknownLength`).
    public var isStream: Bool {
        kind == .music && (msPlayed >= streamThresholdMilliseconds || msPlayed == Int(unknownLength))
    }

    /// The identity of what was played: the URI when known, else creator and title.
    /// Two plays are the same exact duplicate when kind, end time, item key and `msPlayed` agree.
    public var itemKey: String {
        if let uri, !uri.isEmpty { return uri }
        return creator + "\u{1F}" + title
    }
}
