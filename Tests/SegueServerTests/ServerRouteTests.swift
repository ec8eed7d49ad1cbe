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

@Suite("Web app routes")
struct ServerRouteTests {
    @Test("health, metrics and security headers")
    func healthAndHeaders() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/static/app.css", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("a new browser gets an HttpOnly, SameSite=Lax cookie with a 128-bit id, and every page renders")
    func sessionCookieAndPages() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            let id = cookie.dropFirst("segue_session=".count).prefix { $0 != ";" }
            #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
            let browser = Browser(client)
            try await browser.start()
            for page in ["/", "/explore", "/create", "/library", "/playlists", "/feedback"] {
                let r = try await browser.request(page)
                #expect(r.status == .ok, "\(page)")
                #expect(String(buffer: r.body).contains("<nav aria-label=\"Main\">"), "\(page)")
            }
            // An unknown cookie value is an unsaved session (nothing stored until it changes something), never an
            // error; a malformed one gets a fresh id.
            let unknown = try await client.execute(
                uri: "/", method: .get, headers: [.cookie: "segue_session=00000000000000000000000000000000"])
            #expect(unknown.status == .ok)
            let forged = try await client.execute(uri: "/", method: .get, headers: [.cookie: "segue_session=../../etc"])
            #expect(forged.status == .ok)
            #expect(forged.headers[.setCookie] != nil)
        }
    }

    @Test("state-changing requests need the session's CSRF token")
    func csrf() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let withoutToken = try await browser.request(
                "/api/v1/feedback", .post, json: #"{"message":"hi"}"#, csrf: false)
            #expect(withoutToken.status == .forbidden)
            let wrong = try await browser.request(
                "/api/v1/feedback", .post, json: #"{"message":"hi"}"#,
                headers: [HTTPField.Name("X-CSRF-Token")!: "0123"], csrf: false)
            #expect(wrong.status == .forbidden)
            let ok = try await browser.request("/api/v1/feedback", .post, json: #"{"message":"hi","rating":5}"#)
            #expect(ok.status == .created)
            // The HTML form carries the token as a field.
            let form = try await browser.request(
                "/feedback", .post, body: ByteBuffer(string: "_csrf=\(browser.csrf ?? "")&message=Lovely+app&rating=4"),
                headers: [.contentType: "application/x-www-form-urlencoded"], csrf: false)
            #expect(form.status == .seeOther)
            let stored = try server.deps.feedback.feedback(limit: 10)
            #expect(stored.map(\.message) == ["Lovely app", "hi"])
            #expect(stored.first?.rating == 4)
        }
    }

    @Test("uploads: size limit while streaming, content check, safe names")
    func uploadChecks() async throws {
        let server = try TestServer(maxUploadBytes: 1024)
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let big = try await browser.request(
                "/api/v1/uploads?name=x.json", .post, body: ByteBuffer(bytes: [UInt8](repeating: 0x5B, count: 4096)))
            #expect(big.status == .contentTooLarge)
            let notExport = try await browser.request(
                "/api/v1/uploads?name=evil.sh", .post, body: ByteBuffer(string: "#!/bin/sh\nrm -rf /"))
            #expect(notExport.status == .unsupportedMediaType)
            let ok = try await browser.request(
                "/api/v1/uploads?name=../../etc/passwd", .post, body: ByteBuffer(string: "[]"))
            #expect(ok.status == .created)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: ok.body)) as? [String: Any]
            #expect(object?["name"] as? String == "passwd.json")
            // A CSV is a history when its first row says so (Last.fm here); any other CSV is refused.
            let csv = try await browser.request(
                "/api/v1/uploads?name=scrobbles", .post, body: ByteBuffer(string: "Radiohead,OK Computer,Airbag,19 Oct 2017 17:54\n"))
            #expect(csv.status == .created)
            #expect((try JSONSerialization.jsonObject(with: Data(buffer: csv.body)) as? [String: Any])?["name"] as? String == "scrobbles.csv")
            let sheet = try await browser.request("/api/v1/uploads?name=sheet.csv", .post, body: ByteBuffer(string: "a,b,c\n1,2,3\n"))
            #expect(sheet.status == .unsupportedMediaType)
        }
    }

    @Test("a Last.fm CSV uploads, imports and charts")
    func lastfmUploadImportsAndCharts() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                let csv =
                    "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\r\n"
                    + "1508435640,\"19 Oct 2017, 17:54\",Radiohead,,OK Computer,,Airbag,\r\n"
                    + "1508435940,\"19 Oct 2017, 17:59\",Radiohead,,OK Computer,,Airbag,\r\n"
                let job = try await browser.importExport(ByteBuffer(string: csv), name: "recenttracks.csv")
                #expect(job["state"] as? String == "succeeded", "\(job)")
                let top = try await browser.jsonObject("/api/v1/top?kind=tracks")
                let entries = top as? [[String: Any]] ?? []
                #expect(entries.first?["name"] as? String == "Airbag", "\(String(describing: top))")
                #expect(entries.first?["streams"] as? Int == 2, "\(String(describing: top))")
                // The source filter, on the API and on Explore, and the history download.
                #expect((try await browser.jsonObject("/api/v1/top?kind=tracks&source=spotify") as? [Any])?.isEmpty == true)
                #expect((try await browser.jsonObject("/api/v1/top?kind=tracks&source=lastfm,scrobble") as? [Any])?.count == 1)
                #expect(try await browser.request("/api/v1/top?source=napster").status == .badRequest)
                let stats = try await browser.jsonObject("/api/v1/stats?source=lastfm") as? [String: Any]
                #expect(stats?["playsWithoutLength"] as? Int == 2 && stats?["streams"] as? Int == 2, "\(String(describing: stats))")
                let explore = String(buffer: try await browser.request("/explore?kind=tracks").body)
                #expect(explore.contains("Last.fm 2") && explore.contains("2 without a known length"), "\(explore)")
                // An empty period says where the history is; a bad choice is a sentence in the form's words.
                let empty = String(buffer: try await browser.request("/explore?range=custom&from=2020-01-01&to=2020-12-31").body)
                #expect(empty.contains("No plays in this period. Your history runs from 2017-10-19 to 2017-10-19."), "\(empty)")
                // A refused choice: the other choices are kept, in the numbers and in the form, and the
                // refused value stays in its field for the person to correct.
                let bad = String(
                    buffer: try await browser.request(
                        "/explore?kind=tracks&metric=minutes&range=custom&from=2017-01-01&to=2017-12-31&limit=500"
                    ).body)
                #expect(
                    bad.contains(
                        "Top: choose between 1 and 50 entries. The numbers below are for the top 10 tracks by minutes, 2017-01-01 to 2017-12-31."
                    ), "\(bad)")
                #expect(bad.contains("<option value=\"tracks\" selected>") && bad.contains("<option value=\"minutes\" selected>"))
                #expect(bad.contains("<option value=\"custom\" selected>") && bad.contains("name=\"from\" value=\"2017-01-01\""))
                #expect(bad.contains("name=\"limit\" min=\"1\" max=\"50\" value=\"500\""), "\(bad)")
                #expect(bad.contains("Airbag"), "the kept choices still give their numbers")
                let swapped = String(buffer: try await browser.request("/explore?range=custom&from=2020-12-31&to=2020-01-01").body)
                #expect(
                    swapped.contains(
                        "The date in To is before the date in From: swap them. The numbers below are for the top 10 artists by streams, all time."
                    ), "\(swapped)")
                #expect(swapped.contains("name=\"from\" value=\"2020-12-31\"") && swapped.contains("name=\"to\" value=\"2020-01-01\""))
                // No parameter names in the sentences people read.
                let source = String(buffer: try await browser.request("/explore?source=napster").body)
                #expect(source.contains("Source: choose all sources or some of spotify"), "\(source)")
                let badDay = String(buffer: try await browser.request("/explore?range=custom&from=2020-13-45").body)
                #expect(badDay.contains("From: write a date like 2024-05-06."), "\(badDay)")
                // The API's sentences name the parameter too, never led by it ("To 2020-01-01 is before from …").
                for (query, message) in [
                    ("from=2020-13-45", "The start date (from) '2020-13-45' is not a date: write one like 2024-05-06."),
                    ("from=2020-12-31&to=2020-01-01", "The end date (to) 2020-01-01 is before the start date (from) 2020-12-31."),
                    ("limit=500", "Top (limit): choose between 1 and 50 entries."),
                    ("kind=songs", "Show (kind): choose artists, tracks or albums."),
                ] {
                    let answer = try await browser.request("/api/v1/top?" + query)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any]
                    #expect(
                        answer.status == .badRequest && (body?["error"] as? [String: Any])?["message"] as? String == message,
                        "\(query): \(String(buffer: answer.body))")
                }
                let table = try await browser.request("/api/v1/history?format=csv")
                #expect(table.status == .ok && table.headers[HTTPField.Name.contentDisposition]?.contains("segue-history.csv") == true)
                #expect(String(buffer: table.body).split(separator: "\n").count == 3)
                let jsonl = String(buffer: try await browser.request("/api/v1/history").body)
                #expect(jsonl.split(separator: "\n").first?.contains("\"segue_source\":\"lastfm\"") == true, "\(jsonl)")

                // The library shows each file's plays from this history (by artist, title and album).
                let audio = server.folder.appendingPathComponent("audio")
                try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
                let played = try toneFile(audio, "airbag.wav", frequency: 440, artist: "RADIOHEAD", title: "airbag", album: "OK Computer")
                let unplayed = try toneFile(audio, "karma.wav", frequency: 330, artist: "Radiohead", title: "Karma Police", album: "OK Computer")
                let (_, a) = try await browser.libraryUpload(played, name: "airbag.wav")
                let (_, b) = try await browser.libraryUpload(unplayed, name: "karma.wav")
                let analysis = try await browser.analyse([a["id"] as? String ?? "", b["id"] as? String ?? ""])
                #expect(analysis["state"] as? String == "succeeded", "\(analysis)")
                let rows = try await browser.libraryTracks()
                let airbag = rows.first { $0["file"] as? String == "airbag.wav" }
                let karma = rows.first { $0["file"] as? String == "karma.wav" }
                #expect(airbag?["plays"] as? Int == 2 && airbag?["last_played"] as? String == "2017-10-19", "\(rows)")
                #expect(karma?["plays"] as? Int == 0 && karma?["last_played"] == nil, "\(rows)")
                let page = String(buffer: try await browser.request("/library").body)
                #expect(page.contains(#"data-key="plays" title="Sort by plays">Plays</button>"#))
            }
        }
    }

    @Test("names are escaped in pages and SVG: a track called <script> renders as text")
    func escaping() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                let job = try await browser.importExport(try TestServer.export(artist: "<script>alert(1)</script>"))
                #expect(job["state"] as? String == "succeeded")
                let page = String(buffer: try await browser.request("/explore?kind=artists").body)
                #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!page.contains("<script>alert(1)"))
            }
        }
    }

    @Test("two sessions never see each other's data, jobs or files; Delete my data erases everything")
    func isolationAndDeletion() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                let bob = Browser(client)
                try await alice.start()
                try await bob.start()
                #expect(alice.cookie != bob.cookie)
                _ = try await alice.importExport(try TestServer.export(artist: "Alice Band"))
                let aliceTop = try await alice.jsonObject("/api/v1/top") as? [[String: Any]]
                #expect(aliceTop?.first?["name"] as? String == "Alice Band")
                let bobTop = try await bob.jsonObject("/api/v1/top") as? [[String: Any]]
                #expect(bobTop?.isEmpty == true)

                let render = try await alice.request(
                    "/api/v1/renders", .post,
                    json: #"{"output":"image","kind":"artists","metric":"streams","top":3,"size":"square","theme":"dark"}"#)
                #expect(render.status == .accepted)
                let jobID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: render.body)) as? [String: Any])?["id"] as? String)
                let done = try await alice.waitForJob(jobID)
                #expect(done["state"] as? String == "succeeded")
                #expect(try await alice.request("/api/v1/jobs/\(jobID)/files/png").status == .ok)
                let svg = try await alice.request("/api/v1/jobs/\(jobID)/files/svg")
                #expect(String(buffer: svg.body).contains("Alice Band"))
                // Bob knows the id and still cannot see the job or its files.
                #expect(try await bob.request("/api/v1/jobs/\(jobID)").status == .notFound)
                #expect(try await bob.request("/api/v1/jobs/\(jobID)/files/png").status == .notFound)
                #expect(try await bob.request("/api/v1/jobs/\(jobID)", .delete).status == .notFound)
                // Bob cannot render without data of his own.
                let bobRender = try await bob.request(
                    "/api/v1/renders", .post,
                    json: #"{"output":"image","kind":"artists","metric":"streams","top":3,"size":"square","theme":"dark"}"#)
                #expect(bobRender.status == .conflict)

                let aliceID = try #require(alice.cookie)
                let profile = "web-\(aliceID)"
                #expect(try server.deps.plays.existingProfile(named: profile) != nil)
                #expect(try await alice.request("/api/v1/session", .delete).status == .noContent)
                // The answer also makes the browser forget its cookie.
                #expect(alice.cookie == nil)
                #expect(try server.deps.plays.existingProfile(named: profile) == nil)
                #expect(!FileManager.default.fileExists(atPath: server.folder.appendingPathComponent("web/\(aliceID)").path))
                #expect(try await alice.request("/api/v1/jobs/\(jobID)").status == .notFound)
            }
        }
    }

    @Test("a second import shows up at once: cached charts are dropped on import")
    func cacheFollowsImports() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                _ = try await browser.importExport(try TestServer.export(artist: "First", plays: 3))
                let before = try await browser.jsonObject("/api/v1/top") as? [[String: Any]]
                #expect(before?.first?["name"] as? String == "First")
                _ = try await browser.importExport(try TestServer.export(artist: "Second", plays: 9))
                let after = try await browser.jsonObject("/api/v1/top") as? [[String: Any]]
                #expect(after?.first?["name"] as? String == "Second")
                let page = String(buffer: try await browser.request("/explore").body)
                #expect(page.contains("Second"))
            }
        }
    }

    @Test("--single-user: every browser shares one persistent profile that outlives idle sessions")
    func singleUser() async throws {
        let server = try TestServer(ttlSeconds: 600, singleUserProfile: "home")
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let laptop = Browser(client)
                let phone = Browser(client)
                try await laptop.start()
                try await phone.start()
                _ = try await laptop.importExport(try TestServer.export(artist: "Shared"))
                let top = try await phone.jsonObject("/api/v1/top") as? [[String: Any]]
                #expect(top?.first?["name"] as? String == "Shared")
                server.clock.advance(seconds: 601)
                #expect(try server.deps.sessions.expireIdleSessions() == 2)
                #expect(try server.deps.plays.existingProfile(named: "home") != nil)
            }
        }
    }

    @Test("idle sessions expire with their data")
    func idleExpiry() async throws {
        let server = try TestServer(ttlSeconds: 600)
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                _ = try await browser.importExport(try TestServer.export())
                let profile = "web-\(browser.cookie ?? "")"
                server.clock.advance(seconds: 601)
                #expect(try server.deps.sessions.expireIdleSessions() == 1)
                #expect(try server.deps.plays.existingProfile(named: profile) == nil)
                // The old cookie now gets a new, empty session.
                let top = try await browser.jsonObject("/api/v1/top") as? [Any]
                #expect(top?.isEmpty == true)
            }
        }
    }

    @Test("the API rejects bad parameters with 400 and a message")
    func badParameters() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            for uri in ["/api/v1/top?limit=51", "/api/v1/top?kind=genres", "/api/v1/top?from=2024-13-01", "/api/v1/race?period=year"] {
                let r = try await browser.request(uri)
                #expect(r.status == .badRequest, "\(uri)")
                #expect(String(buffer: r.body).contains("\"message\""))
            }
            let r = try await browser.request(
                "/api/v1/renders", .post, json: #"{"output":"image","kind":"artists","metric":"streams","top":99,"size":"story","theme":"dark"}"#)
            #expect(r.status == .badRequest)
            #expect(try await browser.request("/api/v1/jobs/nothere").status == .notFound)
        }
    }

    @Test("a race rendered without a duration takes the readable default for its periods; a given duration is kept")
    func raceDefaultDuration() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        // Plays from 10 January to 10 June: six monthly periods, five steps.
        var records: [[String: Any]] = []
        for month in 1...6 {
            for i in 0..<(month + 2) {
                records.append(
                    Fixtures.extended(
                        ts: String(format: "2024-%02d-10T10:%02d:00Z", month, i), ms: 200_000, track: "Song \(i % 4)",
                        artist: "Band \(i % 4)", uri: "spotify:track:band\(i % 4)"))
            }
        }
        let export = ByteBuffer(data: try Fixtures.json(records))
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                _ = try await browser.importExport(export)
                // The Create page leaves the length empty ("auto") rather than sending a fixed 12 s.
                let page = String(buffer: try await browser.request("/create").body)
                #expect(page.contains(#"name="duration" min="3" max="60" placeholder="auto""#))
                #expect(!page.contains(#"name="duration" min="3" max="60" value="#))
                let base =
                    #""output":"animation","kind":"artists","metric":"streams","top":3,"size":"96x160","theme":"dark","container":"mp4","period":"month""#
                // 5 steps x 1 s + 0.5 s settling + 2 s hold = 7.5 s at 30 fps; 3 s as asked.
                for (body, frames) in [("{\(base)}", 225), ("{\(base),\"duration\":3}", 90)] {
                    let render = try await browser.request("/api/v1/renders", .post, json: body)
                    #expect(render.status == .accepted)
                    let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: render.body)) as? [String: Any])?["id"] as? String)
                    let done = try await browser.waitForJob(id, timeout: 120)
                    #expect(done["state"] as? String == "succeeded", "\(done)")
                    #expect(done["frames"] as? Int == frames, "\(body)")
                }
            }
        }
    }
}

@Suite("Byte ranges")
struct ByteRangeTests {
    @Test(
        "Range headers for video playback",
        arguments: [
            ("bytes=0-99", 1000, 0...99), ("bytes=900-", 1000, 900...999), ("bytes=-100", 1000, 900...999),
            ("bytes=990-2000", 1000, 990...999),
        ] as [(String, Int, ClosedRange<Int>)])
    func ranges(header: String, size: Int, expected: ClosedRange<Int>) {
        #expect(byteRange(header, size: size) == expected)
    }

    @Test("Unsatisfiable or multiple ranges are ignored", arguments: ["bytes=1000-", "bytes=5-2", "bytes=0-1,4-5", "items=0-1", "bytes=-0"])
    func ignored(header: String) {
        #expect(byteRange(header, size: 1000) == nil)
    }
}
