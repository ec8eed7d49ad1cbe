import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueServer

/// A tone with `lead` seconds of silence before it and `trail` after, written by the real ffmpeg.
func paddedTone(_ folder: URL, _ name: String, frequency: Int, artist: String, title: String, lead: Double, trail: Double) throws -> Data {
    let url = folder.appendingPathComponent(name)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    p.arguments = [
        "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=\(frequency):duration=5",
        "-af", "adelay=\(Int(lead * 1000)),apad=pad_dur=\(trail)", "-metadata", "artist=\(artist)", "-metadata", "title=\(title)",
        "-metadata", "album=Pads", url.path,
    ]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw TestFailure("ffmpeg could not make \(name)") }
    return try Data(contentsOf: url)
}

@Suite("Playlists page API: seed search, the player's audio and mix plan, saved playlists")
struct PlaylistPlayerAPITests {
    @Test("search finds seeds by artist and title, audio streams with ranges (AIFF as MP3), the mix plan, save/rename/delete per session")
    func searchAudioPlanAndSavedPlaylists() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                try await alice.start()
                let files = [
                    ("a.flac", 220, "Ånn Pads", "Low Hum", 1.0, 1.5), ("b.mp3", 330, "Ann Pads", "Middle Ground", 0.0, 0.0),
                    ("c.aiff", 440, "Ben Pads", "High Note", 0.5, 0.0),
                ]
                var uploads: [String] = []
                for (name, f, artist, title, lead, trail) in files {
                    let data = try paddedTone(audio, name, frequency: f, artist: artist, title: title, lead: lead, trail: trail)
                    let (status, body) = try await alice.libraryUpload(data, name: name)
                    #expect(status == .created)
                    uploads.append(body["id"] as? String ?? "")
                }
                #expect(try await alice.analyse(uploads)["state"] as? String == "succeeded")
                let rows = try await alice.libraryTracks()
                #expect(rows.filter { $0["status"] as? String == "done" }.count == 3, "\(rows)")
                let idByFile = Dictionary(
                    uniqueKeysWithValues: rows.compactMap { r in (r["file"] as? String).flatMap { f in (r["id"] as? Int).map { (f, $0) } } })
                let flac = try #require(idByFile["a.flac"])
                let mp3 = try #require(idByFile["b.mp3"])
                let aiff = try #require(idByFile["c.aiff"])

                // Seed search: words in any order, accents ignored, best match first.
                func search(_ q: String) async throws -> [[String: Any]] {
                    let text = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                    return try await alice.jsonObject("/api/v1/library/search?q=\(text)") as? [[String: Any]] ?? []
                }
                #expect(try await search("ann").compactMap { $0["id"] as? Int }.sorted() == [flac, mp3].sorted())
                #expect(try await search("hum ann").compactMap { $0["id"] as? Int } == [flac])
                #expect(try await search("Ann Pads - Middle").first?["id"] as? Int == mp3)
                #expect(try await search("middle").first?["title"] as? String == "Middle Ground")
                #expect(try await search("nothing like this").isEmpty)
                #expect(try await search("").count == 3)
                #expect(try await alice.request("/api/v1/library/search?q=a&limit=0").status == .badRequest)

                // Audio: the file as it is with its type and byte ranges; AIFF becomes MP3 once.
                let whole = try await alice.request("/api/v1/library/tracks/\(flac)/audio")
                #expect(whole.status == .ok && whole.headers[.contentType] == "audio/flac" && whole.headers[.acceptRanges] == "bytes")
                let size = whole.body.readableBytes
                #expect(size > 1000 && whole.headers[.contentLength] == "\(size)")
                #expect(Array(whole.body.readableBytesView.prefix(4)) == Array("fLaC".utf8))
                let part = try await alice.request("/api/v1/library/tracks/\(flac)/audio", headers: [.range: "bytes=100-199"])
                #expect(part.status == .partialContent && part.body.readableBytes == 100)
                #expect(part.headers[.contentRange] == "bytes 100-199/\(size)")
                #expect(Array(part.body.readableBytesView) == Array(whole.body.readableBytesView.dropFirst(100).prefix(100)))
                #expect(
                    try await alice.request("/api/v1/library/tracks/\(flac)/audio", headers: [.range: "bytes=\(size)-"]).status
                        == .rangeNotSatisfiable)
                #expect(try await alice.request("/api/v1/library/tracks/\(mp3)/audio").headers[.contentType] == "audio/mpeg")
                let converted = try await alice.request("/api/v1/library/tracks/\(aiff)/audio")
                #expect(converted.status == .ok && converted.headers[.contentType] == "audio/mpeg")
                let head = Array(converted.body.readableBytesView.prefix(3))
                #expect(head == Array("ID3".utf8) || (head.first == 0xFF && (head.dropFirst().first ?? 0) & 0xE0 == 0xE0), "\(head)")
                #expect(try await alice.request("/api/v1/library/tracks/999/audio").status == .notFound)

                // The plan the player follows: each track trimmed to its sound, overlapping the next by the
                // crossfade (1 s here: never more than a third of a track, and these have 5 s of sound).
                let built = try await alice.request(
                    "/api/v1/playlists", .post, json: #"{"mode":"order","tracks":[\#(flac),\#(mp3),\#(aiff)],"crossfade_s":1}"#)
                #expect(built.status == .ok)
                let playlist = try JSONSerialization.jsonObject(with: Data(buffer: built.body)) as? [String: Any] ?? [:]
                let items = playlist["tracks"] as? [[String: Any]] ?? []
                #expect(items.count == 3)
                let mix = items.map { $0["mix"] as? [String: Double] ?? [:] }
                let byID = Dictionary(uniqueKeysWithValues: zip(items.map { $0["id"] as? Int ?? 0 }, mix))
                // The FLAC starts after about 1 s of silence and stops before its last 1.5 s.
                #expect(abs((byID[flac]?["start_s"] ?? 0) - 1) < 0.3 && abs((byID[flac]?["end_s"] ?? 0) - 6) < 0.3, "\(byID[flac] ?? [:])")
                #expect((byID[mp3]?["start_s"] ?? 1) < 0.2)
                #expect(mix[0]["at_s"] == 0 && mix[0]["fade_in_s"] == 0 && mix[2]["fade_out_s"] == 0)
                for i in 1..<3 {
                    let previous = (mix[i - 1]["end_s"] ?? 0) - (mix[i - 1]["start_s"] ?? 0)
                    #expect(mix[i]["fade_in_s"] == 1 && mix[i - 1]["fade_out_s"] == 1)
                    #expect(abs((mix[i]["at_s"] ?? 0) - ((mix[i - 1]["at_s"] ?? 0) + previous - 1)) < 1e-9)
                }
                let last = (mix[2]["at_s"] ?? 0) + (mix[2]["end_s"] ?? 0) - (mix[2]["start_s"] ?? 0)
                #expect(abs((playlist["mix_s"] as? Double ?? 0) - last) < 1e-9)
                #expect(items.allSatisfy { ($0["audio"] as? String) == "/api/v1/library/tracks/\($0["id"] as? Int ?? 0)/audio" })
                #expect(
                    try await alice.request("/api/v1/playlists", .post, json: #"{"mode":"order","tracks":[\#(flac),\#(mp3)],"crossfade_s":31}"#)
                        .status == .badRequest)

                // Saved playlists: save, list, open (transitions and plan again), rename, delete.
                let order = items.compactMap { $0["id"] as? Int }
                let saved = try await alice.request(
                    "/api/v1/playlists/saved", .post,
                    json: #"{"name":"  Pads at dusk ","mode":"order","tracks":[\#(order.map(String.init).joined(separator: ","))]}"#)
                #expect(saved.status == .created)
                let savedObject = try JSONSerialization.jsonObject(with: Data(buffer: saved.body)) as? [String: Any] ?? [:]
                let savedID = try #require(savedObject["id"] as? Int)
                #expect(savedObject["name"] as? String == "Pads at dusk" && savedObject["tracks"] as? [Int] == order)
                #expect(try await alice.request("/api/v1/playlists/saved", .post, json: #"{"name":"","tracks":[\#(flac)]}"#).status == .badRequest)
                #expect(try await alice.request("/api/v1/playlists/saved", .post, json: #"{"name":"x","tracks":[\#(flac),999]}"#).status == .notFound)
                #expect(
                    try await alice.request("/api/v1/playlists/saved", .post, json: #"{"name":"x","mode":"shuffle","tracks":[\#(flac)]}"#).status
                        == .badRequest)
                let list = try await alice.jsonObject("/api/v1/playlists/saved") as? [[String: Any]] ?? []
                #expect(list.count == 1 && list.first?["id"] as? Int == savedID)
                let opened =
                    try JSONSerialization.jsonObject(with: Data(buffer: try await alice.request("/api/v1/playlists/saved/\(savedID)").body))
                    as? [String: Any] ?? [:]
                #expect((opened["tracks"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == order)
                #expect(opened["title"] as? String == "Pads at dusk" && (opened["saved"] as? [String: Any])?["id"] as? Int == savedID)
                #expect(abs((opened["total_cost"] as? Double ?? -1) - (playlist["total_cost"] as? Double ?? 0)) < 1e-9)
                #expect((opened["exports"] as? [String: String])?["m3u8"]?.contains("title=Pads%20at%20dusk") == true)
                let renamed = try await alice.request("/api/v1/playlists/saved/\(savedID)", .patch, json: #"{"name":"Night pads"}"#)
                #expect(renamed.status == .ok && String(buffer: renamed.body).contains("Night pads"))
                #expect(try await alice.request("/api/v1/playlists/saved/\(savedID)", .patch, json: #"{"name":"a\u0007b"}"#).status == .badRequest)

                // Another session sees none of it: not the playlist, not the audio, not the search.
                let bob = Browser(client)
                try await bob.start()
                #expect((try await bob.jsonObject("/api/v1/playlists/saved") as? [Any])?.isEmpty == true)
                #expect(try await bob.request("/api/v1/playlists/saved/\(savedID)").status == .notFound)
                #expect(try await bob.request("/api/v1/playlists/saved/\(savedID)", .patch, json: #"{"name":"mine"}"#).status == .notFound)
                #expect(try await bob.request("/api/v1/playlists/saved/\(savedID)", .delete).status == .notFound)
                #expect(try await bob.request("/api/v1/library/tracks/\(flac)/audio").status == .notFound)
                #expect((try await bob.jsonObject("/api/v1/library/search?q=ann") as? [Any])?.isEmpty == true)

                #expect(try await alice.request("/api/v1/playlists/saved/\(savedID)", .delete).status == .noContent)
                #expect(try await alice.request("/api/v1/playlists/saved/\(savedID)").status == .notFound)
                // The page shows pickers, the player and the saved list.
                let page = String(buffer: try await alice.request("/playlists").body)
                #expect(
                    page.contains("id=\"pl-tracks-q\"") && page.contains("role=\"combobox\"") && page.contains("id=\"pl-player\"")
                        && page.contains("id=\"pl-saved\""))

                // "Delete my data" takes the saved playlists with it.
                let kept = try await alice.request("/api/v1/playlists/saved", .post, json: #"{"name":"Kept?","tracks":[\#(flac)]}"#)
                #expect(kept.status == .created)
                let owner = "web-\(try #require(alice.cookie))"
                #expect(try server.deps.playlists.savedPlaylists(owner: owner).count == 1)
                #expect(try await alice.request("/api/v1/session", .delete).status == .noContent)
                #expect(try server.deps.playlists.savedPlaylists(owner: owner).isEmpty)
            }
        }
    }
}
