import Foundation
import SeguePlaylists
import SegueTestSupport
import Testing

@testable import SeguePlayers

/// Careless or hostile input around a push: the players file, names, path mappings, tags, and a
/// server that fails half-way. Each is one sentence, and nothing already stored is lost.
@Suite("Players: hostile input") struct PlayerHostileInputTests {
    static func track(_ id: Int64, title: String, artist: String = "Artist", path: String, seconds: Double = 180) -> PlaylistTrack {
        let s = PlaylistTrack.Section(bpm: 120, camelot: nil, energy: 0.5)
        return PlaylistTrack(
            id: id, path: path, artist: artist, title: title, album: "Album", durationSeconds: seconds, intro: s, outro: s, loudnessLUFS: -14,
            embedding: [])
    }

    @Test func aPlayersFileSegueDidNotWriteIsOneSentenceAndStaysAsItWas() async throws {
        let folder = try Fixtures.folder().path
        let path = PlayerRegistry.path(inDataDirectory: folder)
        try "{\"players\": [{\"name\": 7}]".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: PlayerError.self) { try PlayerRegistry.load(from: path) }
        do {
            _ = try await PlaylistPush(dataDirectory: folder).push([], name: "x", to: .player("home"))
            Issue.record("the push went on")
        } catch {
            #expect(error.description.hasPrefix("The players file \(path) cannot be used: it is not a players file Segue wrote"))
        }
        #expect(throws: PlayerError.self) {
            try PlayerRegistry.update(at: path) { (r: inout PlayerRegistry) throws(PlayerError) in r.players = [] }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"players\": [{\"name\": 7}]")
    }

    @Test func thePlayersFileIsOwnerOnlyEvenWhenAnOlderOneWasNot() throws {
        let folder = try Fixtures.folder().path
        let path = PlayerRegistry.path(inDataDirectory: folder)
        try PlayerRegistry().save(to: path)
        chmod(path, 0o644)
        try PlayerRegistry.update(at: path) { (r: inout PlayerRegistry) throws(PlayerError) in
            try r.add(.init(name: "home", url: "http://127.0.0.1:1", user: "u", password: "secret"))
        }
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["players.json", "players.json.lock"])
    }

    @Test func playerAndPlaylistNames() throws {
        for bad in ["", "folder", "a b", "../x", "ünïcode", String(repeating: "a", count: 65), "x\n"] {
            #expect(throws: PlayerError.invalidPlayerName(bad)) { try PushTarget(bad) }
        }
        #expect(try PushTarget("folder:/srv/lists") == .folder("/srv/lists"))
        #expect(throws: PlayerError.self) { try PushTarget("folder:lists") }
        for bad in ["", "   ", "../up", "a/b", ".hidden", "back\\slash", String(repeating: "n", count: 121)] {
            #expect(throws: PlayerError.self) { try PlaylistName.validated(bad) }
        }
        #expect(try PlaylistName.validated("  Two\nlines\tand tabs ") == "Two lines and tabs")
    }

    @Test func pathMappingsRewriteWholeFoldersOnly() throws {
        let m = try PathMapping("/home/me/Music/=/music")
        #expect(m.apply("/home/me/Music/A/b.flac") == "/music/A/b.flac")
        #expect(m.apply("/home/me/Music") == "/music")
        #expect(m.apply("/home/me/Musical/b.flac") == "/home/me/Musical/b.flac")
        #expect(m.apply("/elsewhere/b.flac") == "/elsewhere/b.flac")
        for bad in ["music=/x", "/x", "/a=b", "=/x"] {
            #expect(throws: PlayerError.invalidPathMapping(bad)) { try PathMapping(bad) }
        }
    }

    /// A tag or a path with a line break cannot forge a line of the playlist file; a rewrite leaves no
    /// temporary file; a folder that is not there is one sentence.
    @Test func watchedFolderFiles() throws {
        let folder = try Fixtures.folder().path
        let target = FolderPlaylistTarget(folder: folder, mapping: PathMapping(from: "/lib", to: "/music"))
        let tracks = [
            Self.track(1, title: "Fine\n/etc/passwd", path: "/lib/a.flac"),
            Self.track(2, title: "Two", path: "/lib/b\n/etc/shadow.flac"),
        ]
        let report = try target.write(tracks, name: "Mix")
        #expect(report.created && report.missing.isEmpty && report.matched.count == 2)
        let lines = try String(contentsOfFile: folder + "/Mix.m3u8", encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { !$0.hasPrefix("#") } == ["/music/a.flac", "/music/b /etc/shadow.flac"])
        #expect(!lines.contains("/etc/passwd"))
        let again = try target.write(Array(tracks.prefix(1)), name: "Mix")
        #expect(!again.created)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["Mix.m3u8"])
        #expect(throws: PlayerError.folderUnavailable(path: folder + "/nowhere", detail: "it is not an existing folder")) {
            try FolderPlaylistTarget(folder: folder + "/nowhere").write(tracks, name: "Mix")
        }
    }

    /// Nothing is changed on the server before every track was looked up: a search answered with
    /// garbage stops the push before any createPlaylist or updatePlaylist.
    @Test func aServerFailingMidPushIsLeftUnchanged() async throws {
        let server = try await HostileSubsonic.start("searchgarbage")
        defer { server.stop() }
        let client = try await SubsonicClient.connect(server: server.url, user: "alice", password: "pw")
        await #expect(throws: PlayerError.notSubsonic(server: server.url, method: "search3", detail: "the body is not JSON")) {
            _ = try await SubsonicPusher(client: client, target: "home").push([Self.track(1, title: "One", path: "/x/1.flac")], name: "Mix")
        }
        let methods = try HostileSubsonic.requests(server).map { ($0.target as NSString).lastPathComponent }
        #expect(methods == ["ping", "ping", "search3"])
    }

    /// A cancelled push stops between lookups and changes nothing on the server.
    @Test func aCancelledPushChangesNothing() async throws {
        let server = try await HostileSubsonic.start("modern")
        defer { server.stop() }
        let client = try await SubsonicClient.connect(server: server.url, user: "alice", password: "pw")
        let asked = Counter()
        let tracks = (1...5).map { Self.track(Int64($0), title: "Song \($0)", path: "/x/\($0).flac") }
        await #expect(throws: PlayerError.cancelled) {
            _ = try await SubsonicPusher(client: client, target: "home").push(tracks, name: "Mix", isCancelled: { asked.next() > 2 })
        }
        let methods = try HostileSubsonic.requests(server).map { ($0.target as NSString).lastPathComponent }
        // Two tracks looked up (title, then artist and title), then the stop: no getPlaylists, no create.
        #expect(methods == ["ping", "ping", "search3", "search3", "search3", "search3"])
        #expect(PlayerError.cancelled.description == "The push was cancelled; nothing was changed on the player.")
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.withLock {
                value += 1
                return value
            }
        }
    }

    /// Search matching: the same title by another artist, or the same song at another length, is not
    /// the track; case and accents do not matter.
    @Test func searchMatchingRules() {
        let track = Self.track(1, title: "Café Müller", artist: "Brass Owl", path: "/local/x.flac", seconds: 200)
        let songs = [
            SubsonicSong(id: "a", title: "Café Müller", artist: "Other Band", album: "Album", duration: 200),
            SubsonicSong(id: "b", title: "Cafe Muller", artist: "brass owl", album: "Live", duration: 260),
            SubsonicSong(id: "c", title: "CAFÉ MÜLLER", artist: "Brass  Owl", album: "Other", duration: 202),
            SubsonicSong(id: "d", title: "Café Müller", artist: "Brass Owl", album: "Album", duration: 199),
        ]
        #expect(SubsonicMatcher.best(for: track, among: Array(songs.prefix(2)), libraryRoot: nil) == nil)
        #expect(SubsonicMatcher.best(for: track, among: Array(songs.prefix(3)), libraryRoot: nil)?.song.id == "c")
        #expect(SubsonicMatcher.best(for: track, among: songs, libraryRoot: nil)?.song.id == "d")
        // By path: the server's relative path under the shared folder.
        let byPath = Self.track(2, title: "Whatever", path: "/home/me/Music/A/B/01.flac")
        let hit = SubsonicMatcher.best(
            for: byPath, among: [SubsonicSong(id: "p", title: "Tagged Otherwise", path: "A/B/01.flac")], libraryRoot: "/home/me/Music")
        #expect(hit?.song.id == "p" && hit?.match == .path)
    }
}
