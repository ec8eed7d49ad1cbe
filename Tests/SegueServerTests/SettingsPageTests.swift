import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
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
            #expect(page.contains("segue users add NAME") && !page.contains("id=\"lb-token\""))
            #expect(try await browser.request("/settings/token", .post).status == .badRequest)
        }
    }
}
