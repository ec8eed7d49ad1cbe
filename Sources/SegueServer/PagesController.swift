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

    /// What `start.mustache` shows.
    struct StartView {
        let deleted: Bool
        let ready: Bool
        let limitMB: Int
    }

    func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let hasData = try api.hasData(s)
        let view = StartView(
            deleted: request.uri.queryParameters["deleted"] != nil, ready: hasData,
            limitMB: deps.configuration.maxUploadBytes / (1024 * 1024))
        return html(layout(page: .start, title: "Start", csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("start", view)))
    }

    /// What `explore.mustache` shows; `main` (the cached totals, chart and ranking) is nil without a history.
    struct ExploreView {
        let main: String?
        let recapYear: Int?
        let problem: String?
        let kinds: [OptionView]
        let metrics: [OptionView]
        let ranges: [OptionView]
        let from: String
        let to: String
        let limit: String
        let limitRefused: Bool
        /// The form's bounds: the ones the API checks.
        let limitMin = ChartParameters.limits.lowerBound
        let limitMax = ChartParameters.limits.upperBound
        let hasSources: Bool
        let sourceOptions: [OptionView]
        /// The request's own query, for the download links.
        let query: String?
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
        let problem =
            refused.isEmpty
            ? nil
            : refused.map(\.message).filter { !$0.isEmpty }.map { sentence($0) }.joined(separator: " ")
                + " The numbers below are for \(q.inWords)."
        let hasData = try api.hasData(s)
        // The source control appears once a history has more than one source.
        let present = hasData ? try deps.sourcesPresent(profileName: s.profileName) : []
        var main: String?
        var recapYear: Int?
        if hasData {
            // The page body depends only on the profile's data and the query: built once, then cached.
            main = try deps.cache.value(
                profile: s.profileName, key: "explore|\(q.timeZone.identifier)|\(PagePreferences.current.firstWeekday)|" + ChartCache.key(q.query)
            ) { try exploreMain(q, profileName: s.profileName) }
            recapYear = try deps.stats(.all, profileName: s.profileName).lastPlay.map { CalendarDay(time: $0).year }
        }
        let view = ExploreView(
            main: main, recapYear: recapYear, problem: problem,
            kinds: options(EntityKind.allCases.map { ($0.rawValue, $0.rawValue.capitalized) }, selected: q.kind.rawValue),
            metrics: options([("streams", "Streams"), ("minutes", "Minutes")], selected: q.metric.rawValue),
            ranges: options(
                [("all", "All time"), ("this-year", "This year"), ("last-year", "Last year"), ("this-decade", "This decade"), ("custom", "Custom")],
                selected: q.preset.rawValue),
            from: typed["from"] ?? (q.preset == .custom ? q.from.map { "\($0)" } ?? "" : ""),
            to: typed["to"] ?? (q.preset == .custom ? q.to.map { "\($0)" } ?? "" : ""),
            limit: typed["limit"] ?? "\(q.limit)", limitRefused: typed["limit"] != nil,
            hasSources: present.count > 1,
            sourceOptions: options([("all", "All sources")] + present.map { ($0.name, $0.displayName) }, selected: q.sources.description),
            query: request.uri.query)
        return html(layout(page: .explore, title: "Explore", csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("explore", view)))
    }

    /// What `explore-main.mustache` shows.
    struct ExploreMainView {
        struct Row {
            let rank: Int
            let name: String
            let detail: String?
            let streams: String
            let minutes: String
        }

        let streams: String
        let minutes: String
        let artists: String
        let songs: String
        let sourceLine: String?
        /// `explore-chart.mustache` rendered, or empty.
        let chart: String
        let hasRows: Bool
        let rows: [Row]
        let limit: Int
        let kind: String
        let span: String
        let timeZone: String
        /// The small bar charts (`barChartSVG`).
        let byHour: String
        let byWeekday: String
        let byMonth: String
    }

    /// What `explore-chart.mustache` shows: the top chart in both themes (CSS shows one).
    struct ExploreChartView {
        struct Version {
            let name: String
            let svg: String
        }

        let versions: [Version]
        let title: String
        let subtitle: String
        let more: Bool
        let limit: Int
    }

    /// The cacheable part of Explore: totals, chart, ranking and listening times.
    func exploreMain(_ q: ChartParameters, profileName: String) throws -> String {
        let entries = try deps.top(q.query, profileName: profileName)
        let stats = try deps.stats(q.range, sources: q.sources, timeZone: q.timeZone, profileName: profileName)
        let bySource = try deps.playsBySource(q.range, sources: q.sources, profileName: profileName)
        let sourceLine =
            bySource.count > 1 || (bySource.first.map { $0.0 != .spotify } ?? false)
            ? bySource.map { "\($0.0.displayName) \(grouped($0.1))" }.joined(separator: " · ")
                + (stats.playsWithoutLength > 0 ? " · \(grouped(stats.playsWithoutLength)) without a known length" : "")
            : nil
        let chart =
            entries.isEmpty
            ? ""
            : deps.cache.value(profile: profileName, key: "svg|" + ChartCache.key(q.query)) {
                let top = min(max(q.limit, 3), 20)
                let shown = Array(entries.prefix(top))
                let caption = ChartCaption.topChart(
                    kind: q.kind, metric: q.metric, top: min(q.limit, 20), from: q.from, to: q.to, entries: shown)
                // Both themes, so the card matches the page's (CSS shows one); the light one first.
                var versions: [ExploreChartView.Version] = []
                for (theme, name) in [(Theme.light, "light"), (Theme.dark, "dark")] {
                    // Sized for a screen, not a post: labels stay readable in a phone's column.
                    let render = TopChartRender(
                        format: TopChartLayout.screenFormat(rows: shown.count), theme: theme,
                        minimumTextSize: TopChartLayout.screenTextSize)
                    guard let scene = try? render.scene(entries: shown, metric: q.metric, caption: caption) else { return "" }
                    let svg = render.svgDocument(scene, idPrefix: "chart-\(name)-")
                        .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
                    versions.append(ExploreChartView.Version(name: name, svg: svg))
                }
                return PageTemplates.render(
                    "explore-chart",
                    ExploreChartView(versions: versions, title: caption.title, subtitle: caption.subtitle, more: q.limit > 20, limit: q.limit))
            }
        let rows = entries.map { e in
            let detail = [e.artist, e.album].compactMap { $0 }.filter { $0 != e.name }.joined(separator: " · ")
            return ExploreMainView.Row(
                rank: e.rank, name: e.name, detail: detail.isEmpty ? nil : detail, streams: grouped(e.streams),
                minutes: grouped(Int(e.minutes.rounded())))
        }
        // An empty period says where the history is, so the next choice is not a guess.
        var span = ""
        if entries.isEmpty, let first = try deps.stats(.all, sources: q.sources, profileName: profileName).firstPlay,
            let last = try deps.stats(.all, sources: q.sources, profileName: profileName).lastPlay
        {
            span = " Your history runs from \(CalendarDay(time: first, timeZone: q.timeZone)) to \(CalendarDay(time: last, timeZone: q.timeZone))."
        }
        let hours = (0..<24).map { String($0) }
        // Monday first, as the store counts them; turned to start on the chosen day.
        let shift = (PagePreferences.current.firstWeekday + 5) % 7
        let weekdays = Array(
            (["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] + ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])[shift..<shift + 7])
        let byWeekday =
            stats.millisecondsByWeekday.count == 7
            ? Array((stats.millisecondsByWeekday + stats.millisecondsByWeekday)[shift..<shift + 7]) : stats.millisecondsByWeekday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let minutesOf = { (ms: [Int64]) in ms.map { Double($0) / 60_000 } }
        let fmt = { (v: Double) in "\(grouped(Int(v.rounded()))) min" }
        let view = ExploreMainView(
            streams: grouped(stats.streams), minutes: grouped(Int(stats.minutes.rounded())), artists: grouped(stats.distinctArtists),
            songs: grouped(stats.distinctTracks), sourceLine: sourceLine, chart: chart, hasRows: !entries.isEmpty, rows: rows,
            limit: q.limit, kind: q.kind.rawValue, span: span,
            timeZone: q.timeZone.identifier == "GMT" ? "UTC" : q.timeZone.identifier,
            byHour: barChartSVG(title: "Minutes by hour of day", labels: hours, values: minutesOf(stats.millisecondsByHour), format: fmt),
            byWeekday: barChartSVG(title: "Minutes by weekday", labels: weekdays, values: minutesOf(byWeekday), format: fmt),
            byMonth: barChartSVG(title: "Minutes by month", labels: months, values: minutesOf(stats.millisecondsByMonth), format: fmt))
        return PageTemplates.render("explore-main", view)
    }

    /// What `create.mustache` shows.
    struct CreateView {
        /// The form's bounds for Top: the ones the render job checks.
        let topMin = RenderParameters.topRange.lowerBound
        let topMax = RenderParameters.topRange.upperBound
        let chartLimitMax = ChartParameters.limits.upperBound
        struct Period {
            struct Dates {
                let from: String
                let to: String
            }

            let value: String
            let label: String
            let dates: Dates?
            let selected: Bool
        }

        let hasData: Bool
        let kinds: [OptionView]
        let metrics: [OptionView]
        let periods: [Period]
        let sizes: [OptionView]
        let themes: [OptionView]
        let containers: [OptionView]
        let steps: [OptionView]
    }

    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let hasData = try api.hasData(s)
        // The same periods as Explore, as dates in the profile's zone (the form sends dates).
        let now = deps.environment.now()
        let presets = [
            ("all", "All time"), ("this-year", "This year"), ("last-year", "Last year"), ("this-decade", "This decade"), ("custom", "Custom"),
        ]
        var periods: [CreateView.Period] = []
        for (value, label) in presets where hasData {
            var dates: CreateView.Period.Dates?
            if value != "custom",
                let p = try? ChartParameters(
                    Parameters(dictionaryLiteral: ("range", Substring(value))), now: now, preferences: PagePreferences.current)
            {
                dates = CreateView.Period.Dates(from: p.from.map { "\($0)" } ?? "", to: p.to.map { "\($0)" } ?? "")
            }
            periods.append(CreateView.Period(value: value, label: label, dates: dates, selected: value == "all"))
        }
        let view = CreateView(
            hasData: hasData,
            kinds: options(EntityKind.allCases.map { ($0.rawValue, $0.rawValue.capitalized) }, selected: "artists"),
            metrics: options([("streams", "Streams"), ("minutes", "Minutes")], selected: "streams"), periods: periods,
            sizes: options([("story", "Story 9:16"), ("square", "Square 1:1"), ("landscape", "Landscape 16:9")], selected: "story"),
            themes: options([("dark", "Dark"), ("light", "Light"), ("vivid", "Vivid")], selected: "dark"),
            containers: options([("mp4", "MP4"), ("gif", "GIF"), ("webm", "WebM")], selected: "mp4"),
            steps: options([("month", "Month"), ("week", "Week"), ("day", "Day")], selected: "month"))
        return html(layout(page: .create, title: "Create", csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("create", view)))
    }

    /// What `feedback.mustache` shows.
    struct FeedbackView {
        let notice: Notice?
        let csrf: String
        let stars = Array((1...5).reversed())
    }

    func feedbackPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let sent = request.uri.queryParameters["sent"] != nil
        return html(feedbackHTML(s, hasData: try api.hasData(s), notice: sent ? .ok("Thank you! Your feedback was saved.") : nil))
    }

    func feedbackHTML(_ s: WebSession, hasData: Bool, notice: Notice?) -> String {
        let body = PageTemplates.render("feedback", FeedbackView(notice: notice, csrf: s.csrfToken))
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
                feedbackHTML(s, hasData: try api.hasData(s), notice: .error(error.description)),
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
