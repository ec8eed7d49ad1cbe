import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SeguePlayers
import SegueServer
import SegueStore
import Testing

/// "Send to …": a saved playlist pushed to a player of the data folder by a job, on a --single-user
/// install only. The player here is a watched folder (the Subsonic side of `PlaylistPush` runs
/// against a real supysonic in SeguePlayersTests).
@Suite("Players API")
struct PlayersAPITests {
    @Test("a saved playlist goes to a watched folder player by a job, in order, with mapped paths; bad requests are one sentence")
    func sendToAFolderPlayer() async throws {
        let server = try TestServer(singleUserProfile: "me")
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let watched = server.folder.appendingPathComponent("watched").path
        try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
        var registry = PlayerRegistry()
        try registry.add(.folder(name: "nas", path: watched, pathMapping: PathMapping(from: server.folder.path, to: "/music")))
        try registry.save(to: PlayerRegistry.path(inDataDirectory: server.folder.path))
        let files = [
            try toneFile(audio, "a.flac", frequency: 330, artist: "North", title: "First Light"),
            try toneFile(audio, "b.flac", frequency: 440, artist: "South", title: "Second Wind"),
        ]
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let me = Browser(client)
                try await me.start()
                var uploads: [String] = []
                for (i, data) in files.enumerated() {
                    let (status, upload) = try await me.libraryUpload(data, name: "t\(i).flac")
                    #expect(status == .created)
                    uploads.append(upload["id"] as? String ?? "")
                }
                #expect(try await me.analyse(uploads)["state"] as? String == "succeeded")
                let rows = try await me.libraryTracks()
                let ids = rows.compactMap { $0["id"] as? Int }.sorted().reversed().map { $0 }
                #expect(ids.count == 2)
                let players = try await me.jsonObject("/api/v1/players") as? [[String: Any]] ?? []
                #expect(players.count == 1 && players.first?["name"] as? String == "nas" && players.first?["kind"] as? String == "folder")
                #expect(players.first?["folder"] == nil)
                let saved = try await me.request(
                    "/api/v1/playlists/saved", .post,
                    json: #"{"name":"Evening","mode":"order","tracks":[\#(ids.map(String.init).joined(separator: ","))]}"#)
                let savedID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: saved.body)) as? [String: Any])?["id"] as? Int)

                let queued = try await me.request("/api/v1/playlists/saved/\(savedID)/push", .post, json: #"{"player":"nas"}"#)
                #expect(queued.status == .accepted)
                let jobID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: queued.body)) as? [String: Any])?["id"] as? String)
                let job = try await me.waitForJob(jobID)
                #expect(job["state"] as? String == "succeeded", "\(job)")
                let push = try #require(job["push"] as? [String: Any])
                #expect(push["summary"] as? String == "Created 'Evening' on nas with 2 tracks (2 by path, 0 by search).")
                // The file, read back by path: the saved order, each path as the folder's reader sees it.
                let m3u = try String(contentsOfFile: watched + "/Evening.m3u8", encoding: .utf8)
                let lines = m3u.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
                // (The API gives no server paths; the upload's file name tells the tracks apart.)
                let fileByID = Dictionary(
                    uniqueKeysWithValues: rows.compactMap { r in
                        (r["id"] as? Int).map { ($0, r["title"] as? String == "First Light" ? "t0.flac" : "t1.flac") }
                    })
                #expect(lines.count == 2)
                for (line, id) in zip(lines, ids) {
                    #expect(line.hasPrefix("/music/library-files/") && line.hasSuffix("/" + (fileByID[id] ?? "?")), "\(line)")
                    #expect(FileManager.default.fileExists(atPath: server.folder.path + line.dropFirst("/music".count)))
                }

                // The player remembers the push: when, how many, what was missing.
                let after = try await me.jsonObject("/api/v1/players") as? [[String: Any]] ?? []
                let pushes = after.first?["pushes"] as? [[String: Any]] ?? []
                #expect(pushes.count == 1 && pushes.first?["playlist"] as? String == "Evening" && pushes.first?["matched"] as? Int == 2)
                #expect((pushes.first?["missing"] as? [String]) == [] && (pushes.first?["at_ms"] as? Int ?? 0) > 0)

                // What the endpoint refuses, each with one sentence.
                for (body, status, words) in [
                    (#"{"player":"nobody"}"#, HTTPResponse.Status.notFound, "there is no player named 'nobody'"),
                    (#"{"player":"folder:/tmp"}"#, .badRequest, "is not a player name"),
                    (#"{"player":"../x"}"#, .badRequest, "is not a player name"),
                    (#"{}"#, .badRequest, "Choose a player (player)."),
                    (#"{"player":7}"#, .badRequest, "player"),
                ] {
                    let r = try await me.request("/api/v1/playlists/saved/\(savedID)/push", .post, json: body)
                    #expect(r.status == status, "\(body): \(r.status)")
                    #expect(String(buffer: r.body).lowercased().contains(words.lowercased()), "\(body): \(String(buffer: r.body))")
                }
                #expect(try await me.request("/api/v1/playlists/saved/999/push", .post, json: #"{"player":"nas"}"#).status == .notFound)
                #expect(
                    try await me.request("/api/v1/playlists/saved/\(savedID)/push", .post, json: #"{"player":"nas"}"#, csrf: false).status
                        == .forbidden)
            }
        }
    }

    @Test("without --single-user no browser sees or uses the data folder's players")
    func sessionsNeverReachThePlayers() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        var registry = PlayerRegistry()
        try registry.add(.init(name: "home", url: "http://127.0.0.1:9", user: "owner", password: "secret"))
        try registry.save(to: PlayerRegistry.path(inDataDirectory: server.folder.path))
        try await server.app.test(.router) { client in
            let stranger = Browser(client)
            try await stranger.start()
            #expect((try await stranger.jsonObject("/api/v1/players") as? [Any])?.isEmpty == true)
            let r = try await stranger.request("/api/v1/playlists/saved/1/push", .post, json: #"{"player":"home"}"#)
            #expect(r.status == .notFound && String(buffer: r.body).contains("--single-user"))
            // Nor can a session keep a playlist current on the owner's player.
            let saved = try server.deps.playlists.savePlaylist(
                owner: "web-\(try #require(stranger.cookie))", name: "Mine", mode: "order", trackIDs: [1], millis: 0)
            let daily = try await stranger.request("/api/v1/playlists/saved/\(saved.id)", .patch, json: #"{"refresh_daily":true}"#)
            #expect(daily.status == .notFound && String(buffer: daily.body).contains("--single-user"), "\(String(buffer: daily.body))")
        }
    }
}
