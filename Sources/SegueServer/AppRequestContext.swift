import Hummingbird
import SegueStore

/// The request context: Hummingbird's core storage plus the browser session, once resolved.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `SessionMiddleware` for every route under it.
    public var session: WebSession?
    /// True when the session's id was made by this request (the response sets the cookie).
    public var sessionIsNew = false
    /// True when the session is in the store; a visitor who only reads has an unsaved one
    /// (`SessionManager.unsaved`), stored by its first change or CSRF token request.
    public var sessionIsStored = false

    /// The peer's IP address (a proxy's, behind one), when the connection has one.
    public var remoteIP: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress
    }

    /// The session; routes behind `SessionMiddleware` always have one.
    func requireSession() throws -> WebSession {
        guard let session else { throw HTTPError(.unauthorized, message: "no session") }
        return session
    }
}
