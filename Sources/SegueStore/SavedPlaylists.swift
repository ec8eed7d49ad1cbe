import Foundation

/// A playlist someone kept: its name, how it was made and its tracks in order (library track ids).
public struct SavedPlaylist: Sendable, Equatable, Codable {
    public var id: Int64
    /// Whose it is: the web session's profile (one session never sees another's playlists).
    public var owner: String
    public var name: String
    /// radio, path or order.
    public var mode: String
    public var trackIDs: [Int64]
    public var createdMillis: Int64
    public var updatedMillis: Int64
    /// How it was made (`PlaylistRecipe`, as stored); nil for an ordered selection and for playlists
    /// saved before recipes were kept. Read it with `recipe()`.
    public var recipeJSON: String?
    /// Where it goes (`PushTarget`'s text: a player's name or `folder:/path`): set when it is first
    /// sent, or given when it is saved.
    public var pushTarget: String?
    /// Rebuilt from its recipe and pushed to `pushTarget` once a day.
    public var refreshDaily: Bool
    /// The last push that went through, and the tracks the target did not have then ("Artist – Title").
    public var lastPushedMillis: Int64?
    public var lastMissing: [String]
    /// The last push or rebuild that failed (one sentence naming the server or the rule), until one succeeds.
    public var lastError: String?
    public var lastErrorMillis: Int64?

    public init(
        id: Int64, owner: String, name: String, mode: String, trackIDs: [Int64], createdMillis: Int64, updatedMillis: Int64,
        recipeJSON: String? = nil, pushTarget: String? = nil, refreshDaily: Bool = false, lastPushedMillis: Int64? = nil,
        lastMissing: [String] = [], lastError: String? = nil, lastErrorMillis: Int64? = nil
    ) {
        self.id = id
        self.owner = owner
        self.name = name
        self.mode = mode
        self.trackIDs = trackIDs
        self.createdMillis = createdMillis
        self.updatedMillis = updatedMillis
        self.recipeJSON = recipeJSON
        self.pushTarget = pushTarget
        self.refreshDaily = refreshDaily
        self.lastPushedMillis = lastPushedMillis
        self.lastMissing = lastMissing
        self.lastError = lastError
        self.lastErrorMillis = lastErrorMillis
    }

    /// The recipe, or nil when none was kept.
    /// - Throws: `RecipeReadError` when one was kept but cannot be read.
    public func recipe() throws(RecipeReadError) -> PlaylistRecipe? {
        guard let recipeJSON else { return nil }
        return try PlaylistRecipe.read(json: recipeJSON)
    }

    /// Missing names as stored in both backends: a JSON array of strings.
    public static func encodeNames(_ names: [String]) -> String {
        (try? JSONEncoder().encode(names)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    public static func decodeNames(_ text: String?) -> [String] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// Track ids as stored in both backends: decimal, comma-separated.
    public static func encode(_ ids: [Int64]) -> String { ids.map(String.init).joined(separator: ",") }

    public static func decode(_ text: String) -> [Int64] { text.split(separator: ",").compactMap { Int64($0) } }
}

/// What became of a push of a saved playlist, as `SavedPlaylistStore.recordPush` keeps it.
public enum SavedPlaylistPush: Sendable, Equatable {
    /// It reached `target`; `missing` are the tracks the target does not have.
    case sent(target: String, missing: [String])
    /// The rebuild or the push to `target` failed: `message` is one sentence naming the server or the rule.
    case failed(target: String, message: String)
}

/// Where saved playlists live. Every call names the owner: an id of someone else's playlist
/// behaves as if it did not exist.
public protocol SavedPlaylistStore: Sendable {
    /// Stores a new playlist and returns it with its id.
    /// - Parameters:
    ///   - recipe: how it was made (nil: an ordered selection, which is not rebuilt).
    ///   - pushTarget: where it goes, when known at once (`segue playlist --save --push`).
    func savePlaylist(
        owner: String, name: String, mode: String, trackIDs: [Int64], recipe: PlaylistRecipe?, pushTarget: String?,
        refreshDaily: Bool, millis: Int64
    ) throws -> SavedPlaylist
    /// The owner's playlists, most recently changed first.
    func savedPlaylists(owner: String) throws -> [SavedPlaylist]
    func savedPlaylist(id: Int64, owner: String) throws -> SavedPlaylist?
    /// Renames one; nil when the owner has no playlist `id`.
    func renamePlaylist(id: Int64, owner: String, name: String, millis: Int64) throws -> SavedPlaylist?
    /// True when it was there.
    func deletePlaylist(id: Int64, owner: String) throws -> Bool
    /// Every playlist of the owner (when its data is erased).
    func deletePlaylists(owner: String) throws
    /// Marks or unmarks a playlist for the daily rebuild; nil when the owner has no playlist `id`.
    func setRefreshDaily(id: Int64, owner: String, _ on: Bool, millis: Int64) throws -> SavedPlaylist?
    /// Replaces a playlist's tracks with a rebuilt order; nil when the owner has no playlist `id`.
    func replaceTracks(id: Int64, owner: String, trackIDs: [Int64], millis: Int64) throws -> SavedPlaylist?
    /// Records a push: `.sent` sets the target, the time and what was missing and clears the last
    /// error; `.failed` keeps the last good push and records the error and its time. Nil when the
    /// owner has no playlist `id` (it was deleted meanwhile).
    func recordPush(id: Int64, owner: String, _ outcome: SavedPlaylistPush, millis: Int64) throws -> SavedPlaylist?
    /// Every owner's playlists marked for the daily rebuild that have a recipe and a target, by id.
    func playlistsToRefresh() throws -> [SavedPlaylist]
}

extension SavedPlaylistStore {
    /// Stores a playlist without a recipe or a target (a selection, or a playlist kept as it is).
    public func savePlaylist(owner: String, name: String, mode: String, trackIDs: [Int64], millis: Int64) throws -> SavedPlaylist {
        try savePlaylist(
            owner: owner, name: name, mode: mode, trackIDs: trackIDs, recipe: nil, pushTarget: nil, refreshDaily: false, millis: millis)
    }
}
