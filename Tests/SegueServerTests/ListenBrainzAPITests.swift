import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueLive
import SegueModel
import SegueStore
import SegueStoreSQLite
import SegueTestSupport
import Testing

@testable import SegueServer

/// The `/1/` API through the real router, answering like ListenBrainz.
@Suite struct ListenBrainzAPITests {
    let now: Int64 = 1_700_000_000_000

    func app() throws -> (some ApplicationProtocol, SQLiteListenStore, LiveHub, ListenUser) {
        let (app, store, hub, user, _) = try appWithPlays()
        return (app, store, hub, user)
    }

    func appWithPlays() throws -> (some ApplicationProtocol, SQLiteListenStore, LiveHub, ListenUser, SQLitePlayStore) {
        let folder = try Fixtures.folder("lb")
        let store = try SQLiteListenStore(path: folder.appendingPathComponent("listens.sqlite").path)
        let plays = try SQLitePlayStore(path: folder.appendingPathComponent("segue.sqlite").path)
        let user = try store.createUser(named: "ana")
        let now = self.now
        let hub = LiveHub(now: { now })
        let router = Router(context: AppRequestContext.self)
        ListenBrainzController(
            listens: store, hub: hub, plays: plays, cache: ChartCache(now: { now }), singleUserProfile: nil, now: { now }
        ).register(on: router)
        return (Application(router: router), store, hub, user, plays)
    }

    @Test func scrobblesArePlaysOfTheUsersProfile() async throws {
        let (app, _, _, user, plays) = try appWithPlays()
        try await app.test(.router) { client in
            let body = #"{"listen_type":"import","payload":[\#(listen(1_699_990_000, "Army of Me")),\#(listen(1_699_999_700, "Army of Me"))]}"#
            let ok = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: body))
            #expect(ok.status == .ok)
            // Sent twice (a client retrying): stored once.
            _ = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: body))
            // With the recording's MBID (upper case, as some clients send it): the track keeps it.
            let single =
                #"{"listen_type":"single","payload":[{"listened_at":1699999900,"track_metadata":{"artist_name":"björk","track_name":"army of me","additional_info":{"recording_mbid":"0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"}}}]}"#
            _ = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: single))
        }
        let profile = try plays.profile(named: "ana")
        let top = try plays.top(ChartQuery(kind: .tracks, metric: .streams, limit: 10), profile: profile)
        // Three listens of one track (names normalised); the one without a duration counts its length.
        #expect(top.map(\.name) == ["Army of Me"] || top.map(\.name) == ["army of me"])
        #expect(top.first?.streams == 3 && top.first?.milliseconds == 600_000)
        let stats = try plays.stats(range: .all, timeZone: .gmt, profile: profile)
        #expect(stats.musicPlays == 3 && stats.playsWithoutLength == 1)
        // A file tagged with that recording id matches the three plays, whatever its names.
        let index = ListeningIndex(try plays.musicColumns(profile: profile))
        #expect(
            index.listening(artist: "Björk", title: "Army of Me (Remix)", album: nil, isrc: nil, mbid: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")?.plays
                == 3)
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func listen(_ at: Int64, _ track: String) -> String {
        #"{"listened_at":\#(at),"track_metadata":{"artist_name":"Björk","track_name":"\#(track)","release_name":"Post","additional_info":{"duration_ms":200000,"submission_client":"test"}}}"#
    }

    @Test func submitValidateAndReadBack() async throws {
        let (app, _, hub, user) = try app()
        try await app.test(.router) { client in
            // No Content-Type, lower-case "token": both as real clients send them.
            let body =
                #"{"listen_type":"import","payload":[\#(listen(1_699_990_000, "Army of Me")),\#(listen(1_699_999_700, "Hyperballad")),\#(listen(1_699_990_000, "Army of Me"))]}"#
            let ok = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "token \(user.token)"], body: ByteBuffer(string: body))
            #expect(ok.status == .ok)
            #expect(try json(ok)["status"] as? String == "ok")

            let valid = try await client.execute(uri: "/1/validate-token", method: .get, headers: [.authorization: "Token \(user.token)"])
            let validBody = try json(valid)
            #expect(validBody["valid"] as? Bool == true && validBody["user_name"] as? String == "ana")
            let invalid = try await client.execute(uri: "/1/validate-token", method: .get, headers: [.authorization: "Token nope"])
            let invalidBody = try json(invalid)
            #expect(invalid.status == .ok && invalidBody["valid"] as? Bool == false)
            #expect(try await client.execute(uri: "/1/validate-token", method: .get).status == .badRequest)

            let listens = try await client.execute(uri: "/1/user/ana/listens?count=10", method: .get)
            let payload = try #require(try json(listens)["payload"] as? [String: Any])
            #expect(payload["count"] as? Int == 2)  // the duplicate was stored once
            let rows = try #require(payload["listens"] as? [[String: Any]])
            #expect(rows.map { $0["listened_at"] as? Int } == [1_699_999_700, 1_699_990_000])
            #expect((rows[0]["track_metadata"] as? [String: Any])?["track_name"] as? String == "Hyperballad")
            #expect(payload["latest_listen_ts"] as? Int == 1_699_999_700)
            let older = try await client.execute(uri: "/1/user/ana/listens?max_ts=1699999700", method: .get)
            #expect(((try json(older)["payload"] as? [String: Any])?["listens"] as? [Any])?.count == 1)

            let count = try await client.execute(uri: "/1/user/ana/listen-count", method: .get)
            #expect((try json(count)["payload"] as? [String: Any])?["count"] as? Int == 2)
            #expect(try await client.execute(uri: "/1/user/nobody/listen-count", method: .get).status == .notFound)
        }
        // Accepted listens reach the live view (the older one is outside its 10-minute window).
        let snapshot = await hub.tick()
        #expect(snapshot.streams == 1 && snapshot.topTrack?.track == "Hyperballad")
        // A resent listen is stored once and counted once.
        try await app.test(.router) { client in
            let again = #"{"listen_type":"single","payload":[\#(listen(1_699_999_700, "Hyperballad"))]}"#
            let ok = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: again))
            #expect(ok.status == .ok)
        }
        #expect(await hub.tick().streams == 1)
    }

    @Test func errorsLookLikeListenBrainz() async throws {
        let (app, _, _, user) = try app()
        try await app.test(.router) { client in
            let noToken = try await client.execute(uri: "/1/submit-listens", method: .post, body: ByteBuffer(string: "{}"))
            #expect(noToken.status == .unauthorized)
            #expect(try json(noToken)["code"] as? Int == 401)
            let badToken = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token wrong"], body: ByteBuffer(string: "{}"))
            #expect(badToken.status == .unauthorized)
            let bad = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"],
                body: ByteBuffer(
                    string: #"{"listen_type":"single","payload":[{"listened_at":1000,"track_metadata":{"artist_name":"A","track_name":"T"}}]}"#))
            #expect(bad.status == .badRequest)
            let body = try json(bad)
            #expect(body["code"] as? Int == 400 && (body["error"] as? String)?.contains("2002-10-01") == true)
        }
    }

    @Test func playingNowIsShownNotStored() async throws {
        let (app, store, _, user) = try app()
        try await app.test(.router) { client in
            let body = #"{"listen_type":"playing_now","payload":[{"track_metadata":{"artist_name":"Sigur Rós","track_name":"Hoppípolla"}}]}"#
            let ok = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: body))
            #expect(ok.status == .ok)
            let now = try await client.execute(uri: "/1/user/ana/playing-now", method: .get)
            let payload = try #require(try json(now)["payload"] as? [String: Any])
            #expect(payload["count"] as? Int == 1)
            let first = (payload["listens"] as? [[String: Any]])?.first?["track_metadata"] as? [String: Any]
            #expect(first?["track_name"] as? String == "Hoppípolla")
        }
        #expect(try store.listenCount(userID: user.id) == 0)
    }

    @Test func theServerAnswersAtTheRootPath() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let user = try server.deps.listens.createUser(named: "ben")
        try await server.app.test(.router) { client in
            let body = #"{"listen_type":"single","payload":[\#(listen(1_699_999_900, "Jóga"))]}"#
            let ok = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: body))
            #expect(ok.status == .ok)
            let count = try await client.execute(uri: "/1/user/ben/listen-count", method: .get)
            #expect((try json(count)["payload"] as? [String: Any])?["count"] as? Int == 1)
        }
    }

    @Test func theLiveDashboardGetsPushedSnapshots() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let user = try server.deps.listens.createUser(named: "cy")
        let nowSeconds = server.deps.environment.now() / 1000
        try await server.app.test(.router) { client in
            let body =
                #"{"listen_type":"import","payload":[\#(listen(nowSeconds - 30, "Jóga")),\#(listen(nowSeconds - 20, "Jóga")),\#(listen(nowSeconds - 10, "Bachelorette"))]}"#
            let ok = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: body))
            #expect(ok.status == .ok)
            await server.deps.live.tick()
            let page = try await client.execute(uri: "/live", method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"live\"") && html.contains("aria-current=\"page\">Live<"))
            let events = try await client.execute(uri: "/live/events?limit=1", method: .get)
            #expect(events.headers[.contentType] == "text/event-stream")
            let text = String(buffer: events.body)
            #expect(text.hasPrefix("event: snapshot\ndata: "))
            let json = try #require(text.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
            let snapshot = try JSONDecoder().decode(LiveSnapshot.self, from: Data(json.utf8))
            #expect(snapshot.streams == 3 && snapshot.activeUsers == 1)
            #expect(snapshot.leaderboard.first?.track == "Jóga" && snapshot.leaderboard.first?.streams == 2)
        }
    }
}
