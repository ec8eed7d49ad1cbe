import Hummingbird
import SegueStore

/// The request context: Hummingbird's core storage plus the browser session, once resolved.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `SessionMiddleware` for every route under it.
    public var session: WebSession?
    /// True when the session was created by this request (the response sets the cookie).
    public var sessionIsNew = false

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The session; routes behind `SessionMiddleware` always have one.
    func requireSession() throws -> WebSession {
        guard let session else { throw HTTPError(.unauthorized, message: "no session") }
        return session
    }
}
