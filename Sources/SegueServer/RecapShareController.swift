import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueCharts
import SegueGraphics
import SegueModel
import SegueRecap
import SegueRender
import SegueStore

/// Published recaps: the owner makes, lists and revokes links (`/api/v1/recap/shares`, the recap
/// page's Share button, Settings); anyone with a link reads `/r/TOKEN` and its preview
/// `/r/TOKEN/card.png` without a session.
///
/// A token is 256 bits from the environment's random source (the system's cryptographic one when
/// live) as 64 hex digits; only its SHA-256 is stored and looked up, so neither a database copy nor
/// the time a lookup takes tells anything about a live token. An unknown, revoked or malformed
/// token gets the same 404. The shared page is built from the share's stored query and owner
/// alone: no navigation, no script, no link into the app or the API.
struct RecapShareController {
    let deps: ServerDependencies

    /// Links one profile may have at a time.
    static let maximumShares = 100
    /// The preview image's size: the 1.91:1 that link previews show whole.
    static let previewFormat = (width: 1200, height: 630)

    /// The owner's routes (session and CSRF).
    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("api/v1/recap/shares", use: list)
        group.post("api/v1/recap/shares", use: create)
        group.delete("api/v1/recap/shares/:id", use: revoke)
        group.post("recap/share", use: createFromPage)
        group.post("settings/recap-shares/:id/revoke", use: revokeFromSettings)
    }

    /// The public routes: no session middleware, so no cookie is read or set.
    func registerPublic(on router: Router<AppRequestContext>) {
        router.get("r/:token", use: sharedPage)
        router.get("r/:token/card.png", use: sharedCard)
    }

    // MARK: The owner's side

    /// One share as the API lists it (the token is never listed: it is shown once, when made).
    struct ShareJSON: Codable {
        var id: Int64
        var query: String
        var from: String
        var to: String
        var theme: String
        var createdMillis: Int64
        /// The page's and the preview's address: only in the answer that made the share.
        var url: String?
        var cardURL: String?
    }

    func json(_ share: RecapShare, base: String? = nil, token: String? = nil) -> ShareJSON {
        let period = (try? RecapParameters(Self.parameters(share.query)))?.period
        return ShareJSON(
            id: share.id, query: share.query, from: period.map { "\($0.from)" } ?? "", to: period.map { "\($0.to)" } ?? "",
            theme: share.theme, createdMillis: share.createdMillis, url: token.flatMap { t in base.map { "\($0)/r/\(t)" } },
            cardURL: token.flatMap { t in base.map { "\($0)/r/\(t)/card.png" } })
    }

    /// `GET /api/v1/recap/shares`: the session profile's links, newest first.
    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let owner = try context.requireSession().profileName
        return jsonResponse(try encodedJSON(try deps.shares.recapShares(owner: owner).map { json($0) }))
    }

    /// Checks the query (the recap's, plus `theme`) and stores a new share; returns it and its token.
    /// - Parameter formTheme: The `theme` field of the page's form, which wins over the query's.
    func make(_ request: Request, context: AppRequestContext, formTheme: String? = nil) throws -> (RecapShare, token: String) {
        let owner = try context.requireSession().profileName
        let q = try RecapParameters(request.uri.queryParameters)
        let themeName = (formTheme ?? request.uri.queryParameters.get("theme")).flatMap { $0.isEmpty ? nil : String($0) } ?? "dark"
        guard Theme.names.contains(themeName) else { throw APIError.invalid("The theme must be one of \(Theme.names.joined(separator: ", ")).") }
        guard try deps.shares.recapShares(owner: owner).count < Self.maximumShares else {
            throw APIError.conflict("you have \(Self.maximumShares) shared recaps: revoke one in Settings first")
        }
        let token = deps.environment.randomID() + deps.environment.randomID()
        guard Self.isWellFormedToken(token) else { throw APIError.invalid("the server could not make a link token") }
        let share = try deps.shares.addRecapShare(
            owner: owner, tokenHash: SHA256.hex(token), query: q.queryString, theme: themeName, millis: deps.environment.now())
        return (share, token)
    }

    /// `POST /api/v1/recap/shares?year=2024&theme=dark` (or `from`/`to`, `tz`, `metric`, `source`):
    /// 201 with the link, shown this once.
    func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (share, token) = try make(request, context: context)
        let base = SettingsController.serverURL(request, publicURL: deps.configuration.publicURL)
        return jsonResponse(try encodedJSON(json(share, base: base, token: token)), status: .created)
    }

    /// `DELETE /api/v1/recap/shares/ID`: 204, or 404 when the profile has no such link.
    func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        try revokeShare(context)
        return Response(status: .noContent)
    }

    func revokeShare(_ context: AppRequestContext) throws {
        let owner = try context.requireSession().profileName
        let text = context.parameters.get("id") ?? ""
        guard text.count <= 19, let id = Int64(text), id > 0, try deps.shares.revokeRecapShare(id: id, owner: owner) else {
            throw APIError.notFound("you have no shared recap with that id")
        }
    }

    /// What `recap-share-made.mustache` shows: the new link, this once.
    struct MadeView {
        let range: String
        let theme: String
        let link: String
    }

    /// The recap page's Share button: makes the link and shows it once.
    func createFromPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let form = FormFields(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
        let (share, token) = try make(request, context: context, formTheme: form["theme"])
        let base = SettingsController.serverURL(request, publicURL: deps.configuration.publicURL)
        let body = PageTemplates.render(
            "recap-share-made", MadeView(range: Self.rangeText(share), theme: share.theme, link: "\(base)/r/\(token)"))
        let hasData = try deps.hasData(profileName: s.profileName)
        return RecapController(deps: deps).pageResponse(
            layout(page: .settings, title: "Recap shared", csrf: s.csrfToken, hasData: hasData, body: body), status: .created)
    }

    /// What `recap-share-form.mustache` shows: a theme and a button; the recap's query rides in the action.
    struct FormView {
        struct ThemeOption {
            let value: String
            let label: String
        }

        let query: String
        let csrf: String
        let themes = Theme.names.map { ThemeOption(value: $0, label: $0.capitalized) }
    }

    /// The recap page's Share form.
    static func shareForm(_ q: RecapParameters, csrf: String) -> String {
        PageTemplates.render("recap-share-form", FormView(query: q.queryString, csrf: csrf))
    }

    /// Settings' Revoke button: back to Settings.
    func revokeFromSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        try revokeShare(context)
        return Response(status: .seeOther, headers: [.location: "/settings#shared-recaps"])
    }

    /// One link in Settings' list (`settings.mustache`): its range, theme, when it was made, and its Revoke button.
    struct ShareRow {
        let id: Int64
        let range: String
        let theme: String
        /// ISO 8601, and its day.
        let created: String
        let day: String
    }

    /// The profile's links for Settings, newest first.
    func settingsRows(owner: String) throws -> [ShareRow] {
        try deps.shares.recapShares(owner: owner).map { share in
            let created = Date(timeIntervalSince1970: Double(share.createdMillis) / 1000).ISO8601Format()
            return ShareRow(id: share.id, range: Self.rangeText(share), theme: share.theme, created: created, day: String(created.prefix(10)))
        }
    }

    // MARK: The stranger's side

    /// What `recap-shared.mustache` shows: a page of its own, without the app's navigation or script.
    struct SharedView {
        let colorScheme: String
        let title: String
        let description: String
        let pageURL: String
        let imageURL: String
        let imageWidth: Int
        let imageHeight: Int
        let theme: String
        let stylesheet = Assets.css.url
        /// `recap-shared-cards.mustache` rendered.
        let cards: String
    }

    /// `GET /r/TOKEN`: the shared recap, one theme, with OpenGraph and Twitter card tags.
    func sharedPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (share, token, q) = try lookup(context) else { return Self.notShared() }
        let library = try ownersLibrary(share)
        let recap = try deps.recap(q, profileName: share.owner, library: library)
        let theme = (try? Theme.named(share.theme)) ?? .dark
        let base = SettingsController.serverURL(request, publicURL: deps.configuration.publicURL)
        let title = RecapText.isCalendarYear(recap) ? "A \(recap.from.year) in music" : "Listening, \(RecapText.period(recap))"
        let description = Self.summary(recap)
        let cards = deps.cache.value(profile: share.owner, key: "shared|\(share.theme)|" + q.cacheKey + (library?.cacheKey ?? "")) {
            Self.cardsHTML(recap, theme: theme)
        }
        let html = PageTemplates.render(
            "recap-shared",
            SharedView(
                colorScheme: theme.name == "light" ? "light" : "dark", title: title, description: description,
                pageURL: "\(base)/r/\(token)", imageURL: "\(base)/r/\(token)/card.png", imageWidth: Self.previewFormat.width,
                imageHeight: Self.previewFormat.height, theme: theme.name, cards: cards))
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", HTTPField.Name("X-Robots-Tag")!: "noindex, nofollow"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `GET /r/TOKEN/card.png`: the summary card at 1200x630, the link preview.
    func sharedCard(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let (share, _, q) = try lookup(context) else { return Self.notShared() }
        let library = try ownersLibrary(share)
        let recap = try deps.recap(q, profileName: share.owner, library: library)
        let theme = (try? Theme.named(share.theme)) ?? .dark
        let key = "shared-card|\(share.theme)|" + q.cacheKey + (library?.cacheKey ?? "")
        let bytes = try await BlockingWork.run {
            try deps.cache.value(profile: share.owner, key: key) { try Self.previewPNG(recap, theme: theme) }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "image/png", .cacheControl: "no-store", HTTPField.Name("X-Robots-Tag")!: "noindex"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The link preview: the summary card laid out at `previewFormat`.
    static func previewPNG(_ recap: Recap, theme: Theme) throws -> [UInt8] {
        let format = try SocialFormat(width: previewFormat.width, height: previewFormat.height)
        let render = RecapCardsRender(format: format, theme: theme)
        let scene = render.layout.scene(.summary, recap: recap)
        let renderer = try CairoRenderer(width: format.width, height: format.height, artwork: render.artwork)
        renderer.render(scene)
        return try renderer.pngData()
    }

    /// The share of the path's token, its token and its query; nil for a malformed, unknown or revoked token.
    func lookup(_ context: AppRequestContext) throws -> (RecapShare, String, RecapParameters)? {
        guard let token = context.parameters.get("token"), Self.isWellFormedToken(token),
            let share = try deps.shares.recapShare(tokenHash: SHA256.hex(token)),
            let q = try? RecapParameters(Self.parameters(share.query))
        else { return nil }
        return (share, token, q)
    }

    /// The library whose files give a shared recap its sound: the data folder's on a `--single-user`
    /// install (the owner's); an anonymous session's library is its own, so its shares have none.
    func ownersLibrary(_ share: RecapShare) throws -> LibrarySnapshot? {
        guard let owner = deps.configuration.singleUserProfile, owner == share.owner else { return nil }
        return try LibrarySnapshot(
            WebLibrary(folder: deps.configuration.dataDirectory, isSessionLibrary: false, name: LibraryLocation.home, location: deps.libraries))
    }

    /// What `recap-not-shared.mustache` shows.
    struct NotSharedView {
        let stylesheet = Assets.css.url
    }

    /// The same answer for every token that opens nothing.
    static func notShared() -> Response {
        Response(
            status: .notFound, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: PageTemplates.render("recap-not-shared", NotSharedView()))))
    }

    /// 64 lowercase hex digits, as `make` hands them out.
    static func isWellFormedToken(_ token: String) -> Bool {
        token.utf8.count == 64 && token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// A stored query (`RecapParameters.queryString`: `name=value` pairs joined by `&`) as request parameters.
    static func parameters(_ query: String) -> Parameters {
        Parameters(
            query.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (key: parts[0], value: parts.count > 1 ? parts[1] : "")
            })
    }

    /// `2024`, or `1 Mar 2024 – 31 May 2024`.
    static func rangeText(_ share: RecapShare) -> String {
        guard let period = (try? RecapParameters(parameters(share.query)))?.period else { return share.query }
        return period.isCalendarYear ? String(period.from.year) : "\(RecapText.day(period.from)) – \(RecapText.day(period.to))"
    }

    /// One line for a link preview: the totals and the top artist.
    static func summary(_ recap: Recap) -> String {
        guard !recap.isEmpty else { return "Nothing played from \(RecapText.day(recap.from)) to \(RecapText.day(recap.to))." }
        var text =
            "\(NumberFormatting.grouped(Int64(recap.totals.minutes.rounded()))) minutes, \(NumberFormatting.grouped(Int64(recap.totals.streams))) streams, "
            + "\(NumberFormatting.grouped(Int64(recap.totals.artists))) artists."
        if let top = recap.topArtists.first { text += " Top artist: \(top.name)." }
        return text
    }

    /// One card of `recap-shared-cards.mustache`: its SVG drawing and its words for screen readers.
    struct CardFigure {
        let id: String
        let svg: String
        let words: String
    }

    struct CardsView {
        let figures: [CardFigure]
    }

    /// The cards inline as SVG in one theme, each with a text alternative.
    static func cardsHTML(_ recap: Recap, theme: Theme) -> String {
        let render = RecapCardsRender(format: .story, theme: theme)
        let figures = render.scenes(recap).map { item in
            CardFigure(
                id: item.card.rawValue,
                svg: render.svgDocument(item.scene, idPrefix: "\(item.card.rawValue)-")
                    .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: ""),
                words: item.scene.texts.map(\.plainText).filter { $0 != "segue" }.joined(separator: ". "))
        }
        return PageTemplates.render("recap-shared-cards", CardsView(figures: figures))
    }
}
