import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueAudio
import SegueJobs
import SegueTestSupport
import Testing

@testable import SegueServer

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Short tones with tags, encoded by the real ffmpeg (the analysis needs at least 3 seconds).
func toneFile(_ folder: URL, _ name: String, frequency: Int, artist: String, title: String, album: String = "Tones", seconds: Int = 4) throws -> Data
{
    let url = folder.appendingPathComponent(name)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
    p.arguments = [
        "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=\(frequency):duration=\(seconds)", "-metadata", "artist=\(artist)",
        "-metadata", "title=\(title)", "-metadata", "album=\(album)", url.path,
    ]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw TestFailure("ffmpeg could not make \(name)") }
    return try Data(contentsOf: url)
}

extension Browser {
    /// Uploads bytes as `name` into the library; returns the status and the JSON answer.
    func libraryUpload(_ data: Data, name: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let r = try await request(
            "/api/v1/library/uploads?name=\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", .post, body: ByteBuffer(data: data))
        return (r.status, (try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]) ?? [:])
    }

    func libraryTracks() async throws -> [[String: Any]] {
        try await jsonObject("/api/v1/library/tracks") as? [[String: Any]] ?? []
    }

    /// Starts the analysis of `uploads` and waits for its job.
    func analyse(_ uploads: [String]) async throws -> [String: Any] {
        let ids = uploads.map { "\"\($0)\"" }.joined(separator: ",")
        let r = try await request("/api/v1/library/analyses", .post, json: #"{"uploads":[\#(ids)]}"#)
        guard r.status == .accepted, let job = (try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])?["id"] as? String
        else { throw TestFailure("analysis not started: \(r.status) \(String(buffer: r.body))") }
        return try await waitForJob(job, timeout: 120)
    }
}

@Suite("Library and playlists API")
struct LibraryAPITests {
    @Test("audio uploads become analysed tracks (MP3 and WAV through ffmpeg), bad files fail with a reason, sessions stay apart")
    func uploadAnalyseAndIsolation() async throws {
        let server = try TestServer(maxUploadBytes: 1024 * 1024)
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let mp3 = try toneFile(audio, "a.mp3", frequency: 440, artist: "Alice Tones", title: "A440")
        let wav = try toneFile(audio, "e.wav", frequency: 330, artist: "Alice Tones", title: "E330")
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                let bob = Browser(client)
                try await alice.start()
                try await bob.start()
                // Without a listening history the table has no Plays column.
                let page = String(buffer: try await alice.request("/library").body)
                #expect(page.contains(#"data-history="false""#) && !page.contains(#"data-key="plays""#))
                let (s1, first) = try await alice.libraryUpload(mp3, name: "../../etc/A 440.mp3")
                #expect(s1 == .created && first["name"] as? String == "A 440.mp3" && first["duplicate"] as? Bool == false)
                let (s2, again) = try await alice.libraryUpload(mp3, name: "copy.mp3")
                #expect(s2 == .ok && again["duplicate"] as? Bool == true && again["id"] as? String == first["id"] as? String)
                let (s3, _) = try await alice.libraryUpload(wav, name: "e.wav")
                #expect(s3 == .created)
                let (s4, notAudio) = try await alice.libraryUpload(Data("hello".utf8), name: "notes.txt")
                #expect(s4 == .unsupportedMediaType)
                #expect(((notAudio["error"] as? [String: Any])?["message"] as? String)?.contains("mp3") == true)
                let (s5, _) = try await alice.libraryUpload(Data(), name: "empty.mp3")
                #expect(s5 == .badRequest)
                let (s6, _) = try await alice.libraryUpload(Data(repeating: 1, count: 1024 * 1024 + 1), name: "big.flac")
                #expect(s6 == .contentTooLarge)
                // Text named .mp3 is refused by its content; a valid ID3 header over junk is taken and fails analysis.
                let (s8, text) = try await alice.libraryUpload(Data("ID3 this is not really an mp3".utf8), name: "notes.mp3")
                #expect(s8 == .unsupportedMediaType && ((text["error"] as? [String: Any])?["message"] as? String)?.hasPrefix("notes.mp3 ") == true)
                let (s7, broken) = try await alice.libraryUpload(
                    Data("ID3".utf8) + Data([4, 0, 0, 0, 0, 0, 0]) + Data("this is not really an mp3".utf8), name: "broken.mp3")
                #expect(s7 == .created)

                var rows = try await alice.libraryTracks()
                #expect(rows.count == 3 && rows.allSatisfy { $0["status"] as? String == "uploaded" })
                let uploads = rows.compactMap { $0["upload"] as? String }
                // Bob cannot analyse Alice's uploads, even knowing their ids.
                let stolen = try await bob.request("/api/v1/library/analyses", .post, json: #"{"uploads":["\#(uploads[0])"]}"#)
                #expect(stolen.status == .notFound)

                let job = try await alice.analyse(uploads)
                #expect(job["state"] as? String == "succeeded")
                rows = try await alice.libraryTracks()
                let done = rows.filter { $0["status"] as? String == "done" }
                #expect(done.count == 2)
                let a = try #require(done.first { $0["title"] as? String == "A440" })
                #expect(a["artist"] as? String == "Alice Tones" && a["album"] as? String == "Tones" && a["file"] as? String == "A 440.mp3")
                #expect((a["duration_s"] as? Double).map { abs($0 - 4) < 0.2 } == true)
                #expect(a["bpm"] is Double && a["camelot"] is String && a["key"] is String && a["loudness_lufs"] is Double && a["energy"] is Double)
                #expect(a["path"] == nil)
                let failed = try #require(rows.first { $0["upload"] as? String == broken["id"] as? String })
                #expect(failed["status"] as? String == "failed")
                #expect(((failed["error"] as? String) ?? "").isEmpty == false)
                #expect(((failed["error"] as? String) ?? "").contains(server.folder.path) == false, "\(failed)")
                #expect(((failed["error"] as? String) ?? "").hasPrefix("broken.mp3 "), "\(failed)")

                let id = try #require(a["id"] as? Int)
                let details = try #require(try await alice.jsonObject("/api/v1/library/tracks/\(id)") as? [String: Any])
                #expect((details["descriptors"] as? [String: Any])?["mfcc_mean_0"] != nil)
                #expect((details["similar"] as? [[String: Any]])?.first?["title"] as? String == "E330")

                // Bob sees nothing of it.
                #expect(try await bob.libraryTracks().isEmpty)
                #expect(try await bob.request("/api/v1/library/tracks/\(id)").status == .notFound)
                #expect(try await bob.request("/api/v1/playlists/export?format=m3u8&tracks=\(id)").status == .notFound)
                // Delete my data erases the library with the session.
                #expect(try await alice.request("/api/v1/session", .delete).status == .noContent)
                try await alice.start()
                #expect(try await alice.libraryTracks().isEmpty)
            }
        }
    }

    @Test("the library stream sends every row first, then each change")
    func libraryEventStream() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let mp3 = try toneFile(audio, "a.mp3", frequency: 440, artist: "Streamer", title: "Live Tone")
        try await server.app.test(.router) { client in
            let alice = Browser(client)
            try await alice.start()
            let (_, upload) = try await alice.libraryUpload(mp3, name: "a.mp3")
            let first = try await alice.request("/api/v1/library/events?limit=1")
            #expect(first.headers[.contentType] == "text/event-stream")
            let text = String(buffer: first.body)
            #expect(text.hasPrefix("event: entries\ndata: ["), "\(text)")
            #expect(text.contains("\"status\":\"uploaded\""))
            #expect(try await alice.request("/api/v1/library/events?limit=0").status == .badRequest)
            // The job waits in the queue (no workers yet): the row says queued.
            let started = try await alice.request("/api/v1/library/analyses", .post, json: #"{"uploads":["\#(upload["id"] as? String ?? "")"]}"#)
            #expect(started.status == .accepted)
            // A stream opened now gets the snapshot, then the row's change once a worker starts on it.
            let pool = server.deps.pool
            let workers = Task {
                try await Task.sleep(for: .milliseconds(500))
                try pool.start()
            }
            let stream = try await alice.request("/api/v1/library/events?limit=2")
            try await workers.value
            defer { pool.shutdown() }
            // A slow machine may see a quiet 15 s first: `: keep-alive` comments are not events.
            let events = String(buffer: stream.body).components(separatedBy: "\n\n").filter { !$0.isEmpty && !$0.hasPrefix(":") }
            #expect(events.count == 2 && events[0].hasPrefix("event: entries\n") && events[1].hasPrefix("event: entry\n"), "\(events)")
            #expect(events.first?.contains("\"status\":\"queued\"") == true)
            let change = try #require(events.last.map { String($0.dropFirst("event: entry\ndata: ".count)) })
            let row = try #require(try JSONSerialization.jsonObject(with: Data(change.utf8)) as? [String: Any])
            #expect(row["upload"] as? String == upload["id"] as? String)
            #expect(["decoding", "analyzing", "done"].contains(row["status"] as? String ?? ""), "\(row)")
            let jobID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: started.body)) as? [String: Any])?["id"] as? String)
            #expect(try await alice.waitForJob(jobID, timeout: 120)["state"] as? String == "succeeded")
            let after = String(buffer: try await alice.request("/api/v1/library/events?limit=1").body)
            #expect(after.contains("\"status\":\"done\"") && after.contains("\"title\":\"Live Tone\""))
        }
    }

    @Test("playlists: radio, path and order with each transition's parts, constraints that fail with 422, and exports")
    func playlistsAndExports() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let tones = [(220, "Ann", "Low"), (330, "Ann", "Mid"), (440, "Ben", "High"), (550, "Cat", "Higher")]
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                try await alice.start()
                let empty = try await alice.request("/api/v1/playlists", .post, json: #"{"mode":"radio","seeds":[1]}"#)
                #expect(empty.status == .notFound)
                var uploads: [String] = []
                for (i, (f, artist, title)) in tones.enumerated() {
                    let data = try toneFile(audio, "t\(i).flac", frequency: f, artist: artist, title: title)
                    let (status, body) = try await alice.libraryUpload(data, name: "\(title) tone.flac")
                    #expect(status == .created)
                    uploads.append(body["id"] as? String ?? "")
                }
                #expect(try await alice.analyse(uploads)["state"] as? String == "succeeded")
                let rows = try await alice.libraryTracks()
                let ids = Dictionary(
                    uniqueKeysWithValues: rows.compactMap { r in (r["title"] as? String).flatMap { t in (r["id"] as? Int).map { (t, $0) } } })
                #expect(ids.count == 4)
                let low = ids["Low"] ?? 0
                let high = ids["Higher"] ?? 0

                func build(_ json: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                    let r = try await alice.request("/api/v1/playlists", .post, json: json)
                    return (r.status, (try? JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]) ?? [:])
                }
                let (s1, order) = try await build(#"{"mode":"order","tracks":[\#(ids.values.sorted().map(String.init).joined(separator: ","))]}"#)
                #expect(s1 == .ok)
                let items = order["tracks"] as? [[String: Any]] ?? []
                #expect(items.count == 4)
                #expect(
                    items.dropLast().allSatisfy { item in
                        let t = item["transition"] as? [String: Any] ?? [:]
                        return ["total", "tempo", "key", "loudness", "energy", "embedding"].allSatisfy { t[$0] is Double }
                            && ["smooth", "fair", "rough"].contains(t["grade"] as? String ?? "")
                    })
                #expect(items.last?["transition"] == nil)
                let parts = items.compactMap { $0["transition"] as? [String: Any] }
                #expect(parts.count == 3)
                #expect(abs((order["total_cost"] as? Double ?? -1) - parts.reduce(0) { $0 + ($1["total"] as? Double ?? 0) }) < 1e-9)

                let (s2, radio) = try await build(#"{"mode":"radio","seeds":[\#(low)],"length":3,"exclude_artists":["Ben"]}"#)
                #expect(s2 == .ok)
                let radioItems = radio["tracks"] as? [[String: Any]] ?? []
                #expect(radioItems.count == 3 && radioItems.first?["id"] as? Int == low && !radioItems.contains { $0["artist"] as? String == "Ben" })
                let (s3, path) = try await build(#"{"mode":"path","from":\#(low),"to":\#(high),"length":3}"#)
                #expect(s3 == .ok)
                let pathItems = path["tracks"] as? [[String: Any]] ?? []
                #expect(pathItems.first?["id"] as? Int == low && pathItems.last?["id"] as? Int == high && pathItems.count == 3)

                // Impossible or wrong requests say why.
                let (s4, tooLong) = try await build(#"{"mode":"radio","seeds":[\#(low)],"length":50}"#)
                #expect(s4 == .unprocessableContent)
                #expect(((tooLong["error"] as? [String: Any])?["message"] as? String)?.contains("4 analysed tracks") == true)
                let (s5, spacing) = try await build(#"{"mode":"radio","seeds":[\#(low)],"length":4,"artist_spacing":3}"#)
                #expect(s5 == .unprocessableContent, "\(spacing)")
                let (s6, excluded) = try await build(#"{"mode":"radio","seeds":[\#(low)],"exclude_artists":["ann"]}"#)
                #expect(s6 == .unprocessableContent && (((excluded["error"] as? [String: Any])?["message"] as? String) ?? "").contains("excluded"))
                #expect(try await build(#"{"mode":"shuffle"}"#).0 == .badRequest)
                #expect(try await build(#"{"mode":"radio","seeds":[\#(low)],"min_bpm":200,"max_bpm":100}"#).0 == .badRequest)
                #expect(try await build(#"{"mode":"order","tracks":[\#(low),999]}"#).0 == .notFound)

                // Exports name the files as uploaded, never the server's paths.
                let exports = order["exports"] as? [String: String] ?? [:]
                let m3u8 = try await alice.request(try #require(exports["m3u8"]))
                #expect(m3u8.status == .ok && m3u8.headers[.contentDisposition]?.contains("attachment") == true)
                // Named after the playlist ("Ordered selection"), never `segue-playlist`; a hostile title
                // loses its path separators and quotes.
                #expect(m3u8.headers[.contentDisposition]?.contains("filename=\"Ordered-selection.m3u8\"") == true, "\(m3u8.headers)")
                let exported = try #require(exports["m3u8"]?.split(separator: "tracks=").last?.split(separator: "&").first)
                let hostileTitle = try #require("../Björk: \"Jóga\"\r\n/x".addingPercentEncoding(withAllowedCharacters: .alphanumerics))
                let hostile = try await alice.request("/api/v1/playlists/export?format=xspf&tracks=\(exported)&title=\(hostileTitle)")
                let disposition = hostile.headers[.contentDisposition] ?? ""
                #expect(disposition.hasPrefix("attachment; filename=\"Bjork-Joga-x.xspf\"; filename*=UTF-8''"), "\(disposition)")
                #expect(!disposition.contains("/") && !disposition.contains("\r") && disposition.filter { $0 == "\"" }.count == 2, "\(disposition)")
                let m3u8Text = String(buffer: m3u8.body)
                #expect(m3u8Text.hasPrefix("#EXTM3U\n") && m3u8Text.contains("Low tone.flac") && !m3u8Text.contains(server.folder.path))
                let xspf = try await alice.request(try #require(exports["xspf"]))
                #expect(
                    XMLParser(data: Data(buffer: xspf.body)).parse() && String(buffer: xspf.body).contains("<location>Low%20tone.flac</location>"))
                let jspf = try await alice.request(try #require(exports["jspf"]))
                let root = try JSONSerialization.jsonObject(with: Data(buffer: jspf.body)) as? [String: Any]
                #expect(((root?["playlist"] as? [String: Any])?["track"] as? [Any])?.count == 4)
                #expect(try await alice.request("/api/v1/playlists/export?format=pdf&tracks=1").status == .badRequest)
                #expect(String(buffer: try await alice.request("/playlists").body).contains("id=\"pl-form\""))
            }
        }
    }

    @Test("the demo songs: eight WAV files with tags, analysed to the tempos they were rendered at")
    func demoSongs() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                try await alice.start()
                let started = try await alice.request("/api/v1/library/demo", .post)
                #expect(started.status == .accepted)
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: started.body)) as? [String: Any])?["id"] as? String)
                #expect(try await alice.waitForJob(id, timeout: 300)["state"] as? String == "succeeded")
                #expect(try await alice.request("/api/v1/library/demo", .post).status == .conflict)
                let rows = try await alice.libraryTracks()
                #expect(rows.count == 8 && rows.allSatisfy { $0["status"] as? String == "done" && $0["album"] as? String == "Segue demo songs" })
                let rendered = Dictionary(uniqueKeysWithValues: DemoSongs.catalogue().map { ($0.title, $0.song.bpm) })
                let close = rows.filter { row in
                    guard let title = row["title"] as? String, let truth = rendered[title], let bpm = row["bpm"] as? Double else { return false }
                    return abs(bpm / truth - 1) <= 0.04
                }
                #expect(close.count >= 7, "\(rows.map { ($0["title"] ?? "", $0["bpm"] ?? "") })")
            }
        }
    }

    @Test("--single-user: every browser shares the data folder's library, the one segue library add fills")
    func singleUserLibrary() async throws {
        let server = try TestServer(singleUserProfile: "me")
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let mp3 = try toneFile(audio, "a.mp3", frequency: 440, artist: "Home", title: "Shared Tone")
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                let bob = Browser(client)
                try await alice.start()
                try await bob.start()
                let (status, upload) = try await alice.libraryUpload(mp3, name: "a.mp3")
                #expect(status == .created)
                #expect(try await alice.analyse([upload["id"] as? String ?? ""])["state"] as? String == "succeeded")
                let rows = try await bob.libraryTracks()
                #expect(rows.count == 1 && rows.first?["title"] as? String == "Shared Tone" && rows.first?["status"] as? String == "done")
                #expect(FileManager.default.fileExists(atPath: server.folder.appendingPathComponent("library.sqlite").path))
                // Exports give the full path on a home install.
                let export = try await bob.request("/api/v1/playlists/export?format=m3u8&tracks=\(rows.first?["id"] as? Int ?? 0)")
                #expect(String(buffer: export.body).contains(server.folder.appendingPathComponent("library-files").path))
            }
        }
    }
}
