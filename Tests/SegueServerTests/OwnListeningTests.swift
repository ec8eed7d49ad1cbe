import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueModel
import SegueStore
import Testing

@testable import SegueServer

/// The Live page's "Your listening": a visitor sees their own scrobbles (playing now, today in their time zone)
/// and nobody else's.
@Suite struct OwnListeningTests {
    func submit(_ browser: Browser, token: String, _ body: String) async throws {
        let response = try await browser.client.executeRequest(
            uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(token)"], body: ByteBuffer(string: body))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
    }

    func listen(_ at: Int64, _ track: String, _ artist: String, seconds: Int) -> String {
        #"{"listened_at":\#(at),"track_metadata":{"artist_name":"\#(artist)","track_name":"\#(track)","additional_info":{"duration_ms":\#(seconds * 1000)}}}"#
    }

    func mine(_ browser: Browser) async throws -> [String: Any] {
        let response = try await browser.request("/api/v1/live/mine")
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test func aVisitorSeesTheirOwnScrobblesAndNoOneElses() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        // 2026-09-21 14:13:20 UTC: the day began at `dayStart` in UTC.
        let now = server.clock.now / 1000
        let dayStart = now - now % 86_400
        try await server.app.test(.router) { client in
            let ana = Browser(client)
            let bo = Browser(client)
            try await ana.start()
            try await bo.start()
            let anaProfile = "web-\(try #require(ana.cookie))"
            // Ana's scrobbler files into her visit's profile; cy's into cy's own, which no visitor here has.
            let anaUser = try server.deps.listens.createUser(named: "ana", profile: anaProfile)
            let cyUser = try server.deps.listens.createUser(named: "cy")
            let anas = [
                listen(dayStart - 1_000, "Jóga", "Björk", seconds: 300), listen(dayStart + 3_600, "Early", "Björk", seconds: 60),
                listen(now - 3_600, "Army of Me", "Björk", seconds: 240), listen(now - 600, "Hyperballad", "Björk", seconds: 300),
            ]
            try await submit(ana, token: anaUser.token, #"{"listen_type":"import","payload":[\#(anas.joined(separator: ","))]}"#)
            try await submit(
                ana, token: anaUser.token,
                #"{"listen_type":"playing_now","payload":[{"track_metadata":{"artist_name":"Björk","track_name":"Hunter"}}]}"#)
            try await submit(
                bo, token: cyUser.token, #"{"listen_type":"single","payload":[\#(listen(now - 300, "Secret Song", "Someone Else", seconds: 200))]}"#)
            try await submit(
                bo, token: cyUser.token,
                #"{"listen_type":"playing_now","payload":[{"track_metadata":{"artist_name":"Someone Else","track_name":"Other Now"}}]}"#)

            // Ana, in UTC (no time zone chosen): three plays today, the newest first, and what plays now.
            var own = try await mine(ana)
            #expect(own["has_scrobbles"] as? Bool == true)
            #expect((own["playing_now"] as? [String: Any])?["track"] as? String == "Hunter")
            #expect(own["day"] as? String == "\(CalendarDay(time: now))" && own["time_zone"] as? String == "GMT")
            #expect(own["plays_today"] as? Int == 3 && own["minutes_today"] as? Int == 10)
            var recent = try #require(own["recent_today"] as? [[String: Any]])
            #expect(recent.map { $0["track"] as? String } == ["Hyperballad", "Army of Me", "Early"])
            #expect(recent.map { $0["time"] as? String } == ["14:03", "13:13", "01:00"])
            let page = String(buffer: try await ana.request("/live").body)
            #expect(page.contains("Your listening") && page.contains("Hunter — Björk") && page.contains("Hyperballad — Björk"))
            #expect(page.contains("<strong>3</strong> plays today · <strong>10</strong> minutes"))
            for other in ["Secret Song", "Other Now", "Someone Else", "Jóga"] { #expect(!page.contains(other), "\(other) on Ana's page") }

            // In Los Angeles (UTC-7 in September) her day began at 07:00 UTC: "Early" was yesterday there.
            let zone = try await ana.request(
                "/settings/time-zone", .post, body: ByteBuffer(string: "time_zone=America/Los_Angeles"),
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(zone.status == .noContent)
            own = try await mine(ana)
            #expect(own["time_zone"] as? String == "America/Los_Angeles")
            #expect(own["plays_today"] as? Int == 2 && own["minutes_today"] as? Int == 9)
            recent = try #require(own["recent_today"] as? [[String: Any]])
            #expect(recent.map { $0["track"] as? String } == ["Hyperballad", "Army of Me"])
            #expect(recent.map { $0["time"] as? String } == ["07:03", "06:13"])

            // Bo has no scrobbles of his own: one sentence on how, and none of cy's or Ana's listens.
            let bos = try await mine(bo)
            #expect(bos["has_scrobbles"] as? Bool == false && bos["playing_now"] == nil)
            #expect((bos["recent_today"] as? [Any])?.isEmpty == true && bos["plays_today"] as? Int == 0)
            let boPage = String(buffer: try await bo.request("/live").body)
            #expect(boPage.contains("What you play shows here once a scrobbler sends it"))
            for other in ["Secret Song", "Other Now", "Hunter", "Hyperballad"] { #expect(!boPage.contains(other), "\(other) on Bo's page") }
        }
    }

    /// On a single-user install every ListenBrainz user's listens are the owner's (as they join the owner's
    /// profile); before there are any, the page says how to send them.
    @Test func theOwnerOfASingleUserInstallSeesEveryUsersScrobbles() async throws {
        let server = try TestServer(singleUserProfile: "me")
        defer { server.cleanUp() }
        let now = server.clock.now / 1000
        try await server.app.test(.router) { client in
            let owner = Browser(client)
            try await owner.start()
            let before = String(buffer: try await owner.request("/live").body)
            #expect(before.contains("Give a scrobbler this server's address and your token from"))
            let phone = try server.deps.listens.createUser(named: "phone")
            try await submit(
                owner, token: phone.token, #"{"listen_type":"single","payload":[\#(listen(now - 200, "Teardrop", "Massive Attack", seconds: 330))]}"#)
            let own = try await mine(owner)
            #expect(own["has_scrobbles"] as? Bool == true && own["plays_today"] as? Int == 1 && own["minutes_today"] as? Int == 6)
            #expect((own["recent_today"] as? [[String: Any]])?.first?["track"] as? String == "Teardrop")
            #expect(own["playing_now"] == nil)
            let page = String(buffer: try await owner.request("/live").body)
            #expect(page.contains("Nothing playing right now.") && page.contains("Teardrop — Massive Attack"))
        }
    }
}
