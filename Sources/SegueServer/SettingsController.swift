import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueModel
import SegueStore

/// `/settings`: the profile's preferences (time zone, theme, the week's first day, Explore's defaults), how to
/// point a scrobbler at this server, and the ListenBrainz token to give it.
///
/// On a self-hosted install (`--single-user`) the profile has a ListenBrainz user of the same name:
/// the page shows its token, or creates it on request. Anonymous sessions expire with their data,
/// so they get no token of their own: the page says how the server's owner makes users instead.
struct SettingsController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("settings", use: page)
        group.post("settings", use: savePreferences)
        group.post("settings/time-zone", use: saveBrowserTimeZone)
        group.post("settings/token", use: createToken)
    }

    /// The address scrobblers should use: the public one (`--public-url`, say the https address of a TLS proxy),
    /// else the request's authority (the Host header).
    static func serverURL(_ request: Request, publicURL: URL? = nil) -> String {
        if let publicURL {
            var text = publicURL.absoluteString
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? "localhost"
        return "http://\(isPlausibleHost(host) ? host : "localhost")"
    }

    /// A Host header that can be a host: a name or IPv4 address, or an IPv6 one in brackets, and an
    /// optional port; anything else (quotes, spaces, slashes, markup) is not put into links.
    static func isPlausibleHost(_ host: String) -> Bool {
        guard (1...255).contains(host.utf8.count) else { return false }
        return host.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x2D || c == 0x3A
                || c == 0x5B || c == 0x5D || c == 0x5F
        }
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let saved = request.uri.queryParameters.get("saved") == "1"
        return try render(request, context: context, newToken: nil, notice: saved ? .ok("Your settings are saved.") : nil)
    }

    /// Saves the Settings form (CSRF-checked by the session middleware); a value it cannot take is named in one
    /// sentence above the form, which keeps what was saved before.
    func savePreferences(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let fields = FormFields(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
        do {
            let chosen = try PagePreferences.parse(fields)
            guard let store = deps.preferences else { throw APIError.conflict("This server keeps no settings.") }
            try store.savePreferences(chosen.stored, profile: s.profileName, millis: deps.environment.now())
        } catch let error as APIError {
            var response = try render(
                request, context: context, newToken: nil,
                notice: .error(error.description))
            response.status = error.status
            return response
        }
        return Response(status: .seeOther, headers: [.location: "/settings?saved=1", .cacheControl: "no-store"])
    }

    /// The browser's own time zone, sent by the page on a first visit: kept only while none is saved, so a zone
    /// chosen on Settings is never overwritten. 204 when kept or already set; 400 naming the field otherwise.
    func saveBrowserTimeZone(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let fields = FormFields(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
        let zone = try PagePreferences.timeZone(fields["time_zone"] ?? "")
        if let store = deps.preferences {
            var current = PagePreferences(try store.preferences(profile: s.profileName))
            if !current.timeZoneIsSet {
                current.timeZone = zone
                current.timeZoneIsSet = true
                try store.savePreferences(current.stored, profile: s.profileName, millis: deps.environment.now())
            }
        }
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    /// What `settings.mustache` shows: the preferences form (filled with what is saved), how to scrobble here, and
    /// the profile's shared recap links.
    struct SettingsView {
        let notice: Notice?
        let csrf: String
        let zones: [OptionView]
        let themes: [OptionView]
        let weekStarts: [OptionView]
        let metrics: [OptionView]
        let ranges: [OptionView]
        /// The address to give a scrobbler.
        let url: String
        /// The ListenBrainz user's name on a single-user install.
        let userName: String?
        /// Shown once, right after it was made (only its SHA-256 is stored).
        let newToken: String?
        let tokenShownBefore: Bool
        /// The single-user profile when it has no ListenBrainz user yet.
        let profileWithoutUser: String?
        /// The label of the button that makes a token, when there is one.
        let tokenButton: String?
        let primaryButton: Bool
        /// A session without a scrobbling account of its own.
        let anonymous: Bool
        let hasShares: Bool
        let shares: [RecapShareController.ShareRow]
    }

    /// The page; `newToken` is shown once, right after it was made (only its SHA-256 is stored).
    func render(_ request: Request, context: AppRequestContext, newToken: String?, notice: Notice? = nil) throws -> Response {
        let s = try context.requireSession()
        let p = PagePreferences.current
        let zones = PagePreferences.knownTimeZones.map { ($0, $0.replacingOccurrences(of: "_", with: " ")) }
        let zone = p.timeZone.identifier == "GMT" ? "UTC" : p.timeZone.identifier
        let zoneOptions = (zones.contains { $0.0 == zone } ? zones : [(zone, zone)] + zones)
        var userName: String?
        var profileWithoutUser: String?
        var tokenButton: String?
        if let profile = deps.configuration.singleUserProfile {
            if let user = try deps.listens.user(named: profile) {
                userName = user.name
                if newToken == nil { tokenButton = "Make a new scrobbling token" }
            } else {
                profileWithoutUser = profile
                tokenButton = "Create my scrobbling token"
            }
        }
        let shares = try RecapShareController(deps: deps).settingsRows(owner: s.profileName)
        let view = SettingsView(
            notice: notice, csrf: s.csrfToken, zones: options(zoneOptions, selected: zone),
            themes: options([("system", "Same as my device"), ("light", "Light"), ("dark", "Dark")], selected: p.theme.rawValue),
            weekStarts: options(PagePreferences.weekStarts.map { ("\($0.0)", $0.1) }, selected: "\(p.firstWeekday)"),
            metrics: options([("streams", "Streams"), ("minutes", "Minutes")], selected: p.metric.rawValue),
            ranges: options(PagePreferences.ranges.map { ($0.0.rawValue, $0.1) }, selected: p.range.rawValue),
            url: Self.serverURL(request, publicURL: deps.configuration.publicURL), userName: userName,
            newToken: userName == nil ? nil : newToken, tokenShownBefore: userName != nil && newToken == nil,
            profileWithoutUser: profileWithoutUser, tokenButton: tokenButton, primaryButton: newToken == nil,
            anonymous: deps.configuration.singleUserProfile == nil, hasShares: !shares.isEmpty, shares: shares)
        let hasData = (try? APIController(deps: deps).hasData(s)) ?? false
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(
                byteBuffer: ByteBuffer(
                    string: layout(
                        page: .settings, title: "Settings", csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("settings", view)))))
    }

    /// Creates the profile's ListenBrainz user, or gives it a new token (single-user installs only), and shows the
    /// token once; CSRF-checked by the session middleware.
    func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        guard let profile = deps.configuration.singleUserProfile else {
            throw APIError.invalid("Scrobbling accounts on this server are made by the person who runs it; ask them for one.")
        }
        let user = try deps.listens.replaceToken(named: profile) ?? deps.listens.createUser(named: profile)
        return try render(request, context: context, newToken: user.token)
    }
}
