import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueLive
import SegueKafka
import SegueStore

/// The live dashboard: streams and active users in the last 10 minutes, the top song, a
/// leaderboard, per-minute trend lines and alerts, pushed over server-sent events (no polling);
/// and the visitor's own listening (`OwnListening`), which the page polls every 20 seconds.
struct LiveController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("live", use: page)
        group.get("live/events", use: events)
        group.get("api/v1/live/mine", use: mine)
    }

    /// `GET /api/v1/live/mine`: the visitor's own listening (`OwnListening`), which the page polls.
    func mine(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        return try json(try own(profileName: s.profileName))
    }

    func own(profileName: String) throws -> OwnListening {
        try OwnListening.of(profileName: profileName, deps: deps, timeZone: PagePreferences.current.timeZone, nowMillis: deps.environment.now())
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let windows = [("1m", "1 min"), ("5m", "5 min"), ("10m", "10 min"), ("1h", "1 hour"), ("24h", "24 hours")]
        let sourceLine = Self.sourceLine(deps.configuration)
        let own = try self.own(profileName: s.profileName)
        let singleUser = deps.configuration.singleUserProfile != nil
        let body = """
            <section class="live" id="live" data-stream="/api/v1/live/stream" aria-live="polite">
              <div class="live-head">
                <h1>Live <span class="pulse" aria-hidden="true"></span></h1>
                <label class="window">Window <select id="live-window">\(options(windows, selected: "10m"))</select></label>
              </div>
              <p class="lead">Listening as it happens, pushed to this page as events arrive: scrobbles from Navidrome,
              Jellyfin, Pano Scrobbler, Web Scrobbler or multi-scrobbler, and a platform's events posted to
              <code>/api/v1/events</code>.</p>
              <p class="muted live-source" id="live-source">\(sourceLine)</p>
              <div class="totals kpis">
                <div class="stat"><span class="v" id="live-streams">0</span><span class="l" id="live-streams-label">streams, last 10 min</span></div>
                <div class="stat"><span class="v" id="live-users">0</span><span class="l">active listeners</span></div>
                <div class="stat"><span class="v" id="live-eps">0</span><span class="l">events per second</span></div>
                <div class="stat top-stat"><span class="v" id="live-top">Nothing yet.</span><span class="l">on top right now</span></div>
              </div>
              <section class="card own" id="live-own" data-src="/api/v1/live/mine" aria-labelledby="live-own-h">
                <h2 id="live-own-h">Your listening</h2>
                <div class="own-body" id="live-own-body">\(own.html(singleUser: singleUser))</div>
              </section>
              <div class="split">
                <div class="card"><h2>Top 10</h2><ol class="leaderboard" id="live-board"></ol></div>
                <div class="card"><h2>Top 5, streams per minute</h2><div id="live-trend" role="img" aria-label="Streams per minute of the top five tracks"></div>
                  <ul class="legend" id="live-legend"></ul></div>
              </div>
              <div class="split">
                <div class="card"><h2>Alerts</h2><ul class="alerts" id="live-alerts"><li class="muted">No spikes or drops.</li></ul></div>
                <div class="card"><h2>Playing now</h2><ul class="playing" id="live-playing"><li class="muted">Nobody yet.</li></ul></div>
              </div>
              <p class="muted" id="live-status" role="status">Connecting…</p>
            </section>
            """
        let hasData = (try? APIController(deps: deps).hasData(s)) ?? false
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: layout(page: .live, title: "Live", csrf: s.csrfToken, hasData: hasData, body: body))))
    }

    /// Where this page's events come from, as one sentence of HTML. The Kafka topic and group are
    /// named; the brokers' addresses are not (the page may be open to anyone).
    static func sourceLine(_ configuration: ServerConfiguration) -> String {
        var sources = ["the ListenBrainz API", "<code>POST /api/v1/events</code>"]
        if let kafka = configuration.kafka {
            sources.append("the Kafka topic <code>\(escapeHTML(kafka.topic))</code> (consumer group <code>\(escapeHTML(kafka.group))</code>)")
        }
        if configuration.database != nil { sources.append("what other nodes of this database store") }
        let list = sources.dropLast().joined(separator: ", ") + " and " + sources.last!
        return "Events come from \(list)."
    }

    /// `event: snapshot` with the snapshot as JSON, each time the hub publishes (ten times a second);
    /// `?limit=N` closes the stream after N snapshots (for tests and scripts).
    func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) }
        let hub = deps.live
        let showListeners = deps.configuration.liveShowListeners
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = ResponseBody { writer in
            var sent = 0
            for await var snapshot in await hub.subscribe() {
                // Private by default: who is playing is shown without listener ids.
                if !showListeners { snapshot.nowPlaying = snapshot.nowPlaying.map { var p = $0; p.user = ""; return p } }
                let json = String(decoding: try encoder.encode(snapshot), as: UTF8.self)
                try await writer.write(ByteBuffer(string: "event: snapshot\ndata: \(json)\n\n"))
                sent += 1
                if let limit, sent >= limit { break }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }
}
