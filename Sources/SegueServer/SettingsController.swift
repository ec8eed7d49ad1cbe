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

    /// The address scrobblers should use, from the request's authority (the Host header).
    static func serverURL(_ request: Request) -> String {
        let host = request.head.authority ?? request.headers[HTTPField.Name("Host")!] ?? "localhost"
        return "http://\(host)"
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let url = escapeHTML(Self.serverURL(request))
        let scrobbling: String
        if let profile = deps.configuration.singleUserProfile {
            if let user = try deps.listens.user(named: profile) {
                scrobbling = """
                    <p>Scrobblers send your listens as <strong>\(escapeHTML(user.name))</strong> with this token:</p>
                    <p><code class="token" id="lb-token">\(escapeHTML(user.token))</code></p>
                    <p class="muted">Anyone with the token can add listens in your name: keep it private. On the server,
                    <code>segue users show \(escapeHTML(user.name))</code> prints it too.</p>
                    """
            } else {
                scrobbling = """
                    <p>There is no ListenBrainz user for the profile <strong>\(escapeHTML(profile))</strong> yet.</p>
                    <form method="post" action="/settings/token">
                      <input type="hidden" name="_csrf" value="\(escapeHTML(s.csrfToken))">
                      <button class="button primary" type="submit">Create my scrobbling token</button>
                    </form>
                    """
            }
        } else {
            scrobbling = """
                <p>This server gives every visitor a private session that expires, so sessions have no scrobbling token.
                The server's owner creates users with <code>segue users add NAME</code>, which prints the token, and
                <code>segue users show NAME</code> shows it again.</p>
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
            """
        let hasData = (try? APIController(deps: deps).hasData(s)) ?? false
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: layout(page: .settings, title: "Settings", csrf: s.csrfToken, hasData: hasData, body: body))))
    }

    /// Creates the profile's ListenBrainz user (single-user installs only); CSRF-checked by the session middleware.
    func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        guard let profile = deps.configuration.singleUserProfile else {
            throw APIError.invalid("scrobbling tokens are made with `segue users add NAME` on this server")
        }
        if try deps.listens.user(named: profile) == nil { _ = try deps.listens.createUser(named: profile) }
        return Response(status: .seeOther, headers: [.location: "/settings"])
    }
}
