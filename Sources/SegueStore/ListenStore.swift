/// A ListenBrainz-style user: a name and the token scrobblers send.
public struct ListenUser: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var token: String

    public init(id: Int64, name: String, token: String) {
        self.id = id
        self.name = name
        self.token = token
    }
}

/// A stored listen, as the ListenBrainz read API returns it.
public struct StoredListen: Sendable, Equatable {
    public var userID: Int64
    /// Seconds since 1970.
    public var listenedAt: Int64
    public var artist: String
    public var track: String
    public var release: String?
    /// When Segue stored it, milliseconds since 1970.
    public var insertedAt: Int64
    /// `track_metadata` as sent (JSON).
    public var metadataJSON: String

    public init(
        userID: Int64, listenedAt: Int64, artist: String, track: String, release: String? = nil, insertedAt: Int64,
        metadataJSON: String
    ) {
        self.userID = userID
        self.listenedAt = listenedAt
        self.artist = artist
        self.track = track
        self.release = release
        self.insertedAt = insertedAt
        self.metadataJSON = metadataJSON
    }

    /// One listen per (user, time, track): the duplicate rule.
    public var trackKey: String { artist + "\u{1F}" + track }
}

/// Users, tokens and listens for the ListenBrainz-compatible API and the live view.
public protocol ListenStore: Sendable {
    /// Creates a user with a fresh random token; fails when the name is taken.
    func createUser(named name: String) throws -> ListenUser
    func user(named name: String) throws -> ListenUser?
    func user(token: String) throws -> ListenUser?
    /// Stores listens durably before returning; duplicates are stored once. Returns how many were new.
    /// Concurrent callers are committed together (group commit).
    func append(_ listens: [StoredListen]) async throws -> Int
    /// Newest first, `minTs < listened_at < maxTs` as ListenBrainz defines the bounds.
    func listens(userID: Int64, minTs: Int64?, maxTs: Int64?, count: Int) throws -> [StoredListen]
    func listenCount(userID: Int64) throws -> Int
}
