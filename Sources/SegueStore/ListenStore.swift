/// A ListenBrainz-style user: a name and the token scrobblers send.
///
/// Only the token's SHA-256 is stored (as for ingest tokens), so the token itself is known once: on the value
/// `createUser` or `replaceToken` returns. Users read back have an empty `token`.
public struct ListenUser: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// The token, on a freshly created or replaced user only; empty otherwise.
    public var token: String
    /// The profile whose history the user's listens join (the user's own name unless set otherwise).
    public var profile: String

    public init(id: Int64, name: String, token: String, profile: String? = nil) {
        self.id = id
        self.name = name
        self.token = token
        self.profile = profile ?? name
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
    /// Creates a user with a fresh random token (returned once, stored as its SHA-256); fails when the
    /// name is taken. Its listens join `profile`'s history (nil: the profile of the user's name).
    func createUser(named name: String, profile: String?) throws -> ListenUser
    /// Gives a user a fresh token (the old one stops working); nil when there is no such user.
    func replaceToken(named name: String) throws -> ListenUser?
    func user(named name: String) throws -> ListenUser?
    func user(token: String) throws -> ListenUser?
    /// Every user, by name (without tokens): the owner makes them, so there are few.
    func users() throws -> [ListenUser]
    /// Stores listens durably before returning; duplicates are stored once. Returns, per listen,
    /// whether it was new. Concurrent callers are committed together (group commit).
    func insert(_ listens: [StoredListen]) async throws -> [Bool]
    /// Newest first, `minTs < listened_at < maxTs` as ListenBrainz defines the bounds.
    func listens(userID: Int64, minTs: Int64?, maxTs: Int64?, count: Int) throws -> [StoredListen]
    func listenCount(userID: Int64) throws -> Int
    /// Records what a user is playing now (a `playing_now` submission's track metadata, as JSON)
    /// until `expiresMillis`, replacing what was there: stored, so every node on one database
    /// answers the same and a restart forgets nothing that has not expired.
    func setPlayingNow(userID: Int64, trackMetadataJSON: String, expiresMillis: Int64) throws
    /// What the user is playing at `nowMillis`, if anything (the track metadata JSON).
    func playingNow(userID: Int64, nowMillis: Int64) throws -> String?
}

/// A token for the bulk events API (`segue tokens create --scope ingest`). Only its SHA-256 is
/// stored; `prefix` (the first characters) is kept so that `segue tokens list` can tell them apart.
public struct IngestToken: Sendable, Equatable {
    public var id: Int64
    public var name: String?
    public var scope: String
    public var prefix: String
    /// Milliseconds since 1970.
    public var createdAt: Int64

    public init(id: Int64, name: String?, scope: String, prefix: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.scope = scope
        self.prefix = prefix
        self.createdAt = createdAt
    }

    /// The scopes a token may have.
    public static let scopes = ["ingest"]
}

/// One event from the bulk API: a platform's user played a track.
public struct StoredEvent: Sendable, Equatable {
    /// The token that sent it: event ids are unique per token and user.
    public var tokenID: Int64
    public var eventID: String?
    /// The platform's user id (not a Segue user).
    public var user: String
    public var track: String
    public var artist: String?
    public var album: String?
    /// Event time, milliseconds since 1970.
    public var time: Int64
    /// When Segue stored it, milliseconds since 1970.
    public var insertedAt: Int64

    public init(
        tokenID: Int64, eventID: String?, user: String, track: String, artist: String? = nil, album: String? = nil, time: Int64,
        insertedAt: Int64
    ) {
        self.tokenID = tokenID
        self.eventID = eventID
        self.user = user
        self.track = track
        self.artist = artist
        self.album = album
        self.time = time
        self.insertedAt = insertedAt
    }

    /// The idempotency key within (token, user, time): the event id when there is one, else the
    /// track (one user cannot start the same track twice in the same millisecond). A retry resends
    /// the event with its time, so it meets the stored one.
    public var dedupeKey: String {
        if let eventID { return "id:" + eventID }
        return "at:\(time)\u{1F}\(artist ?? "")\u{1F}\(track)"
    }
}

/// What one caller hands a listen store's group commit (`GroupCommitQueue`): listens or bulk events.
public enum IngestRows: Sendable {
    case listens([StoredListen])
    case events([StoredEvent])
}

/// A play as the live view rebuilds it after a restart: from a stored listen or event.
public struct RecentPlay: Sendable, Equatable {
    public var user: String
    public var track: String
    public var artist: String
    /// Milliseconds since 1970.
    public var time: Int64

    public init(user: String, track: String, artist: String, time: Int64) {
        self.user = user
        self.track = track
        self.artist = artist
        self.time = time
    }
}

extension ListenStore {
    /// Stores listens durably before returning; duplicates are stored once. Returns how many were new.
    public func append(_ listens: [StoredListen]) async throws -> Int {
        try await insert(listens).count { $0 }
    }
}

/// Ingest tokens and bulk events, kept beside the ListenBrainz users and listens.
public protocol EventStore: Sendable {
    /// Creates a token; returns it with the secret, which is shown once and never stored.
    func createIngestToken(name: String?, scope: String) throws -> (token: IngestToken, secret: String)
    func ingestToken(secret: String) throws -> IngestToken?
    func ingestTokens() throws -> [IngestToken]
    /// Stores events durably before returning (group commit with listens). Returns, per event,
    /// whether it was new (false for one already stored under the same token, user and key).
    func appendEvents(_ events: [StoredEvent]) async throws -> [Bool]
    func eventCount() throws -> Int
    /// Calls `body` with each listen and event with an event time at or after `since`
    /// (milliseconds), oldest first, without holding them all in memory.
    func forEachRecentPlay(since: Int64, _ body: (RecentPlay) throws -> Void) throws
}

extension EventStore {
    /// Listens and events with an event time at or after `since` (milliseconds), oldest first.
    public func recentPlays(since: Int64) throws -> [RecentPlay] {
        var plays: [RecentPlay] = []
        try forEachRecentPlay(since: since) { plays.append($0) }
        return plays
    }
}

extension ListenStore {
    /// Creates a user whose listens join the profile of its own name.
    public func createUser(named name: String) throws -> ListenUser { try createUser(named: name, profile: nil) }
}
