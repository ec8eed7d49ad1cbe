import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueModel
import SegueStore

/// `/login` on a password-protected single-user install (`--single-user --password`): each browser gives the
/// password once, and its session (stored only then) is what keeps it logged in until it expires or is deleted.
struct LoginController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("login", use: page)
        group.post("login", use: login)
    }

    /// The paths a browser that has not logged in may reach (behind the session middleware).
    static func isOpen(_ request: Request) -> Bool { isLogin(request) }

    static func isLogin(_ request: Request) -> Bool { request.uri.path == "/login" }

    /// What a browser that has not logged in gets: pages send it to the login page, API calls get 401.
    static func challenge(_ request: Request) -> Response {
        let path = request.uri.path
        if request.method == .get, !path.hasPrefix("/api/") {
            return Response(status: .seeOther, headers: [.location: "/login", .cacheControl: "no-store"])
        }
        return errorResponse(status: .unauthorized, message: "this server needs its password: log in at /login first")
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.sessionIsStored || deps.configuration.password == nil {
            return Response(status: .seeOther, headers: [.location: "/"])
        }
        return form(csrf: try context.requireSession().csrfToken, notice: nil, status: .ok)
    }

    /// What `login.mustache` shows.
    struct FormView {
        let notice: Notice?
        let csrf: String
    }

    func form(csrf: String, notice: Notice?, status: HTTPResponse.Status) -> Response {
        let body = PageTemplates.render("login", FormView(notice: notice, csrf: csrf))
        var response = htmlResponse(layout(page: .start, title: "Log in", csrf: csrf, hasData: false, body: body), status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Checks the password (CSRF-checked by the session middleware) and stores the browser's session.
    func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        guard let password = deps.configuration.password else { return Response(status: .seeOther, headers: [.location: "/"]) }
        if context.sessionIsStored { return Response(status: .seeOther, headers: [.location: "/"]) }
        let fields = FormFields(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
        let address = context.remoteIP ?? "unknown"
        if let wait = deps.loginThrottle.begin(address: address, now: deps.environment.now()) {
            var response = form(
                csrf: session.csrfToken,
                notice: .error("Too many wrong passwords from your address: wait \(Self.spoken(seconds: wait)), then try again."),
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard let given = fields["password"], constantTimeEqual(SHA256.hex(given), SHA256.hex(password)) else {
            return form(
                csrf: session.csrfToken, notice: .error("That password is not right: try again."),
                status: .unauthorized)
        }
        deps.loginThrottle.succeeded(address: address)
        try deps.sessions.store(session)
        return Response(status: .seeOther, headers: [.location: "/", .cacheControl: "no-store"])
    }

    /// "1 second", "40 seconds", "3 minutes".
    static func spoken(seconds: Int) -> String {
        if seconds < 120 { return seconds == 1 ? "1 second" : "\(seconds) seconds" }
        let minutes = (seconds + 59) / 60
        return "\(minutes) minutes"
    }
}
