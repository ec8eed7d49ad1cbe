import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueCharts
import SegueModel
import SegueRender
import SegueStore

/// The server-rendered pages: Start, Explore, Create, Feedback, and the "Delete my data" form.
struct PagesController {
    let deps: ServerDependencies
    var api: APIController { APIController(deps: deps) }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/", use: start)
        group.get("explore", use: explore)
        group.get("create", use: create)
        group.get("feedback", use: feedbackPage)
        group.post("feedback", use: feedbackForm)
        group.post("delete", use: deleteForm)
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let hasData = try api.hasData(s)
        let limitMB = deps.configuration.maxUploadBytes / (1024 * 1024)
        let deleted = request.uri.queryParameters["deleted"] != nil
            ? "<p class=\"notice ok\" role=\"status\">Your data was deleted: history, music library, playlists, renders, shared recap links and settings are gone.</p>"
            : ""
        let ready = hasData
            ? "<p class=\"notice ok\" role=\"status\">Your history is loaded. <a href=\"/explore\">Explore it</a> or <a href=\"/create\">make something to share</a>.</p>"
            : ""
        let body = """
            <section class="hero">
              <h1>Your listening, <span class="grad">beautifully told</span>.</h1>
              <p class="lead">Upload your Spotify, Last.fm, ListenBrainz, Apple Music or YouTube Music history to see your real top artists, songs and albums, then turn them into images and bar-chart races to share.</p>
            </section>
            \(deleted)\(ready)
            <section class="card upload" aria-labelledby="up-h">
              <h2 id="up-h">Upload your export</h2>
              <div class="drop" id="drop">
                <svg viewBox="0 0 24 24" class="icon" aria-hidden="true"><path d="M12 16V4m0 0-5 5m5-5 5 5M4 20h16"/></svg>
                <p><strong>Drop your ZIP, JSON or CSV files here</strong><br><span id="drop-help">or choose them (up to \(limitMB) MB)</span></p>
                <input id="file" type="file" accept=".zip,.json,.jsonl,.csv,application/zip,application/json,text/csv" multiple aria-describedby="drop-help">
                <label for="file" class="button">Choose files</label>
              </div>
              <div class="progress" id="up-progress" hidden>
                <div class="meter" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" aria-labelledby="up-status"><span id="up-bar"></span></div>
                <p id="up-status" role="status" aria-live="polite"></p>
              </div>
              <div class="or"><span>or</span></div>
              <button class="button primary" id="demo" type="button">Try it with demo data</button>
              <p class="hint">Ten years of a made-up listener, ready in a few seconds.</p>
            </section>
            <section class="card" aria-labelledby="how-h">
              <h2 id="how-h">How to get your Spotify data</h2>
              <ol class="steps">
                <li>Open <a href="https://www.spotify.com/account/privacy/" rel="noopener noreferrer" target="_blank">Spotify's privacy page</a> (spotify.com/account/privacy) while signed in.</li>
                <li>Tick <strong>Extended streaming history</strong> (every play since you joined) and request it. The account data package works too, with one year.</li>
                <li>Confirm the e-mail. Spotify sends a ZIP within days (up to 30).</li>
                <li>Upload the ZIP here as it is: no need to unpack it.</li>
              </ol>
            </section>
            """
        return html(layout(page: .start, title: "Start", csrf: s.csrfToken, hasData: hasData, body: body))
    }

    func explore(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        // Each choice is read on its own: a refused one is named, the others are kept, and the form shows
        // what the person chose (even the refused value, for them to correct).
        var refused: [ChartParameters.Refusal] = []
        let q = ChartParameters(
            request.uri.queryParameters, now: deps.environment.now(), preferences: PagePreferences.current,
            refused: &refused)
        let typed = Dictionary(refused.map { ($0.field, $0.typed) }, uniquingKeysWith: { a, _ in a })
        let problem = refused.isEmpty
            ? ""
            : "<p class=\"notice error\" role=\"alert\">"
                + refused.map(\.message).filter { !$0.isEmpty }.map { escapeHTML(sentence($0)) }.joined(separator: " ")
                + " The numbers below are for \(escapeHTML(q.inWords)).</p>"
        let hasData = try api.hasData(s)
        // The source control appears once a history has more than one source.
        let present = hasData ? try deps.sourcesPresent(profileName: s.profileName) : []
        let sourceControl = present.count > 1
            ? "<label>Source<select name=\"source\">\(options([("all", "All sources")] + present.map { ($0.name, $0.displayName) }, selected: q.sources.description))</select></label>"
            : ""
        let query = request.uri.query.map { "&" + escapeHTML($0) } ?? ""

        let form = """
            <form class="filters card" method="get" action="/explore" aria-label="Chart settings">
              <label>Show<select name="kind">\(options(EntityKind.allCases.map { ($0.rawValue, $0.rawValue.capitalized) }, selected: q.kind.rawValue))</select></label>
              <label>By<select name="metric">\(options([("streams", "Streams"), ("minutes", "Minutes")], selected: q.metric.rawValue))</select></label>
              <label>Period<select name="range" id="range">\(options([("all", "All time"), ("this-year", "This year"), ("last-year", "Last year"), ("this-decade", "This decade"), ("custom", "Custom")], selected: q.preset.rawValue))</select></label>
              <label class="custom">From<input type="date" name="from" value="\(escapeHTML(typed["from"] ?? (q.preset == .custom ? q.from.map { "\($0)" } ?? "" : "")))"></label>
              <label class="custom">To<input type="date" name="to" value="\(escapeHTML(typed["to"] ?? (q.preset == .custom ? q.to.map { "\($0)" } ?? "" : "")))"></label>
              <label>Top<input type="number" name="limit" min="1" max="50" value="\(escapeHTML(typed["limit"] ?? "\(q.limit)"))" inputmode="numeric"\(typed["limit"] == nil ? "" : " aria-invalid=\"true\"")></label>
              \(sourceControl)
              <button class="button primary" type="submit">Update</button>
            </form>
            """
        guard hasData else {
            let body = """
                <h1>Explore</h1>
                <p class="notice">Nothing here yet. <a href="/">Upload your history or try the demo data</a> first.</p>
                """
            return html(layout(page: .explore, title: "Explore", csrf: s.csrfToken, hasData: false, body: body))
        }
        // The page body depends only on the profile's data and the query: built once, then cached.
        let main = try deps.cache.value(profile: s.profileName, key: "explore|\(q.timeZone.identifier)|\(PagePreferences.current.firstWeekday)|" + ChartCache.key(q.query)) { try exploreMain(q, profileName: s.profileName) }
        let download = """
            <p class="downloads">Download my history (this period and source):
              <a href="/api/v1/history?format=listenbrainz\(query)" download>ListenBrainz JSON lines</a> ·
              <a href="/api/v1/history?format=csv\(query)" download>CSV</a></p>
            """
        let recapYear = try deps.stats(.all, profileName: s.profileName).lastPlay.map { CalendarDay(time: $0).year }
        let recapLink = recapYear.map { "<p class=\"recap-link\"><a class=\"button\" href=\"/recap/\($0)\">Your \($0) in review</a></p>" } ?? ""
        let body = "<h1>Explore</h1>\n\(recapLink)\n\(problem)\n\(form)\n\(main)\n\(download)"
        return html(layout(page: .explore, title: "Explore", csrf: s.csrfToken, hasData: true, body: body))
    }

    /// The cacheable part of Explore: totals, chart, ranking and listening times.
    func exploreMain(_ q: ChartParameters, profileName: String) throws -> String {
        let entries = try deps.top(q.query, profileName: profileName)
        let stats = try deps.stats(q.range, sources: q.sources, timeZone: q.timeZone, profileName: profileName)
        let bySource = try deps.playsBySource(q.range, sources: q.sources, profileName: profileName)
        let sourceLine = bySource.count > 1 || (bySource.first.map { $0.0 != .spotify } ?? false)
            ? "<p class=\"sources\">" + bySource.map { "\(escapeHTML($0.0.displayName)) \(grouped($0.1))" }.joined(separator: " · ")
                + (stats.playsWithoutLength > 0 ? " · \(grouped(stats.playsWithoutLength)) without a known length" : "") + "</p>"
            : ""
        let chart = entries.isEmpty ? "" : deps.cache.value(profile: profileName, key: "svg|" + ChartCache.key(q.query)) {
            let top = min(max(q.limit, 3), 20)
            let shown = Array(entries.prefix(top))
            let caption = ChartCaption.topChart(
                kind: q.kind, metric: q.metric, top: min(q.limit, 20), from: q.from, to: q.to, entries: shown)
            // Both themes, so the card matches the page's (CSS shows one); the light one first.
            var versions: [String] = []
            for (theme, name) in [(Theme.light, "light"), (Theme.dark, "dark")] {
                // Sized for a screen, not a post: labels stay readable in a phone's column.
                let render = TopChartRender(
                    format: TopChartLayout.screenFormat(rows: shown.count), theme: theme,
                    minimumTextSize: TopChartLayout.screenTextSize)
                guard let scene = try? render.scene(entries: shown, metric: q.metric, caption: caption) else { return "" }
                let svg = render.svgDocument(scene, idPrefix: "chart-\(name)-")
                    .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
                versions.append("<div class=\"only-\(name)\">\(svg)</div>")
            }
            let more = q.limit > 20 ? "<p class=\"chart-note\">The picture shows the top 20; the table lists all \(q.limit).</p>" : ""
            return "<figure class=\"chart\">\(versions.joined())<figcaption class=\"sr-only\">\(escapeHTML(caption.title)), \(escapeHTML(caption.subtitle))</figcaption>\(more)</figure>"
        }
        let rows = entries.map { e in
            let detail = [e.artist, e.album].compactMap { $0 }.filter { $0 != e.name }.joined(separator: " · ")
            return "<tr><td class=\"rank\">\(e.rank)</td><td><span class=\"name\">\(escapeHTML(e.name))</span>\(detail.isEmpty ? "" : "<span class=\"sub\">\(escapeHTML(detail))</span>")</td><td class=\"num\">\(grouped(e.streams))</td><td class=\"num\">\(grouped(Int(e.minutes.rounded())))</td></tr>"
        }.joined()
        // An empty period says where the history is, so the next choice is not a guess.
        var span = ""
        if entries.isEmpty, let first = try deps.stats(.all, sources: q.sources, profileName: profileName).firstPlay,
            let last = try deps.stats(.all, sources: q.sources, profileName: profileName).lastPlay
        {
            span = " Your history runs from \(CalendarDay(time: first, timeZone: q.timeZone)) to \(CalendarDay(time: last, timeZone: q.timeZone))."
        }
        let table = entries.isEmpty
            ? "<p class=\"notice\">No plays in this period.\(span)</p>"
            : "<table class=\"top\"><caption class=\"sr-only\">Top \(q.limit) \(q.kind.rawValue)</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Name</th><th scope=\"col\" class=\"num\">Streams</th><th scope=\"col\" class=\"num\">Minutes</th></tr></thead><tbody>\(rows)</tbody></table>"
        let hours = (0..<24).map { String($0) }
        // Monday first, as the store counts them; turned to start on the chosen day.
        let shift = (PagePreferences.current.firstWeekday + 5) % 7
        let weekdays = Array((["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] + ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])[shift..<shift + 7])
        let byWeekday = stats.millisecondsByWeekday.count == 7
            ? Array((stats.millisecondsByWeekday + stats.millisecondsByWeekday)[shift..<shift + 7]) : stats.millisecondsByWeekday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let minutesOf = { (ms: [Int64]) in ms.map { Double($0) / 60_000 } }
        let fmt = { (v: Double) in "\(grouped(Int(v.rounded()))) min" }
        let totals = """
            <section class="totals" aria-label="Totals">
              <div class="stat"><span class="v">\(grouped(stats.streams))</span><span class="l">streams</span></div>
              <div class="stat"><span class="v">\(grouped(Int(stats.minutes.rounded())))</span><span class="l">minutes</span></div>
              <div class="stat"><span class="v">\(grouped(stats.distinctArtists))</span><span class="l">artists</span></div>
              <div class="stat"><span class="v">\(grouped(stats.distinctTracks))</span><span class="l">songs</span></div>
            </section>
            \(sourceLine)
            """
        return """
            \(totals)
            <div class="split">
              \(chart)
              <section class="card list" aria-label="Ranking">\(table)</section>
            </div>
            <section class="card" aria-labelledby="when-h">
              <h2 id="when-h">When you listen</h2>
              <div class="minis">
                <figure><figcaption>By hour of day (\(escapeHTML(q.timeZone.identifier == "GMT" ? "UTC" : q.timeZone.identifier)))</figcaption>\(barChartSVG(title: "Minutes by hour of day", labels: hours, values: minutesOf(stats.millisecondsByHour), format: fmt))</figure>
                <figure><figcaption>By weekday</figcaption>\(barChartSVG(title: "Minutes by weekday", labels: weekdays, values: minutesOf(byWeekday), format: fmt))</figure>
                <figure><figcaption>By month</figcaption>\(barChartSVG(title: "Minutes by month", labels: months, values: minutesOf(stats.millisecondsByMonth), format: fmt))</figure>
              </div>
            </section>
            """
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let hasData = try api.hasData(s)
        guard hasData else {
            let body = """
                <h1>Create</h1>
                <p class="notice">Nothing to draw yet. <a href="/">Upload your history or try the demo data</a> first.</p>
                """
            return html(layout(page: .create, title: "Create", csrf: s.csrfToken, hasData: false, body: body))
        }
        // The same periods as Explore, as dates in the profile's zone (the form sends dates).
        let now = deps.environment.now()
        let presets = [("all", "All time"), ("this-year", "This year"), ("last-year", "Last year"), ("this-decade", "This decade"), ("custom", "Custom")]
        let periodOptions = presets.map { value, label in
            var dates = ""
            if value != "custom", let p = try? ChartParameters(Parameters(dictionaryLiteral: ("range", Substring(value))), now: now, preferences: PagePreferences.current) {
                dates = " data-from=\"\(p.from.map { "\($0)" } ?? "")\" data-to=\"\(p.to.map { "\($0)" } ?? "")\""
            }
            return "<option value=\"\(value)\"\(dates)\(value == "all" ? " selected" : "")>\(label)</option>"
        }.joined()
        let body = """
            <h1>Create</h1>
            <p class="lead">Make an image of your top list or an animated bar-chart race, ready for stories and posts.</p>
            <form class="card create" id="create-form" aria-label="What to make">
              <fieldset class="group"><legend>What to show <span class="applies">both</span></legend>
                <div class="grid">
                  <label>Show<select name="kind">\(options(EntityKind.allCases.map { ($0.rawValue, $0.rawValue.capitalized) }, selected: "artists"))</select></label>
                  <label>By<select name="metric">\(options([("streams", "Streams"), ("minutes", "Minutes")], selected: "streams"))</select></label>
                  <label>Period<select name="range" id="create-range">\(periodOptions)</select></label>
                  <label class="custom">From<input type="date" name="from"></label>
                  <label class="custom">To<input type="date" name="to"></label>
                  <label>Top<input type="number" name="top" min="3" max="20" value="10" inputmode="numeric" aria-describedby="top-help"></label>
                </div>
                <p class="hint" id="top-help">A picture or a race holds 3 to 20 entries, so names stay readable; Explore's table lists up to 50.</p>
              </fieldset>
              <fieldset class="group"><legend>Look <span class="applies">both</span></legend>
                <div class="grid">
                  <label>Format<select name="size">\(options([("story", "Story 9:16"), ("square", "Square 1:1"), ("landscape", "Landscape 16:9")], selected: "story"))</select></label>
                  <label>Theme<select name="theme">\(options([("dark", "Dark"), ("light", "Light"), ("vivid", "Vivid")], selected: "dark"))</select></label>
                </div>
              </fieldset>
              <div class="outputs">
                <fieldset class="group output"><legend>Image</legend>
                  <p class="hint">PNG, JPEG and SVG of the top list.</p>
                  <button class="button primary" type="button" id="make-image">Generate image</button>
                </fieldset>
                <fieldset class="group output video-options"><legend>Animation <span class="applies">video only</span></legend>
                  <div class="grid">
                    <label>Video<select name="container">\(options([("mp4", "MP4"), ("gif", "GIF"), ("webm", "WebM")], selected: "mp4"))</select></label>
                    <label>Race step<select name="period">\(options([("month", "Month"), ("week", "Week"), ("day", "Day")], selected: "month"))</select></label>
                    <label>Length (s)<input type="number" name="duration" min="3" max="60" placeholder="auto" title="Empty: about a second per race step, at most 60 s" inputmode="numeric"></label>
                  </div>
                  <button class="button" type="button" id="make-video">Generate animation</button>
                </fieldset>
              </div>
            </form>
            <section id="jobs" class="jobs" aria-live="polite" aria-label="Your creations"></section>
            """
        return html(layout(page: .create, title: "Create", csrf: s.csrfToken, hasData: true, body: body))
    }

    func feedbackPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let sent = request.uri.queryParameters["sent"] != nil
        return html(feedbackHTML(s, hasData: try api.hasData(s), notice: sent ? "<p class=\"notice ok\" role=\"status\">Thank you! Your feedback was saved.</p>" : ""))
    }

    func feedbackHTML(_ s: WebSession, hasData: Bool, notice: String) -> String {
        let stars = (1...5).reversed().map { n in
            "<input type=\"radio\" id=\"r\(n)\" name=\"rating\" value=\"\(n)\"><label for=\"r\(n)\" title=\"\(n) of 5\"><span class=\"sr-only\">\(n) of 5</span></label>"
        }.joined()
        let body = """
            <h1>Feedback</h1>
            <p class="lead">What works, what doesn't, what you would love to see? We read everything.</p>
            \(notice)
            <form class="card feedback" method="post" action="/feedback">
              <input type="hidden" name="_csrf" value="\(escapeHTML(s.csrfToken))">
              <label for="message">Message</label>
              <textarea id="message" name="message" rows="6" maxlength="5000" required></textarea>
              <fieldset class="stars"><legend>Rating (optional)</legend><div class="star-row">\(stars)</div></fieldset>
              <label for="contact">Contact (optional, if you want an answer)</label>
              <input id="contact" name="contact" type="text" maxlength="200" autocomplete="email">
              <button class="button primary" type="submit">Send feedback</button>
            </form>
            """
        return layout(page: .feedback, title: "Feedback", csrf: s.csrfToken, hasData: hasData, body: body)
    }

    func feedbackForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let fields = FormFields(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
        do {
            _ = try api.storeFeedback(
                message: fields["message"] ?? "", rating: fields["rating"].flatMap { Int($0) }, contact: fields["contact"])
        } catch let error as APIError {
            return html(
                feedbackHTML(s, hasData: try api.hasData(s), notice: "<p class=\"notice error\" role=\"alert\">\(escapeHTML(error.description))</p>"),
                status: .badRequest)
        }
        return Response(status: .seeOther, headers: [.location: "/feedback?sent=1"])
    }

    func deleteForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        try deps.sessions.erase(try context.requireSession())
        return Response(
            status: .seeOther,
            headers: [.location: "/?deleted=1", .setCookie: SessionMiddleware.expiredCookie(secure: deps.configuration.isBehindTLS)])
    }
}

func grouped(_ n: Int) -> String { NumberFormatting.grouped(Int64(n)) }
