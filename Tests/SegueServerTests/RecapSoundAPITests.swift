import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueTestSupport
import Testing

@testable import SegueServer

/// The sound of the year from a real library: the eight demo songs, rendered and analysed, and a
/// history that plays three of them in 2024 (and two in 2023).
@Suite("Recap sound")
struct RecapSoundAPITests {
    static let album = "Segue demo songs"

    static func history() throws -> ByteBuffer {
        var records: [[String: Any]] = []
        func plays(
            _ artist: String, _ title: String, _ year: Int, _ count: Int, album: String? = RecapSoundAPITests.album, firstMonth: Int = 1,
            months: Int = 6
        ) {
            for i in 0..<count {
                records.append(
                    Fixtures.extended(
                        ts: String(format: "%04d-%02d-%02dT10:%02d:00Z", year, firstMonth + i % months, 1 + i % 27, i % 60), ms: 200_000,
                        track: title,
                        artist: artist, album: album, uri: "spotify:track:\(title.filter(\.isLetter))"))
            }
        }
        plays("Night Ferry", "Harbour Lights", 2024, 6)
        plays("Copper Kites", "Paper Sun", 2024, 3)
        plays("Vera Lume", "Tin Roof", 2024, 1)
        plays("Someone Else", "Not In The Library", 2024, 5, album: "Elsewhere", firstMonth: 12, months: 1)
        plays("Copper Kites", "Slow Orbit", 2023, 4)
        plays("Copper Kites", "Paper Sun", 2023, 2)
        return ByteBuffer(data: try Fixtures.json(records))
    }

    func recap(_ browser: Browser, _ query: String) async throws -> [String: Any] {
        try #require(try await browser.jsonObject("/api/v1/recap?\(query)") as? [String: Any])
    }

    @Test("the sound of the year: averages of the matched plays by hand, the playlist of the most played; absent without a match (SQLite)")
    func soundOfTheYear() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await checkSound(server)
    }

    @Test("the sound of the year (PostgreSQL: plays and libraries in the database)", .enabled(if: TestPostgres.isEnabled))
    func soundOfTheYearOnPostgres() async throws {
        let url = try TestPostgres.freshSchemaURL()
        let server = try TestServer { $0.database = url }
        defer { server.cleanUp() }
        try await checkSound(server)
    }

    func checkSound(_ server: TestServer) async throws {
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                try await alice.start()
                let started = try await alice.request("/api/v1/library/demo", .post)
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: started.body)) as? [String: Any])?["id"] as? String)
                #expect(try await alice.waitForJob(id, timeout: 300)["state"] as? String == "succeeded")
                // A library but no history yet: no sound.
                #expect(try await recap(alice, "year=2024")["sound"] == nil)
                #expect(try await alice.importExport(try Self.history())["state"] as? String == "succeeded")
                let rows = try #require(try await alice.jsonObject("/api/v1/library/tracks") as? [[String: Any]])
                func row(_ title: String) -> [String: Any] { rows.first { $0["title"] as? String == title } ?? [:] }
                let (harbour, paper, tin) = (row("Harbour Lights"), row("Paper Sun"), row("Tin Roof"))
                #expect(harbour["id"] != nil && paper["id"] != nil && tin["id"] != nil)
                func value(_ r: [String: Any], _ key: String) -> Double { r[key] as? Double ?? .nan }

                let year = try await recap(alice, "year=2024")
                let sound = try #require(year["sound"] as? [String: Any], "\(year.keys.sorted())")
                #expect(sound["matchedPlays"] as? Int == 10 && sound["matchedTracks"] as? Int == 3)
                #expect(abs((sound["share"] as? Double ?? 0) - 10.0 / 15.0) < 1e-9)
                // Weighted by plays, worked out from the library's own numbers: 6, 3 and 1 plays.
                for (key, field) in [("bpm", "averageBPM"), ("energy", "averageEnergy"), ("loudness_lufs", "averageLoudnessLUFS")] {
                    let expected = (6 * value(harbour, key) + 3 * value(paper, key) + 1 * value(tin, key)) / 10
                    let got = sound[field] as? Double ?? .nan
                    #expect(abs(got - expected) < 1e-3 * max(1, abs(expected)), "\(field): \(got) against \(expected)")
                }
                // The tempo is the songs' (122, 118 and 100 BPM as rendered): about 118.
                #expect(abs((sound["averageBPM"] as? Double ?? 0) - 118.0) < 5)
                #expect(sound["previousMatchedPlays"] as? Int == 6)
                for tag in sound["risingTags"] as? [[String: Any]] ?? [] {
                    #expect((tag["rise"] as? Double ?? 0) > 0 && (tag["share"] as? Double ?? 2) <= 1)
                }
                let playlist = try #require(sound["playlist"] as? [[String: Any]])
                #expect(Set(playlist.compactMap { $0["title"] as? String }) == ["Harbour Lights", "Paper Sun", "Tin Roof"])
                #expect(playlist.first { $0["title"] as? String == "Harbour Lights" }?["plays"] as? Int == 6)
                #expect(Set(playlist.compactMap { $0["id"] as? Int }) == Set([harbour["id"], paper["id"], tin["id"]].compactMap { $0 as? Int }))

                // The page has the section: its card, with the playlist's songs.
                let page = String(buffer: try await alice.request("/recap/2024").body)
                #expect(page.contains("<figure class=\"recap-card\" id=\"sound\"") && page.contains("The sound of your 2024"))
                #expect(page.contains("Harbour Lights") && page.contains("in an order that flows"))
                // 2023: Slow Orbit and Paper Sun; 2022: nothing played, so nothing matched and no section.
                let before = try #require(try await recap(alice, "year=2023")["sound"] as? [String: Any])
                #expect(before["matchedPlays"] as? Int == 6 && before["matchedTracks"] as? Int == 2)
                #expect(try await recap(alice, "year=2022")["sound"] == nil)
                // A range with only unmatched plays has none either.
                let spring = try await recap(alice, "from=2024-12-01&to=2024-12-31")
                #expect(spring["sound"] == nil && (spring["totals"] as? [String: Any])?["plays"] as? Int == 5, "\(spring["sound"] ?? "")")

                // The same history without a library: no section, not zeros.
                let bob = Browser(client)
                try await bob.start()
                #expect(try await bob.importExport(try Self.history())["state"] as? String == "succeeded")
                let bobs = try await recap(bob, "year=2024")
                #expect(bobs["sound"] == nil && (bobs["totals"] as? [String: Any])?["plays"] as? Int == 15)
                let bobsPage = String(buffer: try await bob.request("/recap/2024").body)
                #expect(bobsPage.contains("Your 2024 in review") && !bobsPage.contains("id=\"sound\"") && !bobsPage.contains("The sound of your"))
            }
        }
    }

    /// On a `--single-user` install the library is the owner's (the data folder's): a shared recap
    /// carries its sound to a stranger, and the preview card is still the summary.
    @Test("a shared recap of a single-user install shows the sound of the owner's library")
    func sharedSound() async throws {
        let server = try TestServer(singleUserProfile: "me")
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let owner = Browser(client)
                try await owner.start()
                let started = try await owner.request("/api/v1/library/demo", .post)
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: started.body)) as? [String: Any])?["id"] as? String)
                #expect(try await owner.waitForJob(id, timeout: 300)["state"] as? String == "succeeded")
                #expect(try await owner.importExport(try Self.history())["state"] as? String == "succeeded")
                let made = try await owner.request("/api/v1/recap/shares?year=2024", .post)
                #expect(made.status == .created)
                let url = try #require((try JSONSerialization.jsonObject(with: Data(buffer: made.body)) as? [String: Any])?["url"] as? String)
                let token = String(try #require(url.split(separator: "/").last))
                let stranger = Browser(client)
                let page = String(buffer: try await stranger.request("/r/\(token)").body)
                #expect(page.contains("The sound of your 2024") && page.contains("Harbour Lights") && page.contains("in an order that flows"))
                #expect(try await stranger.request("/r/\(token)/card.png").status == .ok)
                // Not 2022: nothing matched there.
                let other = try await owner.request("/api/v1/recap/shares?year=2022", .post)
                let otherURL = try #require((try JSONSerialization.jsonObject(with: Data(buffer: other.body)) as? [String: Any])?["url"] as? String)
                let empty = String(buffer: try await stranger.request("/r/\(otherURL.split(separator: "/").last ?? "")").body)
                #expect(!empty.contains("The sound of your"))
            }
        }
    }
}
