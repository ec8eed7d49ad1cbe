import Foundation
import SeguePlaylists

/// Puts a playlist on a Subsonic server: finds each track (`SubsonicMatcher`), then creates the
/// playlist or, when one of that name exists (or the id of an earlier push still does), replaces its
/// songs in place, so apps that sync by playlist id keep following it.
public struct SubsonicPusher: Sendable {
    public let client: SubsonicClient
    /// The local folder the server's music folder mirrors (see `SubsonicMatcher.best`).
    public let libraryRoot: String?
    /// The player's name, for the report.
    public let target: String

    public init(client: SubsonicClient, libraryRoot: String? = nil, target: String) {
        self.client = client
        self.libraryRoot = libraryRoot
        self.target = target
    }

    /// Finds the tracks and writes the playlist.
    /// - Parameters:
    ///   - previousID: the server id an earlier push of this playlist got, if any.
    ///   - isCancelled: asked before each lookup; true stops the push with `.cancelled`.
    /// - Throws: `PlayerError` from the server; nothing is changed on the server before all tracks were looked up.
    public func push(
        _ tracks: [PlaylistTrack], name: String, previousID: String? = nil, isCancelled: @Sendable () -> Bool = { false }
    ) async throws(PlayerError) -> PushReport {
        let name = try PlaylistName.validated(name)
        var matched: [PushReport.Matched] = []
        var missing: [String] = []
        var answers: [String: [SubsonicSong]] = [:]
        for track in tracks {
            if isCancelled() { throw PlayerError.cancelled }
            var found: (song: SubsonicSong, match: SubsonicMatcher.Match)?
            for query in SubsonicMatcher.queries(for: track) {
                let songs: [SubsonicSong]
                if let cached = answers[query] {
                    songs = cached
                } else {
                    songs = try await client.search3(query)
                    answers[query] = songs
                }
                if let hit = SubsonicMatcher.best(for: track, among: songs, libraryRoot: libraryRoot) {
                    found = hit
                    break
                }
            }
            if let found {
                matched.append(.init(trackID: track.id, name: PushReport.name(of: track), songID: found.song.id, match: found.match))
            } else {
                missing.append(PushReport.name(of: track))
            }
        }
        if isCancelled() { throw PlayerError.cancelled }
        let songIDs = matched.map(\.songID)
        let existing = try await client.playlists()
        let mine = existing.filter { $0.owner == nil || $0.owner == client.user }
        if let old = mine.first(where: { $0.id == previousID }) ?? mine.first(where: { $0.name == name }) {
            let current = try await client.playlist(id: old.id)
            // Found by the id of an earlier push under another name (the playlist was renamed in Segue): renamed in place too.
            try await client.replaceSongs(
                playlistID: old.id, removing: current.entry?.count ?? current.songCount ?? 0, songIDs: songIDs,
                renamingTo: old.name == name ? nil : name)
            return PushReport(target: target, playlistName: name, playlistID: old.id, created: false, matched: matched, missing: missing)
        }
        let before = Set(existing.map(\.id))
        var id = try await client.createPlaylist(name: name, songIDs: songIDs)?.id
        if id == nil {
            // Servers before API 1.14 answer createPlaylist with nothing: find the new one by name.
            id = try await client.playlists().first(where: { !before.contains($0.id) && $0.name == name })?.id
        }
        guard let id else { throw PlayerError.playlistNotFound(server: client.server, name: name) }
        return PushReport(target: target, playlistName: name, playlistID: id, created: true, matched: matched, missing: missing)
    }
}

/// Playlist names as players and file systems take them.
public enum PlaylistName {
    /// `name` trimmed, on one line, 1 to 120 characters, and usable as a file name.
    public static func validated(_ name: String) throws(PlayerError) -> String {
        let clean = PlaylistExport.oneLine(name).trimmingCharacters(in: .whitespaces)
        guard !clean.isEmpty else { throw PlayerError.invalidPlaylistName(name, reason: "it is empty") }
        guard clean.count <= 120 else {
            throw PlayerError.invalidPlaylistName(String(clean.prefix(40)) + "…", reason: "it is longer than 120 characters")
        }
        guard !clean.contains("/"), !clean.contains("\\"), !clean.hasPrefix(".") else {
            throw PlayerError.invalidPlaylistName(clean, reason: "it contains '/' or '\\' or starts with '.'")
        }
        return clean
    }
}
