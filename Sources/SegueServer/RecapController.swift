import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat
import SegueCharts
import SegueLibrary
import SegueModel
import SegueRecap
import SegueRender
import SegueStore
import ZIPFoundation

/// The year in review: `GET /api/v1/recap` (the recap model as JSON) and the page `/recap/YEAR`
/// (or `/recap?from=…&to=…`), a scroll of the cards' scenes inline as SVG.
struct RecapController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("api/v1/recap", use: recap)
        group.get("api/v1/recap/cards", use: cards)
        group.get("recap", use: page)
        group.get("recap/:year", use: page)
    }

    /// `GET /api/v1/recap/cards?year=2024` (the recap's query): a ZIP of the cards, one PNG each (1080x1920).
    func cards(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = try RecapParameters(request.uri.queryParameters)
        let session = try context.requireSession()
        let recap = try deps.recap(q, profileName: session.profileName, library: try LibrarySnapshot(WebLibrary.of(session, deps: deps)))
        let folder = (deps.configuration.dataDirectory as NSString).appendingPathComponent("tmp/recap-\(deps.environment.randomID())")
        let body = try await BlockingWork.run {
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let paths = try RecapCardsRender(format: .story, theme: .dark).write(recap, to: folder)
            let zip = folder + ".zip"
            defer { try? FileManager.default.removeItem(atPath: zip) }
            let archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .create)
            for path in paths where path.hasSuffix(".png") {
                // PNG is compressed already.
                try archive.addEntry(
                    with: (path as NSString).lastPathComponent, relativeTo: URL(fileURLWithPath: folder), compressionMethod: .none)
            }
            return ByteBuffer(data: try Data(contentsOf: URL(fileURLWithPath: zip)))
        }
        let name = "segue-recap-\(q.period.isCalendarYear ? "\(q.period.from.year)" : "\(q.period.from)-to-\(q.period.to)").zip"
        return Response(
            status: .ok,
            headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"],
            body: .init(byteBuffer: body))
    }

    /// What `recap.mustache` shows: a refused query's error, or the cards, the video, the downloads and the Share form.
    struct RecapView {
        struct YearLink {
            let year: Int
            let current: Bool
        }

        let heading: String
        let error: String?
        let hasYears: Bool
        let years: [YearLink]
        /// `recap-cards.mustache`, `recap-video.mustache` and `recap-share-form.mustache` rendered.
        let cards: String
        let video: String
        let query: String
        let shareForm: String
    }

    /// The page: every card of the recap, dark or light with the browser's colour scheme.
    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let hasData = try deps.hasData(profileName: s.profileName)
        let q: RecapParameters
        do {
            q = try RecapParameters(request.uri.queryParameters, year: context.parameters.get("year"), defaultYear: try latestYear(s.profileName))
        } catch let error as APIError {
            let view = RecapView(
                heading: "Your year in review", error: error.description, hasYears: false, years: [], cards: "", video: "", query: "",
                shareForm: "")
            return pageResponse(
                layout(page: .recap, title: "Recap", csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("recap", view)),
                status: .badRequest)
        }
        let library = try LibrarySnapshot(WebLibrary.of(s, deps: deps))
        let recap = try deps.recap(q, profileName: s.profileName, library: library)
        let main = deps.cache.value(profile: s.profileName, key: "page|" + q.cacheKey + library.cacheKey) { Self.cardsHTML(recap) }
        let years = try yearLinks(s.profileName, current: recap)
        let heading = RecapText.isCalendarYear(recap) ? "Your \(recap.from.year) in review" : "Your listening, \(RecapText.period(recap))"
        let view = RecapView(
            heading: heading, error: nil, hasYears: !years.isEmpty, years: years, cards: main,
            video: try RecapVideoController(deps: deps).section(q, session: s), query: q.queryString,
            shareForm: RecapShareController.shareForm(q, csrf: s.csrfToken))
        return pageResponse(layout(page: .recap, title: heading, csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("recap", view)))
    }

    func pageResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The year of the profile's latest play (this server's current year when it has none).
    func latestYear(_ profileName: String) throws -> Int {
        if let last = try deps.stats(.all, profileName: profileName).lastPlay { return CalendarDay(time: last).year }
        return CalendarDay(time: deps.environment.now() / 1000).year
    }

    /// Links to every year with plays, the shown one marked (none for an empty history or a span over 200 years).
    func yearLinks(_ profileName: String, current: Recap) throws -> [RecapView.YearLink] {
        let stats = try deps.stats(.all, profileName: profileName)
        guard let first = stats.firstPlay, let last = stats.lastPlay else { return [] }
        let (a, b) = (CalendarDay(time: first).year, CalendarDay(time: last).year)
        guard a <= b, b - a < 200 else { return [] }
        return (a...b).reversed().map { y in
            RecapView.YearLink(year: y, current: y == current.from.year && RecapText.isCalendarYear(current))
        }
    }

    /// One card of `recap-cards.mustache`: its dark and light drawings and its words for screen readers.
    struct CardFigure {
        let id: String
        let dark: String
        let light: String
        let words: String
    }

    struct CardsView {
        let figures: [CardFigure]
    }

    /// The cards as inline SVG, each in a dark and a light version (the page shows the one that
    /// matches the browser), with a text alternative.
    static func cardsHTML(_ recap: Recap) -> String {
        let dark = RecapCardsRender(format: .story, theme: .dark)
        let light = RecapCardsRender(format: .story, theme: .light)
        let darkScenes = dark.scenes(recap)
        let lightScenes = light.scenes(recap)
        func svg(_ render: RecapCardsRender, _ scene: Scene, _ prefix: String) -> String {
            render.svgDocument(scene, idPrefix: prefix).replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
        }
        let figures = zip(darkScenes, lightScenes).map { d, l in
            CardFigure(
                id: d.card.rawValue, dark: svg(dark, d.scene, "\(d.card.rawValue)-d-"), light: svg(light, l.scene, "\(d.card.rawValue)-l-"),
                words: d.scene.texts.map(\.plainText).filter { $0 != "segue" }.joined(separator: ". "))
        }
        return PageTemplates.render("recap-cards", CardsView(figures: figures))
    }

    /// `GET /api/v1/recap?year=2024` (or `from`/`to`), with `tz`, `metric` and `source`.
    func recap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = try RecapParameters(request.uri.queryParameters)
        let session = try context.requireSession()
        return jsonResponse(try encodedRecap(q, profileName: session.profileName, library: try LibrarySnapshot(WebLibrary.of(session, deps: deps))))
    }

    /// The recap of the profile called `name` as JSON (an empty recap when there is no such profile),
    /// cached with the charts.
    func encodedRecap(_ q: RecapParameters, profileName name: String, library: LibrarySnapshot? = nil) throws -> Data {
        try deps.cache.value(profile: name, key: q.cacheKey + (library?.cacheKey ?? "")) {
            try encodedJSON(try deps.recap(q, profileName: name, library: library))
        }
    }
}

extension ServerDependencies {
    /// The recap of `q` in the profile called `name` (an empty recap when there is no such profile),
    /// with the sound of the period when `library` has analysed files its plays match.
    func recap(_ q: RecapParameters, profileName name: String, library: LibrarySnapshot? = nil) throws -> Recap {
        try cache.value(profile: name, key: "value|" + q.cacheKey + (library?.cacheKey ?? "")) {
            guard let profile = try plays.existingProfile(named: name) else {
                return Recap(columns: MusicColumns(), period: q.period, metric: q.metric)
            }
            let columns = try plays.musicColumns(profile: profile).restricted(to: q.sources)
            var recap = Recap(columns: columns, period: q.period, metric: q.metric)
            if let library, !library.tracks.isEmpty {
                recap.sound = RecapSound.fromLibrary(library.tracks, columns: columns, period: q.period, periodPlays: recap.totals.plays)
            }
            return recap
        }
    }
}

/// The query of a recap request, checked once for the API and the page: the period by
/// `RecapPeriod.parse` (as the CLI checks it), then the metric and the sources.
struct RecapParameters: Sendable, Equatable {
    var period: RecapPeriod
    var metric: Metric = .streams
    var sources: SourceSet = .all

    /// - Parameters:
    ///   - q: The query (`year`, `from`, `to`, `tz`, `metric`, `source`).
    ///   - pathYear: The year of a `/recap/YEAR` path, which stands for `year`.
    ///   - defaultYear: The year shown when neither a year nor a range is given (the page's latest year).
    init(_ q: Parameters, year pathYear: String? = nil, defaultYear: Int? = nil) throws {
        func value(_ name: String) -> String? {
            q.get(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        var year = pathYear ?? value("year")
        if year == nil, value("from") == nil, value("to") == nil, let defaultYear { year = String(defaultYear) }
        do {
            period = try RecapPeriod.parse(year: year, from: value("from"), to: value("to"), timeZone: value("tz"))
        } catch {
            throw APIError.invalid(error.description)
        }
        if let m = value("metric") {
            guard let metric = Metric(rawValue: m) else { throw APIError.invalid("The metric must be streams or minutes.") }
            self.metric = metric
        }
        if let text = value("source") {
            guard let set = SourceSet(names: text) else {
                throw APIError.invalid("The source must be all or a comma-separated list of \(SourceSet.help).")
            }
            sources = set
        }
    }

    /// The API query asking for the same recap.
    var queryString: String {
        var parts = period.isCalendarYear ? ["year=\(period.from.year)"] : ["from=\(period.from)", "to=\(period.to)"]
        if period.timeZone.identifier != TimeZone.gmt.identifier { parts.append("tz=\(period.timeZone.identifier)") }
        if metric != .streams { parts.append("metric=\(metric.rawValue)") }
        if !sources.isAll { parts.append("source=\(sources)") }
        return parts.joined(separator: "&")
    }

    var cacheKey: String {
        "recap|\(period.from)|\(period.to)|\(period.timeZone.identifier)|\(metric.rawValue)|\(sources.rawValue)"
    }
}
