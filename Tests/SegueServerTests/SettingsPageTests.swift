import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SegueServer

@Suite("Settings page")
struct SettingsPageTests {
    @Test("a self-hosted install shows its ListenBrainz token, creating it on request")
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
            #expect(created.status == .seeOther && created.headers[.location] == "/settings")
            let user = try #require(try server.deps.listens.user(named: "home"))
            let after = String(buffer: try await browser.request("/settings").body)
            #expect(after.contains("<code class=\"token\" id=\"lb-token\">\(user.token)</code>"))
            // Asking again keeps the same token.
            try await browser.request("/settings/token", .post)
            #expect(try server.deps.listens.user(named: "home")?.token == user.token)
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
