import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SegueStore
import Testing

@testable import SegueServer

@Suite("Settings page")
struct SettingsPageTests {
    @Test("a self-hosted install shows its ListenBrainz token once, when it is made or replaced")
    func singleUserToken() async throws {
        let server = try TestServer(singleUserProfile: "home")
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let before = String(buffer: try await browser.request("/settings").body)
            #expect(before.contains("aria-current=\"page\">Settings<"))
            #expect(before.contains("<code id=\"lb-url\">http://"))
            #expect(before.contains("action=\"/settings/token\"") && !before.contains("id=\"lb-token\""))
            // Without the CSRF token nothing is created.
            let forged = try await browser.request("/settings/token", .post, csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try server.deps.listens.user(named: "home") == nil)
            let created = try await browser.request(
                "/settings/token", .post, body: ByteBuffer(string: ""), headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(created.status == .ok)
            let shown = String(buffer: created.body)
            let token = String(try #require(shown.firstMatch(of: /id="lb-token">([0-9a-f]{32})</)?.1))
            #expect(try server.deps.listens.user(token: token)?.name == "home")
            // Only its SHA-256 is kept: the page shows it no more, and offers a new one.
            let after = String(buffer: try await browser.request("/settings").body)
            #expect(!after.contains(token) && !after.contains("id=\"lb-token\"") && after.contains("Make a new scrobbling token"))
            // A new token replaces the old one.
            let replaced = String(buffer: try await browser.request("/settings/token", .post).body)
            let second = String(try #require(replaced.firstMatch(of: /id="lb-token">([0-9a-f]{32})</)?.1))
            #expect(second != token)
            #expect(try server.deps.listens.user(token: token) == nil)
            #expect(try server.deps.listens.user(token: second)?.name == "home")
        }
    }

    @Test("anonymous sessions get no token, only how to make one")
    func sessionsHaveNoToken() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let page = String(buffer: try await browser.request("/settings").body)
            #expect(page.contains("Ask the person who runs this server") && !page.contains("id=\"lb-token\""))
            #expect(try await browser.request("/settings/token", .post).status == .badRequest)
        }
    }

    /// Posts the Settings form with `fields` (form-encoded) and returns the response.
    static func post(_ browser: Browser, _ path: String, _ fields: [(String, String)]) async throws -> TestResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return try await browser.request(
            path, .post, body: ByteBuffer(string: body), headers: [.contentType: "application/x-www-form-urlencoded"])
    }

    static func form(zone: String, theme: String = "dark") -> [(String, String)] {
        [("time_zone", zone), ("theme", theme), ("week_start", "1"), ("metric", "minutes"), ("range", "last-year")]
    }

    @Test("preferences are saved per profile, shown, and applied to every page's theme")
    func preferencesSaveAndApply() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let first = String(buffer: try await browser.request("/settings").body)
            #expect(first.contains("data-time-zone=\"unset\"") && !first.contains("data-theme="))
            let saved = try await Self.post(browser, "/settings", Self.form(zone: "Asia/Kolkata"))
            #expect(saved.status == .seeOther)
            let page = String(buffer: try await browser.request("/settings?saved=1").body)
            #expect(page.contains("Your settings are saved."))
            #expect(page.contains("<option value=\"Asia/Kolkata\" selected>"))
            #expect(page.contains("<option value=\"minutes\" selected>") && page.contains("<option value=\"last-year\" selected>"))
            #expect(!page.contains("data-time-zone=\"unset\""))
            let other = String(buffer: try await browser.request("/feedback").body)
            #expect(other.contains("<html lang=\"en\" data-theme=\"dark\">"))
            // The browser's zone does not overwrite a chosen one.
            #expect(try await Self.post(browser, "/settings/time-zone", [("time_zone", "Europe/Berlin")]).status == .noContent)
            let cookie = try #require(browser.cookie)
            let session = try #require(try (server.deps.feedback as? any SessionStore)?.session(id: cookie))
            let stored = try #require(try server.deps.preferences?.preferences(profile: session.profileName))
            #expect(stored.timeZone == "Asia/Kolkata" && stored.theme == "dark" && stored.firstWeekday == 1)
            // Another visitor has none of it.
            let other2 = Browser(client)
            try await other2.start()
            #expect(!String(buffer: try await other2.request("/feedback").body).contains("data-theme="))
        }
    }

    @Test("a hostile time zone is refused in one sentence naming the field, and nothing saved is lost")
    func hostileTimeZones() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            #expect(try await Self.post(browser, "/settings", Self.form(zone: "America/Chicago", theme: "light")).status == .seeOther)
            for zone in ["../../etc", "../../../etc/passwd", String(repeating: "A/", count: 5_000), "Mars/Olympus", "", "Europe/Berlin\u{0}"] {
                let response = try await Self.post(browser, "/settings", Self.form(zone: zone))
                #expect(response.status == .badRequest, "\(zone.prefix(20))")
                let page = String(buffer: response.body)
                #expect(page.contains("<p class=\"notice error\" role=\"alert\">Time zone: "), "\(zone.prefix(20))")
                #expect(page.count < 200_000)
                let browserZone = try await Self.post(browser, "/settings/time-zone", [("time_zone", zone)])
                #expect(browserZone.status == .badRequest)
                #expect(String(buffer: browserZone.body).contains("Time zone: "))
            }
            // The zone and theme saved before are still there.
            let page = String(buffer: try await browser.request("/settings").body)
            #expect(page.contains("<option value=\"America/Chicago\" selected>") && page.contains("data-theme=\"light\""))
            // Other fields name themselves too.
            var bad = Self.form(zone: "UTC")
            bad[1].1 = "neon"
            #expect(String(buffer: try await Self.post(browser, "/settings", bad).body).contains("Theme: choose System, Light or Dark."))
        }
    }
}
