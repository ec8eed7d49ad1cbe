import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueTestSupport
import Testing

@testable import SegueServer

@Suite("Recap API")
struct RecapAPITests {
    /// Two years of a few artists: A and B in 2023; A, C and D in 2024 (C and D new).
    static func history() throws -> ByteBuffer {
        var records: [[String: Any]] = []
        func plays(_ artist: String, _ year: Int, months: ClosedRange<Int>, perMonth: Int, ms: Int = 200_000) {
            for m in months {
                for i in 0..<perMonth {
                    records.append(
                        Fixtures.extended(
                            ts: String(format: "%04d-%02d-%02dT%02d:%02d:00Z", year, m, 1 + i % 27, 8 + i % 12, (i * 7) % 60), ms: ms,
                            track: "\(artist) song \(i % 3)", artist: artist, uri: "spotify:track:\(artist)\(i % 3)"))
                }
            }
        }
        plays("A", 2023, months: 1...12, perMonth: 3)
        plays("B", 2023, months: 6...8, perMonth: 5)
        plays("A", 2024, months: 1...12, perMonth: 4)
        plays("C", 2024, months: 3...5, perMonth: 9)
        plays("D", 2024, months: 11...11, perMonth: 2, ms: 40_000)
        return ByteBuffer(data: try Fixtures.json(records))
    }

    func checkRecap(_ server: TestServer) async throws {
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                // Before any import: an empty recap, not an error.
                let empty = try await browser.jsonObject("/api/v1/recap?year=2024") as? [String: Any]
                #expect((empty?["totals"] as? [String: Any])?["plays"] as? Int == 0)
                let job = try await browser.importExport(try Self.history())
                #expect(job["state"] as? String == "succeeded", "\(job)")
                let response = try await browser.request("/api/v1/recap?year=2024")
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let recap = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                let stats = try #require(try await browser.jsonObject("/api/v1/stats?from=2024-01-01&to=2024-12-31") as? [String: Any])
                let totals = try #require(recap["totals"] as? [String: Any])
                #expect(totals["streams"] as? Int == stats["streams"] as? Int)
                #expect(totals["milliseconds"] as? Int == stats["milliseconds"] as? Int)
                #expect(totals["artists"] as? Int == 3)
                let top = try #require(try await browser.jsonObject("/api/v1/top?from=2024-01-01&to=2024-12-31&limit=5") as? [[String: Any]])
                let artists = try #require(recap["topArtists"] as? [[String: Any]])
                #expect(artists.map { $0["name"] as? String } == top.map { $0["name"] as? String })
                #expect(artists.map { $0["name"] as? String } == ["A", "C", "D"])
                let discoveries = try #require(recap["discoveries"] as? [String: Any])
                #expect(discoveries["count"] as? Int == 2)
                #expect((discoveries["biggest"] as? [String: Any])?["name"] as? String == "C")
                let previous = try #require(recap["previous"] as? [String: Any])
                #expect((previous["totals"] as? [String: Any])?["streams"] as? Int == 36 + 15)
                let loyalty = try #require(recap["loyalty"] as? [String: Any])
                #expect((loyalty["mostWeeks"] as? [String: Any])?["artist"] as? String == "A")
                // A range, by minutes, in a time zone.
                let range =
                    try await browser.jsonObject("/api/v1/recap?from=2024-03-01&to=2024-05-31&metric=minutes&tz=Europe/Berlin") as? [String: Any]
                #expect(((range?["topArtists"] as? [[String: Any]])?.first)?["name"] as? String == "C")
                #expect(range?["timeZone"] as? String == "Europe/Berlin")
                #expect((range?["shape"] as? [String: Any]).flatMap { ($0["months"] as? [Any])?.count } == 3)
            }
        }
    }

    @Test("the recap equals stats and top for the same range (SQLite)")
    func recapOnSQLite() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await checkRecap(server)
    }

    @Test("the recap equals stats and top for the same range (PostgreSQL)", .enabled(if: TestPostgres.isEnabled))
    func recapOnPostgres() async throws {
        let url = try TestPostgres.freshSchemaURL()
        let server = try TestServer { $0.database = url }
        defer { server.cleanUp() }
        try await checkRecap(server)
    }

    @Test("the page shows every card inline as SVG, dark and light, and refuses a bad year in a sentence")
    func recapPage() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                let empty = try await browser.request("/recap/2024")
                #expect(empty.status == .ok)
                #expect(String(buffer: empty.body).contains("Nothing played from 1 Jan 2024 to 31 Dec 2024"))
                let job = try await browser.importExport(try Self.history())
                #expect(job["state"] as? String == "succeeded", "\(job)")
                let page = String(buffer: try await browser.request("/recap/2024").body)
                #expect(page.contains("<h1>Your 2024 in review</h1>"))
                // Seven cards (there are albums), each in a dark and a light version.
                #expect(page.components(separatedBy: "<figure class=\"recap-card\"").count - 1 == 7)
                #expect(page.components(separatedBy: "<svg").count - 1 == 14)
                #expect(page.contains("class=\"only-dark\"") && page.contains("class=\"only-light\""))
                // Fourteen SVG documents in one page: no gradient or clip id may be defined twice.
                let ids = page.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
                #expect(ids.count > 50 && Set(ids).count == ids.count)
                #expect(page.contains("Your top artists") && page.contains("New to you") && page.contains("When you listened"))
                #expect(page.contains("href=\"/recap/2023\"") && page.contains("href=\"/recap/2024\" aria-current=\"page\""))
                // Without a year: the latest year with plays.
                #expect(String(buffer: try await browser.request("/recap").body).contains("<h1>Your 2024 in review</h1>"))
                let range = String(buffer: try await browser.request("/recap?from=2024-03-01&to=2024-05-31").body)
                #expect(range.contains("Your listening, 1 Mar – 31 May 2024"))
                let bad = try await browser.request("/recap/99999")
                #expect(bad.status == .badRequest)
                #expect(String(buffer: bad.body).contains("The year &#39;99999&#39; is not a year from 1900 to 9999."))
                let hostile = try await browser.request("/recap?from=%3Cscript%3E&to=2024-01-01")
                #expect(hostile.status == .badRequest && !String(buffer: hostile.body).contains("<script>"))
                // The cards as a ZIP of PNGs.
                let zip = try await browser.request("/api/v1/recap/cards?year=2024")
                #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
                #expect(zip.headers[.contentDisposition]?.contains("segue-recap-2024.zip") == true)
                let bytes = Array(Data(buffer: zip.body))
                #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) && bytes.count > 50_000)
                let names = String(decoding: bytes, as: UTF8.self)
                #expect(names.contains("01-summary.png") && names.contains("07-rhythm.png") && !names.contains(".svg"))
                #expect(try await browser.request("/api/v1/recap/cards?year=0").status == .badRequest)
                // Explore links to the latest year's recap.
                #expect(String(buffer: try await browser.request("/explore").body).contains("href=\"/recap/2024\""))
            }
        }
    }

    @Test("careless and hostile queries get a 400 naming the parameter, never a crash")
    func hostileQueries() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let cases: [(String, String)] = [
                ("year=99999", "year '99999'"),
                ("year=-5", "year '-5'"),
                ("year=2024.5", "year '2024.5'"),
                ("year=%00%0A", "year '"),
                ("year=" + String(repeating: "9", count: 10_000), "year '"),
                ("from=2024-05-01&to=2024-01-01", "The end date (to) 2024-01-01 is before the start date (from) 2024-05-01."),
                ("from=2024-02-30&to=2024-03-01", "The start date (from) '2024-02-30'"),
                ("from=1900-01-01&to=9999-12-31", "The start and end dates (from, to) are"),
                ("from=2024-01-01", "give a year"),
                ("", "give a year"),
                ("year=2024&from=2024-01-01&to=2024-02-01", "not both"),
                ("year=2024&tz=../../etc/passwd", "(tz) '../../etc/passwd'"),
                ("year=2024&tz=Mars/Olympus", "(tz) 'Mars/Olympus'"),
                ("year=2024&metric=loudness", "metric must be streams or minutes"),
                ("year=2024&source=napster", "source must be"),
            ]
            for (query, message) in cases {
                let response = try await browser.request("/api/v1/recap?" + query)
                #expect(response.status == .badRequest, "\(query.prefix(60))")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let text = (body?["error"] as? [String: Any])?["message"] as? String ?? ""
                // Messages are sentences (a capital first letter): compared without case.
                #expect(text.lowercased().contains(message.lowercased()), "\(query.prefix(60)): \(text.prefix(300))")
                #expect(text.count < 200, "\(query.prefix(60)): the message echoes too much")
            }
            // Still alive.
            #expect(try await browser.request("/api/v1/recap?year=2024").status == .ok)
        }
    }
}
