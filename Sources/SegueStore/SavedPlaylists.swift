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

    public init(id: Int64, owner: String, name: String, mode: String, trackIDs: [Int64], createdMillis: Int64, updatedMillis: Int64) {
        self.id = id
        self.owner = owner
        self.name = name
        self.mode = mode
        self.trackIDs = trackIDs
        self.createdMillis = createdMillis
        self.updatedMillis = updatedMillis
    }

    /// Track ids as stored in both backends: decimal, comma-separated.
    public static func encode(_ ids: [Int64]) -> String { ids.map(String.init).joined(separator: ",") }

    public static func decode(_ text: String) -> [Int64] { text.split(separator: ",").compactMap { Int64($0) } }
}

/// Where saved playlists live. Every call names the owner: an id of someone else's playlist
/// behaves as if it did not exist.
public protocol SavedPlaylistStore: Sendable {
    /// Stores a new playlist and returns it with its id.
    func savePlaylist(owner: String, name: String, mode: String, trackIDs: [Int64], millis: Int64) throws -> SavedPlaylist
    /// The owner's playlists, most recently changed first.
    func savedPlaylists(owner: String) throws -> [SavedPlaylist]
    func savedPlaylist(id: Int64, owner: String) throws -> SavedPlaylist?
    /// Renames one; nil when the owner has no playlist `id`.
    func renamePlaylist(id: Int64, owner: String, name: String, millis: Int64) throws -> SavedPlaylist?
    /// True when it was there.
    func deletePlaylist(id: Int64, owner: String) throws -> Bool
    /// Every playlist of the owner (when its data is erased).
    func deletePlaylists(owner: String) throws
}
