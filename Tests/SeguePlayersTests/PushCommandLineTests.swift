import Foundation
import SeguePlaylists
import Testing

@testable import SeguePlayers

/// `segue players add/list/remove` and `segue playlist … --push` as a person runs them: a library
/// analysed by `segue library add` over the very folder a real supysonic serves.
@Suite("Push from the command line", .serialized) struct PushCommandLineTests {
    @Test func playersAndPushFromTheCommandLine() async throws {
        let songs = Array(SupysonicPushTests.songs.prefix(4))
        let server = try await Supysonic.start(songs: songs)
        defer { server.stop() }
        let scratch = server.folder
        let music = scratch + "/music"
        let data = scratch + "/data"
        // One more song, in the local library only: the server does not have it.
        let elsewhere = scratch + "/elsewhere"
        let lonely = Supysonic.Song(
            artist: "Dune Echo", title: "Only Here", album: "Alone", seconds: 4, relativePath: "Only Here.flac", frequency: 600)
        try await Supysonic.generate(lonely, into: elsewhere, scratch: scratch)
        func segue(_ arguments: [String]) async throws -> SegueCLI.Run { try await SegueCLI.run(arguments + ["--data", data], scratch: scratch) }

        let added = try await segue(["library", "add", "--format", "json", music, elsewhere])
        #expect(added.status == 0, "\(added.err)")
        let list = try await segue(["library", "list", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 5 && rows.allSatisfy { $0["status"] as? String == "done" })
        let idByTitle = Dictionary(uniqueKeysWithValues: rows.compactMap { r in (r["title"] as? String).map { ($0, r["id"] as? Int ?? 0) } })

        // The password comes from a file; a missing one, an address with credentials and a wrong password are one sentence each.
        let passwordFile = scratch + "/password"
        try (Supysonic.password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let wrongFile = scratch + "/wrong"
        try "guess\n".write(toFile: wrongFile, atomically: true, encoding: .utf8)
        let wrong = try await segue(["players", "add", "home", "--subsonic", server.url, "--user", Supysonic.user, "--password-file", wrongFile])
        #expect(wrong.status != 0 && wrong.err.contains("refused ping: Wrong username or password."), "\(wrong.err)")
        let inURL = try await segue([
            "players", "add", "home", "--subsonic", "http://alice:pw@127.0.0.1:\(server.port)", "--user", "a", "--password-file", passwordFile,
        ])
        #expect(inURL.status != 0 && inURL.err.contains("a user name or password in the address"), "\(inURL.err)")
        let noFile = try await segue(["players", "add", "home", "--subsonic", server.url, "--user", "a", "--password-file", scratch + "/nothing"])
        #expect(noFile.status != 0 && noFile.err.contains("cannot be read"), "\(noFile.err)")
        #expect(!FileManager.default.fileExists(atPath: data + "/players.json"))

        let home = try await segue([
            "players", "add", "home", "--subsonic", server.url, "--user", Supysonic.user, "--password-file", passwordFile, "--library-root", music,
        ])
        #expect(home.status == 0, "\(home.err)")
        #expect(home.err.contains("Subsonic API 1.12.0, password in the POST body"))
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/players.json")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try await segue(["players", "add", "home", "--folder", scratch])
        #expect(again.status != 0 && again.err.contains("A player named 'home' exists already"))
        let players = try await segue(["players", "list"])
        #expect(players.out.contains("home\tSubsonic \(server.url) as alice (library \(music))"))
        #expect(!players.out.contains(Supysonic.password))
        let listed = try await segue(["players", "list", "--format", "json"])
        let rows2 = try #require(try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [[String: Any]])
        #expect(rows2.count == 1 && rows2.first?["subsonic"] as? String == server.url && rows2.first?["user"] as? String == Supysonic.user)
        #expect(!listed.out.contains(Supysonic.password) && rows2.first?["password"] == nil)

        // Push: every track the server has, by path, in the playlist's order; the lonely one reported by name.
        let ids = ["Harbour Lights", "Night Bus", "Only Here", "Café Müller"].compactMap { idByTitle[$0] }.map(String.init)
        #expect(ids.count == 4)
        let pushed = try await segue([
            "playlist", "--mode", "order", "--tracks", ids.joined(separator: ","), "--format", "json", "--push", "home", "--push-name", "Evening",
        ])
        #expect(pushed.status == 0, "\(pushed.err)")
        let order = try #require(try JSONSerialization.jsonObject(with: Data(pushed.out.utf8)) as? [[String: Any]]).compactMap {
            $0["title"] as? String
        }
        #expect(
            pushed.err.contains("Created 'Evening' on home with 3 tracks (3 by path, 0 by search). Not on home: Dune Echo – Only Here."),
            "\(pushed.err)")
        let client = try await SubsonicClient.connect(server: server.url, user: Supysonic.user, password: Supysonic.password)
        let registry = try PlayerRegistry.load(from: data + "/players.json")
        let playlistID = try #require(try registry.player("home").pushed["Evening"])
        let record = try #require(try registry.player("home").lastPushes?["Evening"])
        #expect(record.matched == 3 && record.missing == ["Dune Echo – Only Here"])
        #expect(try await client.playlist(id: playlistID).entry?.map(\.title) == order.filter { $0 != "Only Here" })

        // Again with other tracks: the same playlist, replaced in place.
        let fewer = ["Low Tide", "Harbour Lights"].compactMap { idByTitle[$0] }.map(String.init)
        let replaced = try await segue([
            "playlist", "--mode", "order", "--tracks", fewer.joined(separator: ","), "--format", "json", "--push", "home", "--push-name", "Evening",
        ])
        #expect(replaced.status == 0 && replaced.err.contains("Updated 'Evening' on home with 2 tracks"), "\(replaced.err)")
        let order2 = try #require(try JSONSerialization.jsonObject(with: Data(replaced.out.utf8)) as? [[String: Any]]).compactMap {
            $0["title"] as? String
        }
        #expect(try await client.playlist(id: playlistID).entry?.map(\.title) == order2)
        #expect(try await client.playlists().filter { $0.name == "Evening" }.map(\.id) == [playlistID])

        // The watched folder, read back by path: the server's view of each path, in order, every track.
        let watched = scratch + "/playlists"
        try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
        let folder = try await segue([
            "playlist", "--mode", "order", "--tracks", ids.joined(separator: ","), "--format", "json", "--push", "folder:" + watched,
            "--push-name", "Evening", "--path-map", "\(scratch)=/srv",
        ])
        #expect(folder.status == 0, "\(folder.err)")
        let paths = try #require(try JSONSerialization.jsonObject(with: Data(folder.out.utf8)) as? [[String: Any]]).compactMap {
            $0["path"] as? String
        }
        let m3u = try String(contentsOfFile: watched + "/Evening.m3u8", encoding: .utf8)
        let lines = m3u.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        #expect(lines == paths.map { "/srv" + $0.dropFirst(scratch.count) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: watched) == ["Evening.m3u8"])

        // Unknown player and unwritable folder: the playlist is still printed, the command fails, one sentence each.
        let nobody = try await segue(["playlist", "--mode", "order", "--tracks", fewer.joined(separator: ","), "--push", "nobody"])
        #expect(nobody.status != 0 && nobody.err.contains("There is no player named 'nobody'") && nobody.out.contains("Low Tide"), "\(nobody.err)")
        let badName = try await segue([
            "playlist", "--mode", "order", "--tracks", fewer.joined(separator: ","), "--push", "folder:" + watched, "--push-name", "../escape",
        ])
        #expect(badName.status != 0 && badName.err.contains("cannot be used"), "\(badName.err)")
        let relative = try await segue(["playlist", "--mode", "order", "--tracks", fewer.joined(separator: ","), "--push", "folder:playlists"])
        #expect(relative.status != 0 && relative.err.contains("absolute path"), "\(relative.err)")

        let removed = try await segue(["players", "remove", "home"])
        #expect(removed.status == 0)
        #expect(try PlayerRegistry.load(from: data + "/players.json").players.isEmpty)
        let unknown = try await segue(["players", "remove", "home"])
        #expect(unknown.status != 0 && unknown.err.contains("There is no player named 'home'"))
    }
}
