import Foundation
import SeguePlaylists
import Testing

@testable import SeguePlayers

/// Pushing to a real Subsonic server (supysonic, API 1.12.0: password auth, title-substring search3,
/// createPlaylist answering without the playlist).
@Suite("Push to supysonic", .serialized) struct SupysonicPushTests {
    static let songs: [Supysonic.Song] = [
        .init(
            artist: "Aurora Lane", title: "Harbour Lights", album: "Tides", seconds: 4, relativePath: "Aurora Lane/Tides/01 Harbour Lights.flac",
            frequency: 330),
        .init(
            artist: "Aurora Lane", title: "Low Tide", album: "Tides", seconds: 5, relativePath: "Aurora Lane/Tides/02 Low Tide.flac", frequency: 392),
        .init(artist: "Brass Owl", title: "Night Bus", album: "City", seconds: 6, relativePath: "Brass Owl/City/01 Night Bus.flac", frequency: 440),
        .init(
            artist: "Brass Owl", title: "Café Müller", album: "City", seconds: 3, relativePath: "Brass Owl/City/02 Café Müller.flac", frequency: 494),
        // Same title, another artist: search alone would be ambiguous.
        .init(
            artist: "Cold Fern", title: "Night Bus", album: "Commute", seconds: 7, relativePath: "Cold Fern/Commute/01 Night Bus.flac", frequency: 523
        ),
    ]

    /// The library as Segue sees it: the same files, under a folder of its own (`root`).
    static func track(_ id: Int64, _ song: Supysonic.Song, root: String, path: Bool = true) -> PlaylistTrack {
        let section = PlaylistTrack.Section(bpm: 120, camelot: nil, energy: 0.5)
        return PlaylistTrack(
            id: id, path: path ? root + "/" + song.relativePath : "/elsewhere/\(id).flac", artist: song.artist, title: song.title,
            album: song.album, durationSeconds: Double(song.seconds), intro: section, outro: section, loudnessLUFS: -14, embedding: [])
    }

    @Test func pushReadBackReplaceInPlaceAndReportMissing() async throws {
        let server = try await Supysonic.start(songs: Self.songs)
        defer { server.stop() }
        let client = try await SubsonicClient.connect(server: server.url, user: Supysonic.user, password: Supysonic.password)
        #expect(client.authentication == .password)
        #expect(client.apiVersion == SubsonicVersion(1, 12, 0))
        let root = "/home/me/Music"
        let s = Self.songs
        // Tracks 1-3 by path (the library mirrors the server's folder); 4 lives elsewhere locally, so by search.
        let absent = PlaylistTrack(
            id: 99, path: root + "/Nobody/Missing.flac", artist: "Nobody", title: "Not There", album: "", durationSeconds: 200,
            intro: .init(bpm: 100, camelot: nil, energy: 0.5), outro: .init(bpm: 100, camelot: nil, energy: 0.5), loudnessLUFS: -14, embedding: [])
        let first = [
            Self.track(3, s[2], root: root), Self.track(1, s[0], root: root), absent, Self.track(4, s[3], root: root, path: false),
            Self.track(5, s[4], root: root),
        ]
        let pusher = SubsonicPusher(client: client, libraryRoot: root, target: "home")
        let report = try await pusher.push(first, name: "Segue radio")
        #expect(report.created)
        #expect(report.missing == ["Nobody – Not There"])
        #expect(report.matched.map(\.trackID) == [3, 1, 4, 5])
        #expect(report.matched.map(\.match) == [.path, .path, .search, .path])
        let stored = try await client.playlist(id: report.playlistID)
        #expect(stored.name == "Segue radio")
        #expect(stored.entry?.map(\.title) == ["Night Bus", "Harbour Lights", "Café Müller", "Night Bus"])
        #expect(stored.entry?.map { $0.artist ?? "" } == ["Brass Owl", "Aurora Lane", "Brass Owl", "Cold Fern"])

        // A new order, pushed again: the same playlist id, the new songs in the new order.
        let second = [Self.track(2, s[1], root: root), Self.track(5, s[4], root: root), Self.track(1, s[0], root: root)]
        let again = try await pusher.push(second, name: "Segue radio", previousID: report.playlistID)
        #expect(!again.created)
        #expect(again.playlistID == report.playlistID)
        #expect(again.missing.isEmpty)
        let replaced = try await client.playlist(id: report.playlistID)
        #expect(replaced.entry?.map(\.title) == ["Low Tide", "Night Bus", "Harbour Lights"])
        #expect(replaced.entry?.map { $0.artist ?? "" } == ["Aurora Lane", "Cold Fern", "Aurora Lane"])
        let all = try await client.playlists()
        #expect(all.filter { $0.name == "Segue radio" }.count == 1)

        // Without the stored id, the name finds it too.
        let third = try await pusher.push(Array(second.reversed()), name: "Segue radio")
        #expect(third.playlistID == report.playlistID)
        #expect(try await client.playlist(id: report.playlistID).entry?.map(\.title) == ["Harbour Lights", "Night Bus", "Low Tide"])

        // Renamed in Segue: the stored id finds it, and it is renamed in place (the same id, one playlist).
        let renamed = try await pusher.push(second, name: "Evening radio", previousID: report.playlistID)
        #expect(!renamed.created && renamed.playlistID == report.playlistID)
        let afterRename = try await client.playlist(id: report.playlistID)
        #expect(afterRename.name == "Evening radio" && afterRename.entry?.map(\.title) == ["Low Tide", "Night Bus", "Harbour Lights"])
        #expect(try await client.playlists().map(\.name).filter { $0.hasSuffix("radio") } == ["Evening radio"])
    }

    /// Without the shared folder, matching falls back to search3 with the duration as a check: a
    /// track whose length differs by more than the tolerance is reported, not matched to the wrong song.
    @Test func searchMatchingChecksDuration() async throws {
        let server = try await Supysonic.start(songs: Array(Self.songs.prefix(3)))
        defer { server.stop() }
        let client = try await SubsonicClient.connect(server: server.url, user: Supysonic.user, password: Supysonic.password)
        var wrongLength = Self.track(2, Self.songs[1], root: "/x", path: false)
        wrongLength.durationSeconds = 95
        let tracks = [Self.track(1, Self.songs[0], root: "/x", path: false), wrongLength]
        let report = try await SubsonicPusher(client: client, target: "home").push(tracks, name: "Durations")
        #expect(report.matched.map(\.match) == [.search])
        #expect(report.missing == ["Aurora Lane – Low Tide"])
        #expect(report.summary.contains("Not on home: Aurora Lane – Low Tide."))
    }

    @Test func wrongPasswordIsOneSentence() async throws {
        let server = try await Supysonic.start(songs: [])
        defer { server.stop() }
        await #expect(throws: PlayerError.failed(server: server.url, method: "ping", code: 40, message: "Wrong username or password.")) {
            _ = try await SubsonicClient.connect(server: server.url, user: Supysonic.user, password: "guess")
        }
    }
}
