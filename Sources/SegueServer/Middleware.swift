import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Security headers on every response: CSP, no sniffing, no framing, same-origin referrers.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
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
        return response
    }
}

/// Resolves the session cookie (creating a session when there is none) and enforces CSRF tokens.
///
/// State-changing requests (anything but GET/HEAD/OPTIONS) must carry the session's token in the
/// `X-CSRF-Token` header, or for HTML forms in the `_csrf` field; the cookie is SameSite=Lax on top.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "segue_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    let manager: SessionManager
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        var request = request
        if let id = request.cookies[Self.cookieName]?.value, let session = try manager.session(id: id) {
            context.session = session
        } else {
            context.session = try manager.create()
            context.sessionIsNew = true
        }
        let session = try context.requireSession()

        if ![.get, .head, .options].contains(request.method) {
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

        var response = try await next(request, context)
        if context.sessionIsNew {
            let maxAge = Int(manager.configuration.sessionTTLSeconds)
            var cookie = "\(Self.cookieName)=\(session.id); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)"
            if secureCookies { cookie += "; Secure" }
            response.headers.append(HTTPField(name: .setCookie, value: cookie))
        }
        return response
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
