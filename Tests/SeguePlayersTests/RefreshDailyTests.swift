import Foundation
import SeguePlaylists
import SegueStore
import SegueStoreSQLite
import Testing

@testable import SeguePlayers

/// Kept current against a real Subsonic server: `segue playlist --save --refresh-daily --push`
/// creates the playlist on supysonic; after the library changed, a `segue worker` (whose scheduler
/// queues the day's refresh as it starts) rebuilds it and replaces its songs in place.
@Suite("Refresh daily on supysonic", .serialized) struct RefreshDailyTests {
    @Test func theWorkerRebuildsAfterTheLibraryChangedAndPushesInPlace() async throws {
        let songs: [Supysonic.Song] =
            SupysonicPushTests.songs + [
                .init(
                    artist: "Dune Echo", title: "Sand Clock", album: "Dunes", seconds: 5, relativePath: "Dune Echo/Dunes/01 Sand Clock.flac",
                    frequency: 349),
                .init(
                    artist: "Dune Echo", title: "Glass Wind", album: "Dunes", seconds: 4, relativePath: "Dune Echo/Dunes/02 Glass Wind.flac",
                    frequency: 370),
            ]
        let server = try await Supysonic.start(songs: songs)
        defer { server.stop() }
        let scratch = server.folder
        let music = scratch + "/music"
        let data = scratch + "/data"
        func segue(_ arguments: [String]) async throws -> SegueCLI.Run { try await SegueCLI.run(arguments + ["--data", data], scratch: scratch) }

        // The local library starts with the first five songs (the server has all seven).
        let firstFive = songs.prefix(5).map { music + "/" + $0.relativePath }
        let added = try await segue(["library", "add", "--format", "json"] + firstFive)
        #expect(added.status == 0, "\(added.err)")
        let passwordFile = scratch + "/password"
        try (Supysonic.password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let home = try await segue([
            "players", "add", "home", "--subsonic", server.url, "--user", Supysonic.user, "--password-file", passwordFile, "--library-root", music,
        ])
        #expect(home.status == 0, "\(home.err)")
        let library = try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: data))
        let seed = try #require(try library.tracks().first { $0.title == "Harbour Lights" })

        // What the command line refuses.
        let noSave = try await segue(["playlist", "--mode", "radio", "--seed", String(seed.id), "--length", "3", "--refresh-daily", "--push", "home"])
        #expect(noSave.status != 0 && noSave.err.contains("give it a name with --save"), "\(noSave.err)")
        let noTarget = try await segue([
            "playlist", "--mode", "radio", "--seed", String(seed.id), "--length", "3", "--save", "Daily", "--refresh-daily",
        ])
        #expect(noTarget.status != 0 && noTarget.err.contains("exactly one --push target"), "\(noTarget.err)")
        let ordered = try await segue([
            "playlist", "--mode", "order", "--tracks", String(seed.id), "--save", "Daily", "--refresh-daily", "--push", "home",
        ])
        #expect(ordered.status != 0 && ordered.err.contains("an ordered selection has nothing to rebuild"), "\(ordered.err)")

        let made = try await segue([
            "playlist", "--mode", "radio", "--seed", String(seed.id), "--length", "4", "--artist-spacing", "1", "--save", "Daily",
            "--refresh-daily", "--push", "home", "--format", "json",
        ])
        #expect(made.status == 0, "\(made.err)")
        #expect(made.err.contains("Created 'Daily' on home with 4 tracks (4 by path, 0 by search)."), "\(made.err)")
        let playlists = try SQLiteWebStore(path: SQLiteWebStore.databasePath(inDataDirectory: data))
        let saved = try #require(try playlists.savedPlaylists(owner: "default").first)
        #expect(saved.name == "Daily" && saved.refreshDaily && saved.pushTarget == "home" && saved.trackIDs.count == 4)
        let recipe = try #require(try saved.recipe())
        #expect(recipe.kind == .radio && recipe.seeds == [seed.id] && recipe.length == 4 && recipe.rules.artistSpacing == 1)
        let firstPush = try #require(saved.lastPushedMillis)
        let playlistID = try #require(try PlayerRegistry.load(from: data + "/players.json").player("home").pushed["Daily"])
        let client = try await SubsonicClient.connect(server: server.url, user: Supysonic.user, password: Supysonic.password)
        let titleOf = Dictionary(uniqueKeysWithValues: try library.tracks().map { ($0.id, $0.title ?? "") })
        #expect(try await client.playlist(id: playlistID).entry?.map(\.title) == saved.trackIDs.map { titleOf[$0] ?? "?" })

        // The library changes: a song of the playlist is gone (its analysis failed), the two Dune Echo songs arrive.
        let gone = try #require(saved.trackIDs.last)
        try library.setStatus(id: gone, .failed, error: "the file is no longer readable")
        let more = try await segue(["library", "add", "--format", "json"] + songs.suffix(2).map { music + "/" + $0.relativePath })
        #expect(more.status == 0, "\(more.err)")

        // A worker starts: its scheduler queues today's refresh, its pool runs it.
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: SegueCLI.executable)
        worker.arguments = ["worker", "--data", data, "--workers", "1"]
        let log = scratch + "/worker.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        worker.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        worker.standardError = FileHandle(forWritingAtPath: log)
        try worker.run()
        defer {
            if worker.isRunning {
                kill(worker.processIdentifier, SIGKILL)
                worker.waitUntilExit()
            }
        }
        var refreshed = saved
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            refreshed = try #require(try playlists.savedPlaylist(id: saved.id, owner: "default"))
            if refreshed.lastPushedMillis != firstPush || refreshed.lastError != nil { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let workerLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(refreshed.lastError == nil, "\(refreshed.lastError ?? "")")
        #expect(refreshed.lastPushedMillis.map { $0 > firstPush } == true, "not refreshed within 120 s; worker log: \(workerLog.suffix(2000))")
        #expect(refreshed.trackIDs.count == 4 && refreshed.trackIDs.first == seed.id && !refreshed.trackIDs.contains(gone))
        #expect(refreshed.trackIDs != saved.trackIDs)
        #expect(refreshed.lastMissing.isEmpty)

        // In place: the same playlist id on the server, its songs the new order; no second playlist of that name.
        let titles = Dictionary(uniqueKeysWithValues: try library.tracks().map { ($0.id, $0.title ?? "") })
        #expect(try PlayerRegistry.load(from: data + "/players.json").player("home").pushed["Daily"] == playlistID)
        #expect(try await client.playlist(id: playlistID).entry?.map(\.title) == refreshed.trackIDs.map { titles[$0] ?? "?" })
        #expect(try await client.playlists().filter { $0.name == "Daily" }.map(\.id) == [playlistID])
    }
}
