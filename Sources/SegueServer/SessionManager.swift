import Foundation
import Logging
import SegueJobs
import SegueModel
import SegueStore

/// Creates, finds, expires and erases browser sessions and everything that belongs to them.
public final class SessionManager: Sendable {
    public let sessions: any SessionStore
    let plays: any PlayStore
    let playlists: any SavedPlaylistStore
    let shares: any RecapShareStore
    let pool: WorkerPool
    let configuration: ServerConfiguration
    let environment: ServerEnvironment
    let cache: ChartCache
    let logger: Logger
    let libraries: LibraryLocation
    /// The key that derives an unsaved session's CSRF token from its id (`SessionSecret`).
    let secret: [UInt8]

    /// A session's activity is written at most this often.
    static let touchIntervalMillis: Int64 = 60_000

    init(
        sessions: any SessionStore, plays: any PlayStore, playlists: any SavedPlaylistStore, shares: any RecapShareStore, pool: WorkerPool,
        configuration: ServerConfiguration, environment: ServerEnvironment, cache: ChartCache, logger: Logger,
        libraries: LibraryLocation, secret: [UInt8]
    ) {
        self.secret = secret
        self.playlists = playlists
        self.shares = shares
        self.libraries = libraries
        self.cache = cache
        self.sessions = sessions
        self.plays = plays
        self.pool = pool
        self.configuration = configuration
        self.environment = environment
        self.logger = logger
    }

    /// The profile name of a session: derived from its id, or the single-user profile.
    func profileName(forSessionID id: String) -> String {
        configuration.singleUserProfile ?? "web-\(id)"
    }

    /// The live session with cookie value `id`, or nil when unknown or expired.
    func session(id: String) throws -> WebSession? {
        if case .live(let session) = try lookup(id: id) { return session }
        return nil
    }

    /// What a cookie names: a stored live session, one that is stored but expired (its data is about to be
    /// erased), or nothing stored.
    enum Lookup {
        case live(WebSession)
        case expired
        case unknown
    }

    /// Looks up cookie value `id` (touching a live session at most once a minute).
    func lookup(id: String) throws -> Lookup {
        guard isWellFormedID(id), var session = try sessions.session(id: id) else { return .unknown }
        let now = environment.now()
        if isExpired(session, now: now) { return .expired }
        if now - session.lastSeenMillis >= Self.touchIntervalMillis {
            try sessions.touchSession(id: id, millis: now)
            session.lastSeenMillis = now
        }
        return .live(session)
    }

    /// A session that is not stored yet: a visitor who only reads gets one with each cookie-less request,
    /// and nothing is written until it first changes something or asks for its CSRF token (`store`).
    /// Its CSRF token is derived from the id with the server's secret, so it needs no storage to be checked.
    /// - Parameter id: the cookie's id, or nil for a fresh random one.
    func unsaved(id: String? = nil) -> WebSession {
        let id = id ?? environment.randomID()
        let now = environment.now()
        return WebSession(
            id: id, profileName: profileName(forSessionID: id), csrfToken: csrfToken(forSessionID: id), createdMillis: now,
            lastSeenMillis: now)
    }

    /// HMAC-SHA-256 of the session id under the server's secret, as 32 hex digits.
    func csrfToken(forSessionID id: String) -> String {
        HMAC.sha256(key: secret, message: Array("csrf:\(id)".utf8)).prefix(16).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// Stores an unsaved session (two requests of one browser may race to do it: the second finds the first's row).
    @discardableResult
    func store(_ session: WebSession) throws -> WebSession {
        do {
            try sessions.insertSession(session)
            return session
        } catch {
            if let stored = try sessions.session(id: session.id) { return stored }
            throw error
        }
    }

    /// A new stored session with a fresh id.
    func create() throws -> WebSession {
        try store(unsaved())
    }

    func isExpired(_ session: WebSession, now: Int64) -> Bool {
        Double(now - session.lastSeenMillis) > configuration.sessionTTLSeconds * 1000
    }

    /// Erases a session's plays, jobs, uploads, renders and saved playlists ("Delete my data"). The session itself is
    /// removed too; the next request gets a new one.
    func erase(_ session: WebSession) throws {
        try pool.cancelAll(owner: session.id)
        try pool.store.deleteJobs(owner: session.id)
        if configuration.singleUserProfile == nil || session.profileName == configuration.singleUserProfile {
            try plays.deleteProfile(named: session.profileName)
            try playlists.deletePlaylists(owner: session.profileName)
            try shares.deleteRecapShares(owner: session.profileName)
            try (sessions as? any ProfilePreferenceStore)?.deletePreferences(profile: session.profileName)
            cache.invalidate(profile: session.profileName)
        }
        let folder = configuration.sessionDirectory(session.id)
        if FileManager.default.fileExists(atPath: folder) { try FileManager.default.removeItem(atPath: folder) }
        try libraries.erase(name: LibraryLocation.sessionLibrary(session.id))
        try sessions.deleteSession(id: session.id)
    }

    /// Erases every session idle past the TTL; returns how many.
    @discardableResult
    public func expireIdleSessions() throws -> Int {
        let cutoff = environment.now() - Int64(configuration.sessionTTLSeconds * 1000)
        let idle = try sessions.sessions(idleBefore: cutoff)
        for session in idle {
            // A single-user install keeps its profile: only the browser session goes.
            if configuration.singleUserProfile != nil {
                try sessions.deleteSession(id: session.id)
            } else {
                try erase(session)
            }
        }
        if !idle.isEmpty { logger.info("expired idle sessions", metadata: ["count": "\(idle.count)"]) }
        return idle.count
    }
}
