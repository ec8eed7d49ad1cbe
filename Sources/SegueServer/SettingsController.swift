import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueStore

/// `/settings`: how to point a scrobbler at this server, and the ListenBrainz token to give it.
///
/// On a self-hosted install (`--single-user`) the profile has a ListenBrainz user of the same name:
/// the page shows its token, or creates it on request. Anonymous sessions expire with their data,
/// so they get no token of their own: the page says how the server's owner makes users instead.
struct SettingsController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("settings", use: page)
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
        return "http://\(host)"
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        try render(request, context: context, newToken: nil)
    }

    /// The page; `newToken` is shown once, right after it was made (only its SHA-256 is stored).
    func render(_ request: Request, context: AppRequestContext, newToken: String?) throws -> Response {
        let s = try context.requireSession()
        let url = escapeHTML(Self.serverURL(request, publicURL: deps.configuration.publicURL))
        let scrobbling: String
        let form = """
            <form method="post" action="/settings/token">
              <input type="hidden" name="_csrf" value="\(escapeHTML(s.csrfToken))">
              <button class="button\(newToken == nil ? " primary" : "")" type="submit">%@</button>
            </form>
            """
        if let profile = deps.configuration.singleUserProfile {
            if let user = try deps.listens.user(named: profile) {
                if let newToken {
                    scrobbling = """
                        <p>Scrobblers send your listens as <strong>\(escapeHTML(user.name))</strong> with this token:</p>
                        <p><code class="token" id="lb-token">\(escapeHTML(newToken))</code></p>
                        <p class="notice" role="status">Copy it now: it is shown only this once (the server keeps only its SHA-256).
                        Anyone with the token can add listens in your name: keep it private.</p>
                        """
                } else {
                    scrobbling = """
                        <p>Scrobblers send your listens as <strong>\(escapeHTML(user.name))</strong>. Its token was shown once,
                        when it was made; if you lost it, make a new one (the old one stops working).</p>
                        \(form.replacingOccurrences(of: "%@", with: "Make a new scrobbling token"))
                        """
                }
            } else {
                scrobbling = """
                    <p>There is no ListenBrainz user for the profile <strong>\(escapeHTML(profile))</strong> yet.</p>
                    \(form.replacingOccurrences(of: "%@", with: "Create my scrobbling token"))
                    """
            }
        } else {
            scrobbling = """
                <p>This server gives every visitor a private session that expires, so sessions have no scrobbling token.
                The server's owner creates users with <code>segue users add NAME</code>, which prints the token once, and
                <code>segue users new-token NAME</code> replaces a lost one.</p>
                """
        }
        let body = """
            <h1>Settings</h1>
            <section class="card" aria-labelledby="scrobbling">
              <h2 id="scrobbling">Scrobbling to Segue</h2>
              <p>Segue speaks the ListenBrainz API. In Navidrome, Jellyfin, Pano Scrobbler, Web Scrobbler or
              multi-scrobbler, choose a custom ListenBrainz server and enter <code id="lb-url">\(url)</code> with your token.</p>
              \(scrobbling)
            </section>
            <section class="card" aria-labelledby="platform">
              <h2 id="platform">Sending events from a platform</h2>
              <p>Services with many listeners post batches to <code>\(url)/api/v1/events</code> with an ingest token
              from <code>segue tokens create --scope ingest</code>. See the <a href="/api/v1/openapi.json">API description</a>.</p>
            </section>
            \(try RecapShareController(deps: deps).settingsSection(owner: s.profileName, csrf: s.csrfToken))
            """
        let hasData = (try? APIController(deps: deps).hasData(s)) ?? false
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: layout(page: .settings, title: "Settings", csrf: s.csrfToken, hasData: hasData, body: body))))
    }

    /// Creates the profile's ListenBrainz user, or gives it a new token (single-user installs only), and shows the
    /// token once; CSRF-checked by the session middleware.
    func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        guard let profile = deps.configuration.singleUserProfile else {
            throw APIError.invalid("scrobbling tokens are made with `segue users add NAME` on this server")
        }
        let user = try deps.listens.replaceToken(named: profile) ?? deps.listens.createUser(named: profile)
        return try render(request, context: context, newToken: user.token)
    }
}
