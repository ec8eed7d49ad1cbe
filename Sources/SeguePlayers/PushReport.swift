import SeguePlaylists

/// What a push did: where the playlist went, which tracks were found and how, and which were not.
public struct PushReport: Sendable, Equatable, Codable {
    /// One track and the song it became on the server.
    public struct Matched: Sendable, Equatable, Codable {
        public var trackID: Int64
        public var name: String
        public var songID: String
        public var match: SubsonicMatcher.Match
    }

    /// The player's name, or `folder:/path`.
    public var target: String
    public var playlistName: String
    /// The server's playlist id, or the written file.
    public var playlistID: String
    /// False when an earlier push's playlist was replaced in place.
    public var created: Bool
    public var matched: [Matched]
    /// "Artist – Title" of every track the target does not have, in playlist order.
    public var missing: [String]

    /// One line for people: what went where and what is missing.
    public var summary: String {
        let byPath = matched.filter { $0.match == .path }.count
        var line = "\(created ? "Created" : "Updated") '\(playlistName)' on \(target) with \(matched.count) tracks"
        if !matched.isEmpty { line += " (\(byPath) by path, \(matched.count - byPath) by search)" }
        line += "."
        if !missing.isEmpty { line += " Not on \(target): \(missing.joined(separator: "; "))." }
        return line
    }

    /// "Artist – Title".
    static func name(of track: PlaylistTrack) -> String { "\(track.artist) – \(track.title)" }
}
