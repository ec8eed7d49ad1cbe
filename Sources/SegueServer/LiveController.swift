import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueLive

/// The live dashboard: streams and active users in the last 10 minutes, the top song, a
/// leaderboard, per-minute trend lines and alerts, pushed over server-sent events (no polling).
struct LiveController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("live", use: page)
        group.get("live/events", use: events)
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let body = """
            <section class="live" id="live" data-events="/live/events" aria-live="polite">
              <h1>Live <span class="pulse" aria-hidden="true"></span></h1>
              <p class="lead">Listening as it happens over the last 10 minutes, pushed to this page as events arrive.
              Point a scrobbler (Navidrome, Jellyfin, Pano Scrobbler, Web Scrobbler, multi-scrobbler) at this server's
              ListenBrainz API: <code>segue users add NAME</code> prints the token.</p>
              <div class="totals">
                <div class="stat"><span class="v" id="live-streams">0</span><span class="l">streams, last 10 min</span></div>
                <div class="stat"><span class="v" id="live-users">0</span><span class="l">active users</span></div>
              </div>
              <div class="card"><h2>On top right now</h2><p class="top-now" id="live-top">Nothing yet.</p></div>
              <div class="split">
                <div class="card"><h2>Leaderboard</h2><ol class="leaderboard" id="live-board"></ol></div>
                <div class="card"><h2>Streams per minute</h2><div id="live-trend" role="img" aria-label="Streams per minute"></div>
                  <h2>Alerts</h2><ul class="alerts" id="live-alerts"><li class="muted">No spikes or drops.</li></ul></div>
              </div>
              <p class="muted" id="live-status" role="status">Connecting…</p>
            </section>
            """
        let hasData = (try? APIController(deps: deps).hasData(s)) ?? false
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: layout(page: .live, title: "Live", csrf: s.csrfToken, hasData: hasData, body: body))))
    }

    /// `event: snapshot` with the snapshot as JSON, each time the hub publishes (four times a second);
    /// `?limit=N` closes the stream after N snapshots (for tests and scripts).
    func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) }
        let hub = deps.live
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = ResponseBody { writer in
            var sent = 0
            for await snapshot in await hub.subscribe() {
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
