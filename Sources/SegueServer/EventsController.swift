import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat
import SegueLive
import SegueStore

/// The platform side of live listening: `POST /api/v1/events` (bulk events with an ingest token),
/// `GET /api/v1/live` (a snapshot of one window) and `GET /api/v1/live/stream` (the same, pushed
/// over server-sent events). No session: platforms and dashboards are API clients.
struct EventsController: Sendable {
    let events: any EventStore
    let hub: LiveHub
    /// Milliseconds since 1970.
    let now: @Sendable () -> Int64
    /// Seconds without a snapshot or alert after which the stream sends a heartbeat.
    var heartbeatSeconds: Int64 = 15
    /// Whether snapshots name listeners (`--live-show-listeners`); private by default.
    let showListeners: Bool
    /// Every subscriber of a window gets the same snapshot each tick: it is encoded once.
    let encoded: EncodedSnapshots

    init(events: any EventStore, hub: LiveHub, now: @escaping @Sendable () -> Int64, showListeners: Bool = false) {
        self.events = events
        self.hub = hub
        self.now = now
        self.showListeners = showListeners
        self.encoded = EncodedSnapshots(showListeners: showListeners)
    }

    /// Largest body accepted: 10,000 events of about 1.6 KB each.
    static let maxBodyBytes = 16 * 1024 * 1024

    /// - Parameter reads: where the snapshot routes go: the open router, or behind the login on a
    ///   password-protected install.
    func register(on router: Router<AppRequestContext>, reads: RouterGroup<AppRequestContext>) {
        router.group("api/v1").post("events", use: postEvents)
        let api = reads.group("api/v1")
        api.get("live", use: live)
        api.get("live/stream", use: stream)
    }

    // MARK: Ingest

    /// `Authorization: Bearer T` or `Token T` (any case).
    static func token(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, ["bearer", "token"].contains(parts[0].lowercased()) else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// `{"error": {"status": N, "message": "…", "index": i, "field": "f"}}`: the usual API error,
    /// with the offending event's position and field when there is one.
    static func failure(_ status: HTTPResponse.Status, _ message: String, index: Int? = nil, field: String? = nil) -> Response {
        var inner: [String: Any] = ["status": status.code, "message": message]
        if let index { inner["index"] = index }
        if let field { inner["field"] = field }
        let data = (try? JSONSerialization.data(withJSONObject: ["error": inner], options: [.sortedKeys])) ?? Data()
        var response = jsonResponse(data, status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }

    struct Accepted: Encodable {
        var received: Int
        var stored: Int
        var duplicates: Int
    }

    @Sendable func postEvents(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let secret = Self.token(request) else {
            return Self.failure(
                .unauthorized, "An ingest token is required: send Authorization: Bearer TOKEN (`segue tokens create --scope ingest` makes one).")
        }
        guard let token = try events.ingestToken(secret: secret), token.scope == "ingest" else {
            return Self.failure(.unauthorized, "The ingest token is not one this server knows.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            return Self.failure(.contentTooLarge, "The body is larger than \(Self.maxBodyBytes / (1024 * 1024)) MB.")
        }
        let received = now()
        let batch: [BulkEvent]
        do {
            batch = try BulkEventBatch.parse(Data(buffer: body), now: received)
        } catch {
            switch error {
            case .tooMany: return Self.failure(.contentTooLarge, error.description)
            case .invalid(let index, let field, _): return Self.failure(.badRequest, error.description, index: index, field: field)
            }
        }
        let rows = batch.map {
            StoredEvent(
                tokenID: token.id, eventID: $0.eventID, user: $0.user, track: $0.track, artist: $0.artist, album: $0.album,
                time: $0.timeMilliseconds, insertedAt: received)
        }
        // Answered only after the group commit has made them durable.
        let fresh = try await events.appendEvents(rows)
        var live: [LiveEvent] = []
        live.reserveCapacity(batch.count)
        for (event, isNew) in zip(batch, fresh) where isNew {
            live.append(LiveEvent(user: event.user, track: event.track, artist: event.artist ?? "", timeMilliseconds: event.timeMilliseconds))
        }
        if !live.isEmpty { await hub.ingest(live) }
        return try json(Accepted(received: batch.count, stored: live.count, duplicates: batch.count - live.count))
    }

    // MARK: Snapshot and push

    /// One of `LiveWindowChoice.all` by name (the default is `10m`); nil for anything else.
    static func windowSeconds(_ request: Request) -> Int? {
        guard let text = request.uri.queryParameters.get("window") else { return LiveHub.defaultWindow }
        return LiveWindowChoice.named(text)?.seconds
    }

    static let badWindow = "The window (window) must be one of \(LiveWindowChoice.all.map(\.name).joined(separator: ", "))."

    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let seconds = Self.windowSeconds(request), let snapshot = await hub.snapshot(windowSeconds: seconds) else {
            return Self.failure(.badRequest, Self.badWindow, field: "window")
        }
        return jsonResponse(try encodedJSON(LiveView(snapshot, showListeners: showListeners)))
    }

    /// `event: snapshot` when the window's numbers change (checked on every hub tick, ten times a
    /// second), `event: alert` for each new alert, `event: heartbeat` after `heartbeatSeconds`
    /// without either. `?limit=N` closes the stream after N events (for tests and scripts).
    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        var limit: Int?
        if let text = request.uri.queryParameters.get("limit") {
            guard let n = Int(text), n > 0 else {
                return Self.failure(.badRequest, "The number of events (limit) must be a positive whole number.", field: "limit")
            }
            limit = n
        }
        guard let seconds = Self.windowSeconds(request), let snapshots = await hub.subscribe(windowSeconds: seconds) else {
            return Self.failure(.badRequest, Self.badWindow, field: "window")
        }
        let now = self.now
        let encoded = self.encoded
        let heartbeat = heartbeatSeconds * 1000
        let maxEvents = limit
        let body = ResponseBody { writer in
            var sent = 0
            var lastShown: LiveSnapshot?
            var lastAlert = Int64.min
            var lastWrite = now()
            streaming: for await snapshot in snapshots {
                var outgoing: [(event: String, data: Data)] = []
                // Only what a viewer can see counts as a change: not the clock alone.
                var comparable = snapshot
                comparable.time = 0
                if comparable != lastShown {
                    outgoing.append(("snapshot", try encoded.json(snapshot)))
                    // Alerts raised after the first snapshot also go out on their own.
                    for alert in snapshot.alerts where lastShown != nil && alert.minute > lastAlert {
                        outgoing.append(("alert", try encodedJSON(LiveView.Alert(alert))))
                    }
                    lastAlert = snapshot.alerts.map(\.minute).max() ?? lastAlert
                    lastShown = comparable
                } else if now() - lastWrite >= heartbeat {
                    outgoing.append(("heartbeat", try encodedJSON(["as_of": iso8601(Double(snapshot.time) / 1000)])))
                }
                for item in outgoing {
                    var buffer = ByteBuffer(string: "event: \(item.event)\ndata: ")
                    buffer.writeBytes(item.data)
                    buffer.writeString("\n\n")
                    try await writer.write(buffer)
                    lastWrite = now()
                    sent += 1
                    if let maxEvents, sent >= maxEvents { break streaming }
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }
}

/// The JSON of the latest snapshot of each window, so that a thousand SSE subscribers cost one
/// encoding per tick, not a thousand.
final class EncodedSnapshots: @unchecked Sendable {
    /// Whether the views name listeners (`--live-show-listeners`).
    let showListeners: Bool
    private struct Key: Equatable {
        var time: Int64
        var totalEvents: Int
        var lateEvents: Int
        var streams: Int
    }
    private let lock = NSLock()
    private var latest: [Int: (key: Key, json: Data)] = [:]

    init(showListeners: Bool) {
        self.showListeners = showListeners
    }

    func json(_ snapshot: LiveSnapshot) throws -> Data {
        // A window's snapshot changes only with its clock or with the events it took.
        let key = Key(time: snapshot.time, totalEvents: snapshot.totalEvents, lateEvents: snapshot.lateEvents, streams: snapshot.streams)
        lock.lock()
        if let cached = latest[snapshot.windowSeconds], cached.key == key {
            lock.unlock()
            return cached.json
        }
        lock.unlock()
        let json = try encodedJSON(LiveView(snapshot, showListeners: showListeners))
        lock.lock()
        latest[snapshot.windowSeconds] = (key, json)
        lock.unlock()
        return json
    }
}

/// A snapshot as `/api/v1/live` and its stream show it (snake_case, ISO 8601 times).
struct LiveView: Encodable {
    struct Song: Encodable {
        var track: String
        var artist: String
        var streams: Int
    }
    struct Ranked: Encodable {
        var rank: Int
        var track: String
        var artist: String
        var streams: Int
    }
    struct Series: Encodable {
        var track: String
        var artist: String
        var counts: [Int]
    }
    struct Trend: Encodable {
        /// Start of each minute, oldest first; the last one is in progress.
        var minutes: [String]
        /// All streams per minute.
        var streams: [Int]
        var series: [Series]
    }
    struct Alert: Encodable {
        var kind: String
        /// `total` (all streams) or `track` (one of the top five).
        var scope: String
        var track: String?
        var artist: String?
        var at: String
        var observed: Int
        var expected: Double
        var score: Double

        init(_ a: LiveAlert) {
            kind = a.kind.rawValue
            scope = a.track == nil ? "total" : "track"
            track = a.track
            artist = a.artist
            at = iso8601(Double(a.minute))
            observed = a.streams
            expected = (a.baseline * 100).rounded() / 100
            score = (a.score * 100).rounded() / 100
        }
    }
    struct Playing: Encodable {
        /// The listener's id, only with `--live-show-listeners` (absent otherwise).
        var user: String?
        var track: String
        var artist: String
        var at: String
    }

    var window_seconds: Int
    var as_of: String
    var streams: Int
    var active_users: Int
    var events_per_second: Double
    var top_song: Song?
    var leaderboard: [Ranked]
    var trend: Trend
    var alerts: [Alert]
    var now_playing: [Playing]

    /// - Parameter showListeners: include listener ids in `now_playing` (`--live-show-listeners`); without it the
    ///   view holds counts, tracks and alerts only.
    init(_ s: LiveSnapshot, showListeners: Bool) {
        window_seconds = s.windowSeconds
        as_of = iso8601(Double(s.time) / 1000)
        streams = s.streams
        active_users = s.activeUsers
        events_per_second = (s.eventsPerSecond * 10).rounded() / 10
        top_song = s.topTrack.map { Song(track: $0.track, artist: $0.artist, streams: $0.streams) }
        leaderboard = s.leaderboard.enumerated().map {
            Ranked(rank: $0.offset + 1, track: $0.element.track, artist: $0.element.artist, streams: $0.element.streams)
        }
        trend = Trend(
            minutes: s.trend.map { iso8601(Double($0.minute)) }, streams: s.trend.map(\.streams),
            series: s.series.map { Series(track: $0.track, artist: $0.artist, counts: $0.counts) })
        alerts = s.alerts.map(Alert.init)
        now_playing = s.nowPlaying.map {
            Playing(user: showListeners ? $0.user : nil, track: $0.track, artist: $0.artist, at: iso8601(Double($0.time) / 1000))
        }
    }

    func encode(to encoder: any Encoder) throws {
        // Always write top_song, as null when nothing plays (synthesised encoding would leave it out).
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(window_seconds, forKey: .window_seconds)
        try c.encode(as_of, forKey: .as_of)
        try c.encode(streams, forKey: .streams)
        try c.encode(active_users, forKey: .active_users)
        try c.encode(events_per_second, forKey: .events_per_second)
        try c.encode(top_song, forKey: .top_song)
        try c.encode(leaderboard, forKey: .leaderboard)
        try c.encode(trend, forKey: .trend)
        try c.encode(alerts, forKey: .alerts)
        try c.encode(now_playing, forKey: .now_playing)
    }

    enum CodingKeys: String, CodingKey {
        case window_seconds, as_of, streams, active_users, events_per_second, top_song, leaderboard, trend, alerts, now_playing
    }
}
