import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SegueStore

/// Security headers on every response: CSP, no sniffing, no framing, same-origin referrers.
/// Behind TLS (`--public-url https://…`) also HSTS, so browsers never fall back to plain HTTP.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Send `Strict-Transport-Security` (only when the public address is https).
    var hsts = false

    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if hsts { response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000" }
        return response
    }
}

/// Resolves the session cookie and enforces CSRF tokens.
///
/// A visitor who only reads gets an unsaved session: a cookie and a CSRF token derived from it, nothing in the
/// store. The session is stored when it first changes something (any state-changing request, once its CSRF token
/// checks out) or asks for its token (`GET /api/v1/session`), so a crawler's cookie-less requests write nothing.
/// State-changing requests (anything but GET/HEAD/OPTIONS) must carry the session's token in the `X-CSRF-Token`
/// header, or for HTML forms in the `_csrf` field; the cookie is SameSite=Lax on top.
///
/// With a password (`--single-user --password`), only a stored session is logged in, and only `/login` stores one.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "segue_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    let manager: SessionManager
    let secureCookies: Bool
    /// Where the profile's Settings are; read once per request into `PagePreferences.current`.
    var preferences: (any ProfilePreferenceStore)? = nil

    /// The `Set-Cookie` value that makes the browser forget its session.
    static func expiredCookie(secure: Bool) -> String {
        "\(cookieName)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secure ? "; Secure" : "")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        var request = request
        switch try request.cookies[Self.cookieName].map({ try manager.lookup(id: $0.value) }) {
        case .live(let session):
            context.session = session
            context.sessionIsStored = true
        case .unknown where isWellFormedID(request.cookies[Self.cookieName]?.value ?? ""):
            // An id this server handed out before the session was stored (or one it erased): still unsaved.
            context.session = manager.unsaved(id: request.cookies[Self.cookieName]?.value)
        default:
            context.session = manager.unsaved()
            context.sessionIsNew = true
        }
        var session = try context.requireSession()
        let changesState = ![.get, .head, .options].contains(request.method)

        if changesState {
            var token = request.headers[Self.csrfHeader]
            if token == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                let body = try await request.body.collect(upTo: 64 * 1024)
                token = FormFields(String(buffer: body))["_csrf"]
                request.body = RequestBody(buffer: body)
            }
            guard let token, constantTimeEqual(token, session.csrfToken) else {
                throw HTTPError(.forbidden, message: "missing or wrong CSRF token: reload the page and try again")
            }
        }

        if manager.configuration.password != nil, !context.sessionIsStored, !LoginController.isOpen(request) {
            return setCookie(LoginController.challenge(request), context: context, session: session)
        }
        if changesState, !context.sessionIsStored, !LoginController.isLogin(request) {
            session = try manager.store(session)
            context.session = session
            context.sessionIsStored = true
        }

        // An unsaved session has saved nothing: the defaults, without a read.
        let stored = context.sessionIsStored ? try preferences?.preferences(profile: session.profileName) : nil
        let response = try await PagePreferences.$current.withValue(PagePreferences(stored)) {
            try await next(request, context)
        }
        return setCookie(response, context: context, session: session)
    }

    private func setCookie(_ response: Response, context: Context, session: WebSession) -> Response {
        guard context.sessionIsNew else { return response }
        var response = response
        let maxAge = Int(manager.configuration.sessionTTLSeconds)
        var cookie = "\(Self.cookieName)=\(session.id); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)"
        if secureCookies { cookie += "; Secure" }
        response.headers.append(HTTPField(name: .setCookie, value: cookie))
        return response
    }
}

/// Logs each request's method and path. Query strings that may carry a secret are left out: ListenBrainz clients
/// send their token as `/1/validate-token?token=…`, and no token is ever written to a log.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Paths whose query string is never logged.
    static var secretQueries: Set<String> { ["/1/validate-token"] }

    /// The request's path as it may be logged.
    static func loggable(_ request: Request) -> String {
        let uri = request.uri
        let path = uri.path
        guard !secretQueries.contains(path), let query = uri.query, !query.isEmpty else { return path }
        return path + "?" + query
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        context.logger.info(
            "Request",
            metadata: ["hb.request.path": .string(Self.loggable(request)), "hb.request.method": .string(request.method.rawValue)])
        return try await next(request, context)
    }
}

/// Compares two tokens in time independent of where they differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in x.indices { diff |= x[i] ^ y[i] }
    return diff == 0
}

/// `application/x-www-form-urlencoded` fields (the last value of a repeated name wins).
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                (String(s).replacingOccurrences(of: "+", with: " ")).removingPercentEncoding ?? String(s)
            }
            guard let name = parts.first else { continue }
            values[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    subscript(_ name: String) -> String? { values[name] }
}
