import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueStore
import Testing

@testable import SegueServer

@Suite("Playlists seeded from the history (issue 19)")
struct PlaylistHistoryAPITests {
    /// A Last.fm row for `artist – title` on album Tones at `uts` (seconds since 1970).
    static func row(_ uts: Int, _ artist: String, _ title: String) -> String {
        "\(uts),\"x\",\(artist),,Tones,,\(title),\r\n"
    }

    @Test("seed_from_history seeds a radio with the period's most played library tracks; careless input is one sentence")
    func radioFromHistory() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                // 2024: Low Hum 3 plays, Mid Hum 1; 2023: High Hum 5 (and a song not in the library).
                let jan2024 = 1_704_200_000
                let jun2023 = 1_686_000_000
                var csv = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\r\n"
                for i in 0..<3 { csv += Self.row(jan2024 + i * 600, "Tone Band", "Low Hum") }
                csv += Self.row(jan2024 + 5000, "Tone Band", "Mid Hum")
                for i in 0..<5 { csv += Self.row(jun2023 + i * 600, "Tone Band", "High Hum") }
                csv += Self.row(jan2024 + 9000, "Elsewhere", "Not Here")
                let job = try await browser.importExport(ByteBuffer(string: csv), name: "recenttracks.csv")
                #expect(job["state"] as? String == "succeeded", "\(job)")

                let audio = server.folder.appendingPathComponent("audio")
                try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
                var uploads: [String] = []
                for (name, hz, title) in [("low.wav", 220, "Low Hum"), ("mid.wav", 330, "Mid Hum"), ("high.wav", 660, "High Hum")] {
                    let data = try toneFile(audio, name, frequency: hz, artist: "Tone Band", title: title)
                    let (status, upload) = try await browser.libraryUpload(data, name: name)
                    #expect(status == .created || status == .ok, "\(upload)")
                    uploads.append(upload["id"] as? String ?? "")
                }
                let analysis = try await browser.analyse(uploads)
                #expect(analysis["state"] as? String == "succeeded", "\(analysis)")
                let rows = try await browser.libraryTracks()
                let id = { (title: String) in rows.first { $0["title"] as? String == title }?["id"] as? Int }
                let low = try #require(id("Low Hum"))
                let mid = try #require(id("Mid Hum"))
                let high = try #require(id("High Hum"))

                func post(_ body: String) async throws -> (HTTPResponse.Status, [String: Any], String) {
                    let r = try await browser.request("/api/v1/playlists", .post, json: body)
                    let text = String(buffer: r.body)
                    return (r.status, (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:], text)
                }

                // 2024: seeds Low Hum (3 plays) then Mid Hum (1); the radio starts with the most played.
                let (status, built, text) = try await post(#"{"mode":"radio","seed_from_history":"2024","length":3}"#)
                #expect(status == .ok, "\(text)")
                let order = (built["tracks"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                #expect(order.first == low && Set(order) == [low, mid, high], "\(text)")
                #expect(built["seed_period"] as? String == "2024", "\(text)")
                let seeds = built["seeds"] as? [[String: Any]] ?? []
                #expect(seeds.compactMap { $0["id"] as? Int } == [low, mid], "\(text)")
                #expect(seeds.compactMap { $0["plays"] as? Int } == [3, 1], "\(text)")
                #expect(seeds.first?["title"] as? String == "Low Hum")

                // All time: High Hum's 5 plays in 2023 lead; prefer unplayed is accepted beside it.
                let (allStatus, allTime, allText) = try await post(#"{"mode":"radio","seed_from_history":"all","prefer":"unplayed","length":3}"#)
                #expect(allStatus == .ok, "\(allText)")
                #expect((allTime["tracks"] as? [[String: Any]])?.first?["id"] as? Int == high, "\(allText)")
                #expect((allTime["seeds"] as? [[String: Any]])?.compactMap { $0["plays"] as? Int } == [5, 3, 1], "\(allText)")
                // A month, and prefer with chosen seeds.
                #expect(try await post(#"{"mode":"radio","seed_from_history":"2023-06","length":2}"#).1["seeds"] as? [[String: Any]] != nil)
                let (seeded, _, seededText) = try await post(#"{"mode":"radio","seeds":[\#(mid)],"prefer":"unplayed","length":3}"#)
                #expect(seeded == .ok, "\(seededText)")

                // Saved with its request, the recipe is a history radio of 2024 that favours nothing else.
                let save = try await browser.request(
                    "/api/v1/playlists/saved", .post,
                    json:
                        #"{"name":"My 2024","mode":"radio","tracks":[\#(order.map(String.init).joined(separator: ","))],"recipe":{"mode":"radio","seed_from_history":"2024","prefer":"unplayed","length":3}}"#
                )
                #expect(save.status == .created || save.status == .ok, "\(String(buffer: save.body))")
                let savedID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: save.body)) as? [String: Any])?["id"] as? Int)
                let owner = server.deps.sessions.profileName(forSessionID: try #require(browser.cookie))
                let saved = try #require(try server.deps.playlists.savedPlaylist(id: Int64(savedID), owner: owner))
                let recipe = try #require(try saved.recipe())
                #expect(recipe.kind == .historyRadio && recipe.historyPeriod == "2024" && recipe.preferUnplayed && recipe.seeds.isEmpty)

                // Careless input: one sentence naming the field, never a crash.
                let careless: [(String, HTTPResponse.Status, String)] = [
                    (#"{"mode":"radio","seed_from_history":"2024-13"}"#, .badRequest, "seed_from_history '2024-13' is not a period"),
                    (#"{"mode":"radio","seed_from_history":"last year"}"#, .badRequest, "seed_from_history 'last year' is not a period"),
                    (#"{"mode":"radio","seed_from_history":""}"#, .badRequest, "seed_from_history '' is not a period"),
                    (#"{"mode":"radio","seed_from_history":"\#(String(repeating: "9", count: 5000))"}"#, .badRequest, "is not a period"),
                    (
                        #"{"mode":"radio","seed_from_history":"2019"}"#, .unprocessableContent,
                        "none of the library's analysed tracks was played in 2019"
                    ),
                    (#"{"mode":"radio","seed_from_history":"2024","seeds":[\#(low)]}"#, .badRequest, "give seeds or seed_from_history, not both"),
                    (#"{"mode":"path","from":\#(low),"to":\#(mid),"seed_from_history":"2024"}"#, .badRequest, "seed_from_history is for mode radio"),
                    (#"{"mode":"radio","seed_from_history":"2024","prefer":"rarely"}"#, .badRequest, "The preference (prefer) must be unplayed"),
                    (#"{"mode":"radio","seed_from_history":"2024","length":50}"#, .unprocessableContent, "a length of 50 tracks is not possible"),
                    (#"{"mode":"radio","seed_from_history":2024}"#, .badRequest, "seed_from_history has the wrong type"),
                ]
                for (body, expected, sentence) in careless {
                    let (s, answer, raw) = try await post(body)
                    #expect(s == expected, "\(body.prefix(80)) -> \(s) \(raw)")
                    let message = (answer["error"] as? [String: Any])?["message"] as? String ?? raw
                    #expect(message.lowercased().contains(sentence.lowercased()), "\(body.prefix(80)) -> \(raw.prefix(300))")
                    #expect(raw.count < 600, "\(raw.prefix(600))")
                }
                let badRecipe = try await browser.request(
                    "/api/v1/playlists/saved", .post,
                    json: #"{"name":"Bad","mode":"radio","tracks":[\#(low)],"recipe":{"mode":"radio","seed_from_history":"May"}}"#)
                #expect(badRecipe.status == .badRequest && String(buffer: badRecipe.body).contains("seed_from_history 'May'"))

                // The page offers the history's years, All time and the preference.
                let page = String(buffer: try await browser.request("/playlists").body)
                #expect(
                    page.contains(
                        #"<option value="2024" selected>2024</option><option value="2023">2023</option><option value="all">All time</option>"#),
                    "\(page)")
                #expect(page.contains(#"name="prefer_unplayed""#) && page.contains("Favour tracks I rarely play"))
            }
        }
    }
}
