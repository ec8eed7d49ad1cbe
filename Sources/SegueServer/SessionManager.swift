import Foundation
import Logging
import SegueJobs
import SegueStore

/// Creates, finds, expires and erases browser sessions and everything that belongs to them.
public final class SessionManager: Sendable {
    public let sessions: any SessionStore
    let plays: any PlayStore
    let playlists: any SavedPlaylistStore
    let pool: WorkerPool
    let configuration: ServerConfiguration
    let environment: ServerEnvironment
    let cache: ChartCache
    let logger: Logger
    let libraries: LibraryLocation

    /// A session's activity is written at most this often.
    static let touchIntervalMillis: Int64 = 60_000

    init(
        sessions: any SessionStore, plays: any PlayStore, playlists: any SavedPlaylistStore, pool: WorkerPool,
        configuration: ServerConfiguration, environment: ServerEnvironment, cache: ChartCache, logger: Logger,
        libraries: LibraryLocation
    ) {
        self.playlists = playlists
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
        guard isWellFormedID(id), var session = try sessions.session(id: id) else { return nil }
        let now = environment.now()
        if isExpired(session, now: now) { return nil }
        if now - session.lastSeenMillis >= Self.touchIntervalMillis {
            try sessions.touchSession(id: id, millis: now)
            session.lastSeenMillis = now
        }
        return session
    }

    /// A new session with a fresh id and CSRF token.
    func create() throws -> WebSession {
        let id = environment.randomID()
        let now = environment.now()
        let session = WebSession(
            id: id, profileName: profileName(forSessionID: id), csrfToken: environment.randomID(), createdMillis: now,
            lastSeenMillis: now)
        try sessions.insertSession(session)
        return session
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
