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

/// Names from outside (an artist or a track in a history or a scrobble, a profile name, a typed query) reach the
/// pages only escaped: markup, quotes and ampersands as entities, on every page that shows them.
@Suite("Pages escape what they show")
struct PageEscapingTests {
    static let hostile = #"<script>alert(1)</script>"'&"#
    static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
    /// A quote followed by a combining accent is one grapheme: escaping by grapheme would let the quote through
    /// and end an attribute.
    static let combining = "Q\"\u{301} onmouseover=alert(2) x"
    static let rawQuoteWithMark = "\"\u{301}"
    static let escapedQuoteWithMark = "&quot;\u{301}"

    /// Byte for byte, so a quote and a combining mark count as the two scalars they are.
    static func has(_ page: String, _ needle: String) -> Bool {
        Array(page.utf8).firstRange(of: Array(needle.utf8)) != nil
    }

    static func expectEscaped(_ page: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!has(page, hostile), "\(name) shows the hostile name raw", sourceLocation: sourceLocation)
        #expect(!has(page, "<script>"), "\(name) has a script element", sourceLocation: sourceLocation)
        #expect(has(page, escaped), "\(name) does not show the name escaped", sourceLocation: sourceLocation)
    }

    static func expectCombiningEscaped(_ page: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!has(page, rawQuoteWithMark), "\(name) lets a quote with a combining mark through", sourceLocation: sourceLocation)
        #expect(has(page, escapedQuoteWithMark), "\(name) does not show the quote escaped", sourceLocation: sourceLocation)
    }

    @Test("a hostile artist is escaped on Explore, the recap, the share page and the shared recap")
    func hostileArtist() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                #expect(try await browser.importExport(try TestServer.export(artist: Self.hostile, plays: 6))["state"] as? String == "succeeded")
                let explore = String(buffer: try await browser.request("/explore").body)
                Self.expectEscaped(explore, "Explore")
                let recap = String(buffer: try await browser.request("/recap/2024").body)
                Self.expectEscaped(recap, "the recap")

                let made = try await browser.request(
                    "/recap/share?year=2024", .post, body: ByteBuffer(string: "theme=dark"),
                    headers: [.contentType: "application/x-www-form-urlencoded"])
                #expect(made.status == .created)
                let madePage = String(buffer: made.body)
                let token = try #require(madePage.firstMatch(of: /\/r\/([0-9a-f]{64})/)?.output.1)
                // The stranger's page: the top artist is in its title-like tags and its description.
                let shared = String(buffer: try await client.execute(uri: "/r/\(token)", method: .get).body)
                Self.expectEscaped(shared, "the shared recap")
                #expect(shared.contains("content=\"") && shared.contains("Top artist: \(Self.escaped)."))
            }
        }
    }

    @Test("a hostile value typed into Explore's form is shown back escaped")
    func hostileQuery() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let browser = Browser(client)
                try await browser.start()
                #expect(try await browser.importExport(try TestServer.export())["state"] as? String == "succeeded")
                let typed = Self.hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                for field in ["from", "to", "limit"] {
                    let response = try await browser.request("/explore?range=custom&\(field)=\(typed)")
                    Self.expectEscaped(String(buffer: response.body), "Explore's \(field)")
                }
            }
        }
    }

    @Test("a hostile track from a scrobbler is escaped on the Live page")
    func hostileScrobble() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let user = try server.deps.listens.createUser(named: "ana", profile: "web-\(try #require(browser.cookie))")
            let now = server.clock.now / 1000
            for (type, at) in [("single", Optional(now - 60)), ("playing_now", nil)] {
                var listen: [String: Any] = ["track_metadata": ["artist_name": Self.combining, "track_name": Self.hostile]]
                if let at { listen["listened_at"] = at }
                let body = try JSONSerialization.data(withJSONObject: ["listen_type": type, "payload": [listen]])
                let response = try await client.executeRequest(
                    uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(data: body))
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            let live = String(buffer: try await browser.request("/live").body)
            Self.expectEscaped(live, "Live")
            Self.expectCombiningEscaped(live, "Live")
        }
    }

    @Test("a hostile profile name is escaped on Settings, before and after its scrobbling token is made")
    func hostileProfile() async throws {
        let server = try TestServer(singleUserProfile: Self.hostile)
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let before = String(buffer: try await browser.request("/settings").body)
            Self.expectEscaped(before, "Settings without a user")
            let made = try await browser.request(
                "/settings/token", .post, body: ByteBuffer(string: ""), headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(made.status == .ok)
            Self.expectEscaped(String(buffer: made.body), "Settings with the new token")
            Self.expectEscaped(String(buffer: try await browser.request("/settings").body), "Settings with a user")
        }
    }
}
