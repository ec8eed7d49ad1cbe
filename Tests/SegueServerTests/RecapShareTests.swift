import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueServer

/// Shared recaps, tried as their owner, another profile's owner and a stranger with no session.
@Suite("Recap share links")
struct RecapShareTests {
    /// Alpha all of 2024; Charlie in spring 2024; Delta in November 2024; Bravo only in 2023.
    static func history(extra: String? = nil) throws -> ByteBuffer {
        var records: [[String: Any]] = []
        func plays(_ artist: String, _ year: Int, months: ClosedRange<Int>, perMonth: Int) {
            for m in months {
                for i in 0..<perMonth {
                    records.append(
                        Fixtures.extended(
                            ts: String(format: "%04d-%02d-%02dT%02d:%02d:00Z", year, m, 1 + i % 27, 8 + i % 12, (i * 7) % 60), ms: 200_000,
                            track: "\(artist) song \(i % 3)", artist: artist, uri: "spotify:track:\(artist.prefix(5))\(i % 3)"))
                }
            }
        }
        plays("Alpha Band", 2024, months: 1...12, perMonth: 4)
        plays("Bravo Only2023", 2023, months: 6...8, perMonth: 5)
        plays("Charlie Spring", 2024, months: 3...5, perMonth: 9)
        plays("Delta November", 2024, months: 11...11, perMonth: 2)
        if let extra { plays(extra, 2024, months: 1...2, perMonth: 30) }
        return ByteBuffer(data: try Fixtures.json(records))
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(String(buffer: response.body))")
    }

    /// The token of a share's page address.
    static func token(_ share: [String: Any]) throws -> String {
        let url = try #require(share["url"] as? String)
        return String(try #require(url.split(separator: "/").last))
    }

    static func formBody(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(
            string: fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&"))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    func checkSharing(_ server: TestServer, publicBase: String?) async throws {
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let owner = Browser(client)
                try await owner.start()
                #expect(try await owner.importExport(try Self.history())["state"] as? String == "succeeded")
                let other = Browser(client)
                try await other.start()
                #expect(try await other.importExport(try Self.history(extra: "Zulu Elsewhere"))["state"] as? String == "succeeded")
                // A stranger: no cookie, no token; every request goes out without a session.
                let stranger = Browser(client)

                // The owner shares the year (light) and a spring range (dark).
                let yearResponse = try await owner.request("/api/v1/recap/shares?year=2024&theme=light", .post)
                #expect(yearResponse.status == .created)
                let year = try Self.object(yearResponse)
                let yearToken = try Self.token(year)
                #expect(RecapShareController.isWellFormedToken(yearToken))
                #expect((year["url"] as? String)?.hasPrefix(publicBase ?? "http") == true)
                #expect(year["cardURL"] as? String == (year["url"] as? String).map { $0 + "/card.png" })
                #expect(year["from"] as? String == "2024-01-01" && year["to"] as? String == "2024-12-31" && year["theme"] as? String == "light")
                let spring = try Self.object(try await owner.request("/api/v1/recap/shares?from=2024-03-01&to=2024-05-31", .post))
                let springToken = try Self.token(spring)
                #expect(springToken != yearToken)
                let otherShare = try Self.object(try await other.request("/api/v1/recap/shares?year=2024", .post))
                let otherToken = try Self.token(otherShare)

                // The stranger reads the year: only that recap, the OG tags, nothing of the app.
                let page = try await stranger.request("/r/\(yearToken)")
                #expect(page.status == .ok)
                #expect(page.headers[.setCookie] == nil && stranger.cookie == nil)
                let html = String(buffer: page.body)
                #expect(html.contains("Alpha Band") && html.contains("Charlie Spring") && html.contains("Delta November"))
                #expect(!html.contains("Bravo Only2023") && !html.contains("Zulu Elsewhere"))
                let image = (publicBase ?? "") + "/r/\(yearToken)/card.png"
                #expect(html.contains("<meta property=\"og:title\" content=\"A 2024 in music\">"))
                #expect(html.contains("<meta property=\"og:description\" content=\"") && html.contains("Top artist: Alpha Band."))
                #expect(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"))
                if publicBase != nil {
                    #expect(html.contains("<meta property=\"og:image\" content=\"\(image)\">"))
                    #expect(html.contains("<meta name=\"twitter:image\" content=\"\(image)\">"))
                } else {
                    let og = html.components(separatedBy: "<meta property=\"og:image\" content=\"").dropFirst().first?.prefix { $0 != "\"" }
                    #expect(og.map { $0.hasPrefix("http://") && $0.hasSuffix(image) } == true, "\(og ?? "")")
                }
                // No way into the app: no links, forms, scripts or API addresses; only the stylesheet.
                #expect(!html.contains("<a ") && !html.contains("<form") && !html.contains("<script") && !html.contains("/api/"))
                #expect(!html.contains("csrf") && !html.contains("/settings") && !html.contains("/recap/"))
                let hrefs = html.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
                #expect(hrefs.allSatisfy { $0.hasPrefix("/static/app.css") }, "\(hrefs)")
                let css = try await stranger.request(try #require(hrefs.first))
                #expect(css.status == .ok && css.headers[.setCookie] == nil)
                // One theme: the light one.
                #expect(html.contains("<meta name=\"color-scheme\" content=\"light\">") && html.components(separatedBy: "<svg").count - 1 == 7)

                // The preview card: a 1200x630 PNG.
                let card = try await stranger.request("/r/\(yearToken)/card.png")
                #expect(card.status == .ok && card.headers[.contentType] == "image/png" && card.headers[.setCookie] == nil)
                let png = Array(Data(buffer: card.body))
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 24)
                if png.count > 24 {
                    let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
                    let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
                    #expect(width == 1200 && height == 630)
                }

                // The range share shows the spring only.
                let springHTML = String(buffer: try await stranger.request("/r/\(springToken)").body)
                #expect(springHTML.contains("Charlie Spring") && !springHTML.contains("Delta November"))
                #expect(springHTML.contains("Listening, 1 Mar – 31 May 2024"))

                // Guessed and malformed tokens: the same 404, page and card.
                var wrong = Array(yearToken)
                wrong[10] = wrong[10] == "0" ? "1" : "0"
                let guesses = [
                    String(wrong), String(yearToken.dropLast()), yearToken + "0", yearToken.uppercased(), "..%2F..%2Fapi%2Fv1%2Frecap",
                    "%00" + yearToken.dropFirst(3), yearToken.dropLast(3) + "%00", String(repeating: "a", count: 10_000), "%E2%80%AE%FF%FE",
                    String(yearToken.prefix(32)), "..", "%2e%2e",
                ]
                for guess in guesses {
                    let response = try await stranger.request("/r/\(guess)")
                    #expect(response.status == .notFound, "\(guess.prefix(80))")
                    #expect(!String(buffer: response.body).contains("Alpha Band"))
                    #expect(try await stranger.request("/r/\(guess)/card.png").status == .notFound, "\(guess.prefix(80))")
                }
                #expect(try await stranger.request("/r/../api/v1/recap/shares").status == .notFound)

                // The stranger cannot list, create or revoke the owner's links.
                let strangersList = try await stranger.request("/api/v1/recap/shares")
                #expect(String(buffer: strangersList.body) == "[]")
                let ownerID = try #require(year["id"] as? Int)
                #expect(try await stranger.request("/api/v1/recap/shares?year=2024", .post).status == .forbidden)
                #expect(try await stranger.request("/api/v1/recap/shares/\(ownerID)", .delete).status == .forbidden)
                #expect(
                    try await stranger.request(
                        "/settings/recap-shares/\(ownerID)/revoke", .post, body: Self.formBody([("_csrf", "guess")]), headers: Self.formHeaders
                    ).status == .forbidden)
                // Another profile's owner (a session with its own CSRF token) cannot revoke them either, nor see them.
                #expect(try await other.request("/api/v1/recap/shares/\(ownerID)", .delete).status == .notFound)
                #expect(
                    try await other.request(
                        "/settings/recap-shares/\(ownerID)/revoke", .post, body: Self.formBody([("_csrf", other.csrf ?? "")]),
                        headers: Self.formHeaders, csrf: false
                    ).status == .notFound)
                let othersList = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: try await other.request("/api/v1/recap/shares").body)) as? [[String: Any]])
                #expect(othersList.map { $0["id"] as? Int } == [otherShare["id"] as? Int])
                #expect(try await stranger.request("/r/\(yearToken)").status == .ok)
                // Another profile's share shows that profile's recap, not the owner's.
                let othersPage = String(buffer: try await stranger.request("/r/\(otherToken)").body)
                #expect(othersPage.contains("Zulu Elsewhere"))

                // The owner's list: newest first, no token in it.
                let list = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: try await owner.request("/api/v1/recap/shares").body)) as? [[String: Any]])
                #expect(list.count == 2 && list.allSatisfy { $0["url"] == nil })
                #expect(Set(list.compactMap { $0["id"] as? Int }) == Set([ownerID, try #require(spring["id"] as? Int)]))
                #expect(!String(buffer: try await owner.request("/api/v1/recap/shares").body).contains(yearToken))
                // Settings lists them with a Revoke button each.
                let settings = String(buffer: try await owner.request("/settings").body)
                #expect(settings.contains("Shared recaps") && settings.contains("1 Mar 2024 – 31 May 2024"))
                #expect(settings.contains("action=\"/settings/recap-shares/\(ownerID)/revoke\"") && !settings.contains(yearToken))

                // Revoked from Settings: the page and the card are gone.
                let revoked = try await owner.request(
                    "/settings/recap-shares/\(ownerID)/revoke", .post, body: Self.formBody([("_csrf", owner.csrf ?? "")]), headers: Self.formHeaders,
                    csrf: false)
                #expect(revoked.status == .seeOther)
                #expect(try await stranger.request("/r/\(yearToken)").status == .notFound)
                #expect(try await stranger.request("/r/\(yearToken)/card.png").status == .notFound)
                #expect(try await stranger.request("/r/\(springToken)").status == .ok)
                // Revoked through the API; a second revoke finds nothing.
                let springID = try #require(spring["id"] as? Int)
                #expect(try await owner.request("/api/v1/recap/shares/\(springID)", .delete).status == .noContent)
                #expect(try await owner.request("/api/v1/recap/shares/\(springID)", .delete).status == .notFound)
                #expect(try await stranger.request("/r/\(springToken)/card.png").status == .notFound)
                for id in ["0", "-1", "abc", String(repeating: "9", count: 40), "%00"] {
                    #expect(try await owner.request("/api/v1/recap/shares/\(id)", .delete).status == .notFound, "\(id)")
                }
                #expect(try await stranger.request("/r/\(otherToken)").status == .ok)

                // Careless input when making one: a sentence, nothing stored.
                for (query, message) in [("year=2024&theme=neon", "theme must be"), ("year=99999", "year '99999'"), ("", "give a year")] {
                    let response = try await owner.request("/api/v1/recap/shares?\(query)", .post)
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(String(buffer: response.body).lowercased().contains(message), "\(query)")
                }
                #expect(String(buffer: try await owner.request("/api/v1/recap/shares").body) == "[]")

                // The recap page's Share form makes one and shows its link once.
                let recapPage = String(buffer: try await owner.request("/recap/2024").body)
                #expect(recapPage.contains("action=\"/recap/share?year=2024\""))
                let made = try await owner.request(
                    "/recap/share?year=2024", .post, body: Self.formBody([("_csrf", owner.csrf ?? ""), ("theme", "vivid")]),
                    headers: Self.formHeaders, csrf: false)
                #expect(made.status == .created)
                let madeHTML = String(buffer: made.body)
                let link = try #require(
                    madeHTML.components(separatedBy: "<code class=\"token\" id=\"share-url\">").dropFirst().first?.prefix { $0 != "<" })
                let madeToken = String(try #require(link.split(separator: "/").last))
                let vivid = String(buffer: try await stranger.request("/r/\(madeToken)").body)
                #expect(vivid.contains("theme-vivid") && vivid.contains("Alpha Band"))
                // "Delete my data" takes the owner's links with it.
                #expect(try await owner.request("/api/v1/session", .delete).status == .noContent)
                #expect(try await stranger.request("/r/\(madeToken)").status == .notFound)
            }
        }
    }

    @Test("a shared recap shows that recap only, to anyone with the link, until revoked (SQLite)")
    func sharingOnSQLite() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await checkSharing(server, publicBase: nil)
    }

    @Test("a shared recap shows that recap only, to anyone with the link, until revoked (PostgreSQL)", .enabled(if: TestPostgres.isEnabled))
    func sharingOnPostgres() async throws {
        let url = try TestPostgres.freshSchemaURL()
        let server = try TestServer {
            $0.database = url
            $0.publicURL = URL(string: "https://music.example.org/")
        }
        defer { server.cleanUp() }
        try await checkSharing(server, publicBase: "https://music.example.org")
    }

    /// A link is read without a login on a password-protected install too (that is its point).
    @Test("a shared recap opens without logging in on a password-protected server")
    func sharingBehindAPassword() async throws {
        let server = try TestServer(singleUserProfile: "me") { $0.password = "secret words" }
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let stranger = Browser(client)
            #expect(try await stranger.request("/api/v1/recap/shares").status != .ok)
            let token = String(repeating: "ab", count: 32)
            _ = try server.deps.shares.addRecapShare(
                owner: "me", tokenHash: SHA256.hex(token), query: "year=2024", theme: "dark", millis: 1)
            let page = try await stranger.request("/r/\(token)")
            #expect(page.status == .ok && String(buffer: page.body).contains("Nothing played"))
            #expect(try await stranger.request("/r/\(token)/card.png").status == .ok)
        }
    }

    /// Without --public-url, a shared page's links (and Settings' scrobbler address) name the Host the
    /// request came to; a Host that is not a host is not put into them (a link preview's cache would keep it).
    @Test("a hostile Host header does not reach the links") func hostileHostIsNotLinked() {
        func url(_ authority: String) -> String {
            SettingsController.serverURL(
                Request(head: HTTPRequest(method: .get, scheme: "http", authority: authority, path: "/r/x"), body: .init(buffer: ByteBuffer())))
        }
        #expect(url("music.example:8443") == "http://music.example:8443")
        #expect(url("[::1]:8080") == "http://[::1]:8080")
        #expect(url("192.168.1.20") == "http://192.168.1.20")
        for hostile in [
            "evil.example\"><script>alert(1)</script>", "a b", "evil.example/path", "", String(repeating: "a", count: 300), "ex\u{0}ample",
        ] {
            #expect(url(hostile) == "http://localhost", "\(hostile)")
        }
    }
}
