import Foundation
import SeguePlaylists

/// Finds a library track among a Subsonic server's songs: by file path when the server reports one
/// (the surest: two recordings of one song share artist and title), else by artist, title and album
/// with the duration as a check. Pure, so the rules are tested without a server.
public enum SubsonicMatcher {
    /// How a track was found on the server.
    public enum Match: String, Sendable, Equatable, Codable {
        case path, search
    }

    /// Seconds two durations may differ by (servers report whole seconds; encoders pad).
    public static let durationTolerance: Double = 3

    /// The song on the server for `track`, among `candidates` (a search3 answer), and how it matched.
    /// - Parameter libraryRoot: the folder the server's music folder mirrors (paths are compared below
    ///   it); nil compares the server's (relative) path with the end of the track's path.
    public static func best(for track: PlaylistTrack, among candidates: [SubsonicSong], libraryRoot: String?) -> (song: SubsonicSong, match: Match)? {
        let local = relative(track.path, to: libraryRoot)
        if let song = candidates.first(where: { song in
            guard let path = song.path.map(normalisedPath), !path.isEmpty else { return false }
            return path == local || local.hasSuffix("/" + path) || path.hasSuffix("/" + local)
        }) {
            return (song, .path)
        }
        let title = folded(track.title)
        let artist = folded(track.artist)
        let album = folded(track.album)
        let fits = candidates.filter { song in
            guard folded(song.title) == title, folded(song.artist ?? "") == artist else { return false }
            if let d = song.duration, track.durationSeconds > 0, abs(Double(d) - track.durationSeconds) > durationTolerance { return false }
            return true
        }
        // The same album first; a track without an album takes any.
        if let song = fits.first(where: { album.isEmpty || folded($0.album ?? "") == album }) ?? fits.first { return (song, .search) }
        return nil
    }

    /// The search3 queries to try for `track`, most specific server first: the title alone (what
    /// substring-of-title servers like supysonic match) then artist and title (word servers).
    public static func queries(for track: PlaylistTrack) -> [String] {
        let title = track.title.trimmingCharacters(in: .whitespaces)
        let both = "\(track.artist) \(title)".trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? [both] : (both == title ? [title] : [title, both])
    }

    /// Lowercased, without diacritics, with runs of white space as one space.
    static func folded(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func normalisedPath(_ path: String) -> String {
        path.replacingOccurrences(of: "\\", with: "/").split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    static func relative(_ path: String, to root: String?) -> String {
        let p = normalisedPath(path)
        guard let root else { return p }
        let r = normalisedPath(root)
        return p.hasPrefix(r + "/") ? String(p.dropFirst(r.count + 1)) : p
    }
}
