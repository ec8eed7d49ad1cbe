import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import SegueLive
import SegueModel
import SegueStore

/// The ListenBrainz-compatible API at `/1/`, so Navidrome, Jellyfin, Pano Scrobbler, Web Scrobbler,
/// multi-scrobbler and `liblistenbrainz` can point at Segue. Token authentication, no session and
/// no CSRF token: these are API clients, not browsers. Answers are shaped like ListenBrainz's.
struct ListenBrainzController: Sendable {
    let listens: any ListenStore
    let hub: LiveHub?
    /// Where scrobbles become plays of their user's profile (issue 19), and whose charts are then stale.
    let plays: any PlayStore
    let cache: ChartCache
    /// On a single-user install every user's listens join this profile.
    let singleUserProfile: String?
    /// Milliseconds since 1970.
    let now: @Sendable () -> Int64

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("1")
        api.post("submit-listens", use: submit)
        api.get("validate-token", use: validateToken)
        api.get("user/:name/listens", use: userListens)
        api.get("user/:name/playing-now", use: playingNow)
        api.get("user/:name/listen-count", use: listenCount)
    }

    /// `{"code": N, "error": "…"}`, as ListenBrainz answers errors.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body: [String: Any] = ["code": status.code, "error": message]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return jsonResponse(data, status: status)
    }

    static func object(_ body: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return jsonResponse(data, status: status)
    }

    /// The token from `Authorization: Token T` (any case of "token").
    static func token(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "token" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    private func authenticate(_ request: Request) throws -> ListenUser? {
        guard let token = Self.token(request) else { return nil }
        return try listens.user(token: token)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = try authenticate(request) else {
            return Self.error(.unauthorized, "You need to provide an Authorization header.")
        }
        // 1,000 listens of at most 10,240 bytes each, plus the envelope.
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 11 * 1024 * 1024)
        } catch {
            return Self.error(.contentTooLarge, "Payload too large.")
        }
        let nowMillis = now()
        let submission: ListenBrainzSubmission
        do {
            submission = try ListenBrainzSubmission(body: Data(buffer: body), now: nowMillis / 1000)
        } catch {
            return Self.error(.badRequest, error.message)
        }
        switch submission.listenType {
        case .playingNow:
            // Playing-now is shown (by every node on one database), not stored as a listen; it
            // expires when the track would end (10 minutes when the client gives no duration).
            let l = submission.listens[0]
            try listens.setPlayingNow(
                userID: user.id, trackMetadataJSON: l.trackMetadataJSON, expiresMillis: nowMillis + Int64(l.durationMilliseconds ?? 600_000))
        case .single, .import:
            let stored = submission.listens.map {
                StoredListen(
                    userID: user.id, listenedAt: $0.listenedAt ?? nowMillis / 1000, artist: $0.artist, track: $0.track,
                    release: $0.release, insertedAt: nowMillis, metadataJSON: $0.trackMetadataJSON)
            }
            let fresh = try await listens.insert(stored)
            // Every listen is a play of the user's profile, in charts, stats and races from now on.
            // All of them, not only the new ones: the store keeps exact duplicates out, and a client
            // that resends after a failure here gets its plays stored.
            var scrobbles = PlayBatch()
            for (listen, row) in zip(submission.listens, stored) {
                let duration = listen.durationMilliseconds
                // The recording MBID the client sent, when it is one (others are left out).
                scrobbles.append(
                    Play(
                        kind: .music, endTime: row.listenedAt + Int64((duration ?? 0) / 1000),
                        msPlayed: duration ?? Int(unknownLength), title: listen.track, creator: listen.artist,
                        album: listen.release, source: .scrobble),
                    recordingMBID: RecordingIdentifier.mbid(listen.recordingMBID))
            }
            let profileName = singleUserProfile ?? user.profile
            let plays = self.plays
            let batch = scrobbles
            try await BlockingWork.run {
                let profile = try plays.profile(named: profileName)
                try plays.importPlays(into: profile) { _ = try $0.add(batch) }
            }
            cache.invalidate(profile: profileName)
            // Only new listens reach the live view: a client that resends is not counted twice.
            if let hub {
                await hub.ingest(
                    zip(stored, fresh).filter { $0.1 }.map {
                        LiveEvent(user: user.name, track: $0.0.track, artist: $0.0.artist, timeMilliseconds: $0.0.listenedAt * 1000)
                    })
            }
        }
        return Self.object(["status": "ok"])
    }

    @Sendable func validateToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = Self.token(request) ?? request.uri.queryParameters.get("token").map { String($0) }
        guard let token else { return Self.error(.badRequest, "You need to provide an Authorization token.") }
        guard let user = try listens.user(token: token) else {
            return Self.object(["code": 200, "message": "Token invalid.", "valid": false])
        }
        return Self.object(["code": 200, "message": "Token valid.", "valid": true, "user_name": user.name])
    }

    private func named(_ context: AppRequestContext) throws -> ListenUser? {
        guard let name = context.parameters.get("name") else { return nil }
        return try listens.user(named: name)
    }

    static func listenJSON(_ l: StoredListen, user: String) -> [String: Any] {
        let metadata = (try? JSONSerialization.jsonObject(with: Data(l.metadataJSON.utf8))) ?? [:]
        return [
            "listened_at": l.listenedAt, "inserted_at": l.insertedAt / 1000, "user_name": user,
            "recording_msid": Self.msid(l), "track_metadata": metadata,
        ]
    }

    /// A stable id for a listen's recording (ListenBrainz's MessyBrainz id is a UUID too).
    static func msid(_ l: StoredListen) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325
        var h2: UInt64 = 0x8422_2325_cbf2_9ce4
        for b in l.trackKey.utf8 {
            h1 = (h1 ^ UInt64(b)) &* 0x100_0000_01b3
            h2 = (h2 ^ UInt64(b)) &* 0x100_0000_01b3 &+ 1
        }
        let hex = String(format: "%016llx%016llx", h1, h2)
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }

    @Sendable func userListens(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = try named(context) else { return Self.error(.notFound, "Cannot find user: \(context.parameters.get("name") ?? "")") }
        let q = request.uri.queryParameters
        let minTs = q.get("min_ts").flatMap { Int64($0) }
        let maxTs = q.get("max_ts").flatMap { Int64($0) }
        if minTs != nil && maxTs != nil { return Self.error(.badRequest, "You may only specify max_ts or min_ts, not both.") }
        let count = min(1000, max(0, q.get("count").flatMap { Int($0) } ?? 25))
        let rows = try listens.listens(userID: user.id, minTs: minTs, maxTs: maxTs, count: count)
        let all = try listens.listens(userID: user.id, minTs: nil, maxTs: nil, count: 1)
        var payload: [String: Any] = [
            "count": rows.count, "user_id": user.name, "listens": rows.map { Self.listenJSON($0, user: user.name) },
        ]
        payload["latest_listen_ts"] = all.first?.listenedAt ?? 0
        payload["oldest_listen_ts"] = rows.last?.listenedAt ?? 0
        return Self.object(["payload": payload])
    }

    @Sendable func playingNow(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = try named(context) else { return Self.error(.notFound, "Cannot find user: \(context.parameters.get("name") ?? "")") }
        var listensJSON: [[String: Any]] = []
        if let current = try listens.playingNow(userID: user.id, nowMillis: now()) {
            let metadata = (try? JSONSerialization.jsonObject(with: Data(current.utf8))) ?? [:]
            listensJSON.append(["track_metadata": metadata, "playing_now": true, "user_name": user.name])
        }
        return Self.object(["payload": ["count": listensJSON.count, "user_id": user.name, "playing_now": true, "listens": listensJSON]])
    }

    @Sendable func listenCount(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = try named(context) else { return Self.error(.notFound, "Cannot find user: \(context.parameters.get("name") ?? "")") }
        return Self.object(["payload": ["count": try listens.listenCount(userID: user.id)]])
    }

}
