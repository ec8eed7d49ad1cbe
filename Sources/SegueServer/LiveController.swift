import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueKafka
import SegueLive
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

    /// What `live.mustache` shows.
    struct PageView {
        let windows: [OptionView]
        /// Each window's words after a figure, by name, as JSON for the script.
        let windowPhrases: String
        let sources: [Source]
        let own: OwnListening.View
    }

    /// One place the page's events come from, with what comes before its name in the sentence.
    struct Source {
        struct Kafka {
            let topic: String
            let group: String
        }

        var separator = ""
        var listenBrainz = false
        var eventsAPI = false
        var kafka: Kafka?
        var otherNodes = false
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let own = try self.own(profileName: s.profileName)
        let view = PageView(
            windows: options(LiveWindowChoice.all.map { ($0.name, $0.label) }, selected: "10m"),
            windowPhrases: (try? encodeJSON(Dictionary(uniqueKeysWithValues: LiveWindowChoice.all.map { ($0.name, $0.phrase) }))) ?? "{}",
            sources: Self.sources(deps.configuration),
            own: own.view(singleUser: deps.configuration.singleUserProfile != nil))
        let hasData = (try? APIController(deps: deps).hasData(s)) ?? false
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(
                byteBuffer: ByteBuffer(
                    string: layout(page: .live, title: "Live", csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("live", view)))))
    }

    /// Where this page's events come from, in the order the sentence names them ("A, B and C"). The Kafka topic
    /// and group are named; the brokers' addresses are not (the page may be open to anyone).
    static func sources(_ configuration: ServerConfiguration) -> [Source] {
        var sources = [Source(listenBrainz: true), Source(eventsAPI: true)]
        if let kafka = configuration.kafka { sources.append(Source(kafka: .init(topic: kafka.topic, group: kafka.group))) }
        if configuration.database != nil { sources.append(Source(otherNodes: true)) }
        for i in sources.indices.dropFirst() { sources[i].separator = i == sources.count - 1 ? " and " : ", " }
        return sources
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
                if !showListeners {
                    snapshot.nowPlaying = snapshot.nowPlaying.map {
                        var p = $0
                        p.user = ""
                        return p
                    }
                }
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
