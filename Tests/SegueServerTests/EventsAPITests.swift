import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueLive
import SegueStore
import Testing

@testable import SegueServer

/// `POST /api/v1/events`, `GET /api/v1/live` and its stream, through the real router on a real
/// SQLite file.
@Suite struct EventsAPITests {
    func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    func post(_ client: some TestClientProtocol, _ body: String, token: String?, scheme: String = "Bearer") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-ndjson"]
        if let token { headers[.authorization] = "\(scheme) \(token)" }
        return try await client.execute(uri: "/api/v1/events", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// The test clock's second, and an ISO 8601 text for a time `offset` seconds from it.
    func iso(_ server: TestServer, _ offset: Int64) -> String {
        Date(timeIntervalSince1970: Double(server.clock.now / 1000 + offset)).formatted(.iso8601)
    }

    @Test func eventsAreStoredOnceAndReachTheSnapshot() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let (_, secret) = try server.deps.events.createIngestToken(name: "platform", scope: "ingest")
        let now = server.clock.now
        try await server.app.test(.router) { client in
            // Seconds, milliseconds and ISO 8601; NDJSON with a blank line and CRLF.
            let ndjson = """
                {"event_id":"e1","user_id":"u1","track":"Jóga","artist":"Björk","album":"Homogenic","ts":\(now / 1000 - 30)}\r
                {"event_id":"e2","user_id":42,"track":"Jóga","artist":"Björk","ts":\(now - 20_000)}

                {"user_id":"u2","track":"Teardrop","artist":"Massive Attack","ts":"\(iso(server, -10))"}
                """
            let first = try await post(client, ndjson, token: secret)
            #expect(first.status == .ok)
            let answer = try object(first)
            #expect(answer["received"] as? Int == 3 && answer["stored"] as? Int == 3 && answer["duplicates"] as? Int == 0)

            // A retry (here as a JSON array, with "Token") stores nothing and counts nothing twice.
            let array = """
                [{"event_id":"e1","user_id":"u1","track":"Jóga","artist":"Björk","ts":\(now / 1000 - 30)},
                 {"user_id":"u2","track":"Teardrop","artist":"Massive Attack","ts":"\(iso(server, -10))"},
                 {"event_id":"e3","user_id":"u3","track":"Teardrop","artist":"Massive Attack","ts":\(now / 1000 - 5)}]
                """
            let retry = try await post(client, array, token: secret, scheme: "Token")
            #expect(retry.status == .ok)
            let again = try object(retry)
            #expect(again["stored"] as? Int == 1 && again["duplicates"] as? Int == 2)
            #expect(try server.deps.events.eventCount() == 4)

            let live = try await client.execute(uri: "/api/v1/live?window=10m", method: .get)
            #expect(live.status == .ok)
            let snapshot = try object(live)
            #expect(snapshot["window_seconds"] as? Int == 600)
            #expect(snapshot["streams"] as? Int == 4 && snapshot["active_users"] as? Int == 4)
            let top = try #require(snapshot["top_song"] as? [String: Any])
            #expect(top["track"] as? String == "Jóga" && top["artist"] as? String == "Björk" && top["streams"] as? Int == 2)
            let board = try #require(snapshot["leaderboard"] as? [[String: Any]])
            #expect(board.map { $0["rank"] as? Int } == [1, 2])
            #expect(board.map { $0["streams"] as? Int } == [2, 2])
            let trend = try #require(snapshot["trend"] as? [String: Any])
            let minutes = try #require(trend["minutes"] as? [String])
            #expect(minutes.count == 10)
            let series = try #require(trend["series"] as? [[String: Any]])
            #expect(series.count == 2)
            #expect(series.map { ($0["counts"] as? [Int])?.reduce(0, +) } == [2, 2])
            let playing = try #require(snapshot["now_playing"] as? [[String: Any]])
            // Private by default: who plays is shown by track, without listener ids (`--live-show-listeners` adds them).
            #expect(playing.first?["user"] == nil && playing.first?["track"] as? String != nil)
            #expect(snapshot["as_of"] as? String != nil && snapshot["events_per_second"] != nil && snapshot["alerts"] is [Any])

            // The one-minute window holds only the last minute; a bad window is named.
            let minute = try object(try await client.execute(uri: "/api/v1/live?window=1m", method: .get))
            #expect(minute["window_seconds"] as? Int == 60 && minute["streams"] as? Int == 4)
            let bad = try await client.execute(uri: "/api/v1/live?window=7m", method: .get)
            #expect(bad.status == .badRequest)
            #expect((try object(bad)["error"] as? [String: Any])?["field"] as? String == "window")
        }
    }

    @Test func badRequestsStoreNothingAndNameTheEventAndField() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let (_, secret) = try server.deps.events.createIngestToken(name: nil, scope: "ingest")
        let lbUser = try server.deps.listens.createUser(named: "ana")
        let ts = server.clock.now / 1000
        try await server.app.test(.router) { client in
            let good = #"{"user_id":"u1","track":"A","ts":\#(ts)}"#
            #expect(try await post(client, good, token: nil).status == .unauthorized)
            #expect(try await post(client, good, token: "sgi_nope").status == .unauthorized)
            // A ListenBrainz user token is not an ingest token.
            #expect(try await post(client, good, token: lbUser.token).status == .unauthorized)

            func rejected(_ body: String, index: Int?, field: String?, _ comment: Comment) async throws {
                let response = try await post(client, body, token: secret)
                #expect(response.status == .badRequest, comment)
                let error = try #require(try object(response)["error"] as? [String: Any])
                #expect(error["index"] as? Int == index, comment)
                #expect(error["field"] as? String == field, comment)
                #expect((error["message"] as? String)?.isEmpty == false, comment)
            }
            try await rejected("\(good)\n{\"user_id\":\"u2\",\"ts\":\(ts)}", index: 1, field: "track", "missing track")
            try await rejected("\(good)\n\(good)\n{\"user_id\":true,\"track\":\"B\",\"ts\":\(ts)}", index: 2, field: "user_id", "boolean user")
            try await rejected("{\"user_id\":\"u\",\"track\":\"B\",\"ts\":1000}", index: 0, field: "ts", "before 2002")
            try await rejected("{\"user_id\":\"u\",\"track\":\"B\",\"ts\":\(ts + 7200)}", index: 0, field: "ts", "two hours ahead")
            try await rejected("{\"user_id\":\"u\",\"track\":\"B\",\"ts\":\"yesterday\"}", index: 0, field: "ts", "not a time")
            try await rejected("{\"user_id\":\"u\",\"track\":\"B\",\"ts\":\"2024-05-06T10:00:00\"}", index: 0, field: "ts", "no zone")
            try await rejected("{\"user_id\":\"u\",\"track\":[1],\"ts\":\(ts)}", index: 0, field: "track", "wrong type")
            try await rejected("{\"user_id\":\"u\",\"track\":\" \\t \",\"ts\":\(ts)}", index: 0, field: "track", "blank track")
            try await rejected("{\"user_id\":\"u\",\"track\":\"\u{3000}\",\"ts\":\(ts)}", index: 0, field: "track", "ideographic space only")
            try await rejected("{\"user_id\":\"a\\u0000b\",\"track\":\"B\",\"ts\":\(ts)}", index: 0, field: "user_id", "NUL")
            let long = String(repeating: "é", count: BulkEventBatch.maxTextLength + 1)
            try await rejected("{\"user_id\":\"u\",\"track\":\"B\",\"artist\":\"\(long)\",\"ts\":\(ts)}", index: 0, field: "artist", "too long")
            try await rejected("\(good)\n{not json", index: 1, field: nil, "malformed line")
            try await rejected("[\(good),", index: nil, field: nil, "malformed array")
            try await rejected("[\(good), 5]", index: 1, field: nil, "not an object")
            try await rejected("  ", index: nil, field: nil, "empty body")
            #expect(try server.deps.events.eventCount() == 0)

            let tooMany = Array(repeating: good, count: BulkEventBatch.maxEvents + 1).joined(separator: "\n")
            let large = try await post(client, tooMany, token: secret)
            #expect(large.status == .contentTooLarge)
            #expect(try server.deps.events.eventCount() == 0)
            let exactly = (0..<BulkEventBatch.maxEvents).map { #"{"event_id":"\#($0)","user_id":"u\#($0 % 7)","track":"A","ts":\#(ts)}"# }
            let full = try await post(client, exactly.joined(separator: "\n"), token: secret)
            #expect(full.status == .ok)
            #expect(try server.deps.events.eventCount() == BulkEventBatch.maxEvents)
            // The limit is in characters: 1,024 two-byte ones pass.
            let longest = String(repeating: "é", count: BulkEventBatch.maxTextLength)
            #expect(try await post(client, "{\"user_id\":\"u\",\"track\":\"\(longest)\",\"ts\":\(ts)}", token: secret).status == .ok)
        }
    }

    @Test func theWindowsAreRebuiltFromTheStoreAfterARestart() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let (_, secret) = try server.deps.events.createIngestToken(name: nil, scope: "ingest")
        let user = try server.deps.listens.createUser(named: "ana")
        let ts = server.clock.now / 1000
        try await server.app.test(.router) { client in
            let body = """
                {"event_id":"1","user_id":"u1","track":"Hyperballad","artist":"Björk","ts":\(ts - 120)}
                {"event_id":"2","user_id":"u2","track":"Hyperballad","artist":"Björk","ts":\(ts - 7200)}
                {"event_id":"3","user_id":"u3","track":"Old","artist":"Gone","ts":\(ts - 2 * 86_400)}
                """
            #expect(try await post(client, body, token: secret).status == .ok)
            let listen =
                #"{"listen_type":"single","payload":[{"listened_at":\#(ts - 60),"track_metadata":{"artist_name":"Björk","track_name":"Jóga"}}]}"#
            let ok = try await client.execute(
                uri: "/1/submit-listens", method: .post, headers: [.authorization: "Token \(user.token)"], body: ByteBuffer(string: listen))
            #expect(ok.status == .ok)
        }
        // A fresh process over the same folder: a new hub, rebuilt from listens.sqlite.
        let again = try TestServer.reopen(server)
        try await again.app.test(.router) { client in
            let tenMinutes = try object(try await client.execute(uri: "/api/v1/live?window=10m", method: .get))
            #expect(tenMinutes["streams"] as? Int == 2 && tenMinutes["active_users"] as? Int == 2)
            let day = try object(try await client.execute(uri: "/api/v1/live?window=24h", method: .get))
            #expect(day["streams"] as? Int == 3)
            #expect((day["top_song"] as? [String: Any])?["track"] as? String == "Hyperballad")
        }
        // Nothing restored counts as late.
        let snapshot = try #require(await again.deps.live.snapshot(windowSeconds: 600))
        #expect(snapshot.lateEvents == 0)
    }

    @Test func theStreamPushesSnapshotsOnChangeAndHeartbeats() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let hub = server.deps.live
        try await server.app.test(.router) { client in
            let reading = Task {
                try await client.execute(uri: "/api/v1/live/stream?window=1m&limit=4", method: .get)
            }
            // Wait for the stream to subscribe (bounded), then change what it shows step by step.
            for _ in 0..<200 where await hub.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await hub.subscriberCount == 1)
            await hub.tick()  // nothing changed: no event
            try await Task.sleep(for: .milliseconds(200))
            await hub.ingest([LiveEvent(user: "u1", track: "Jóga", artist: "Björk", timeMilliseconds: server.clock.now - 1_000)])
            await hub.tick()  // a new snapshot
            try await Task.sleep(for: .milliseconds(200))
            await hub.tick()  // unchanged, and too soon for a heartbeat
            try await Task.sleep(for: .milliseconds(200))
            server.clock.advance(seconds: 11)
            await hub.tick()  // the events-per-second figure fell to 0: a snapshot
            try await Task.sleep(for: .milliseconds(200))
            server.clock.advance(seconds: 16)
            await hub.tick()  // nothing visible changed for 16 s: a heartbeat
            let response = try await reading.value
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = String(buffer: response.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(
                events.map { $0.components(separatedBy: "\n")[0] } == [
                    "event: snapshot", "event: snapshot", "event: snapshot", "event: heartbeat",
                ])
            let data = events.map { Data($0.components(separatedBy: "\n")[1].dropFirst("data: ".count).utf8) }
            let views = try data.prefix(3).map { try #require(try JSONSerialization.jsonObject(with: $0) as? [String: Any]) }
            #expect(views.map { $0["streams"] as? Int } == [0, 1, 1])
            #expect(views.map { $0["events_per_second"] as? Double } == [0, 0.1, 0])
        }
    }

    @Test func alertsGoOutAsTheirOwnEvents() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        let hub = server.deps.live
        try await server.app.test(.router) { client in
            let reading = Task {
                try await client.execute(uri: "/api/v1/live/stream?window=10m&limit=4", method: .get)
            }
            for _ in 0..<200 where await hub.subscriberCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: .milliseconds(200))
            // Six minutes of 100 streams, then a minute of 400, all closed when the clock moves on.
            let minute = server.clock.now / 60_000 * 60_000
            var events: [LiveEvent] = []
            for m in 0..<7 {
                let start = minute - Int64(7 - m) * 60_000
                for k in 0..<(m == 6 ? 400 : 100) {
                    events.append(LiveEvent(user: "u\(k)", track: "Jóga", artist: "Björk", timeMilliseconds: start + Int64(k % 60) * 1000))
                }
            }
            await hub.ingest(events)
            server.clock.advance(seconds: 1)
            await hub.tick()
            let response = try await reading.value
            let parts = String(buffer: response.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(parts.map { $0.components(separatedBy: "\n")[0] } == ["event: snapshot", "event: snapshot", "event: alert", "event: alert"])
            let alerts = try parts.suffix(2).map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.components(separatedBy: "\n")[1].dropFirst(6).utf8)) as? [String: Any])
            }
            #expect(alerts.map { $0["scope"] as? String } == ["total", "track"])
            #expect(alerts.map { $0["kind"] as? String } == ["spike", "spike"])
            #expect(alerts.map { $0["observed"] as? Int } == [400, 400])
            #expect(alerts[1]["track"] as? String == "Jóga" && alerts[0]["track"] == nil)
            let expected = Date(timeIntervalSince1970: Double(minute / 1000 - 60)).formatted(.iso8601)
            #expect(alerts.allSatisfy { $0["at"] as? String == expected })
        }
    }
}
