import Foundation
import Logging
import SegueJobs
import SegueModel
import SegueStore
import ServiceLifecycle

/// What a refresh job reads: a saved playlist of `owner`, and the UTC day the run is for.
struct RefreshPlaylistParameters: Codable, Sendable, Equatable {
    var playlist: Int64
    var owner: String
    var day: String

    static let kind = "refresh-playlist"
}

/// Queues the daily rebuild of every saved playlist marked "refresh daily" (with a recipe and a
/// target): at its first tick of each UTC day, one job per playlist.
///
/// Every `segue serve` and `segue worker` runs one, so several nodes ask for the same runs: the
/// job's id is made of the playlist and the day (`refresh-playlist-ID-YYYY-MM-DD`) and the queue
/// inserts an id it already holds never again (`JobStore.enqueueUnlessPresent`), whatever state
/// the first job is in. A day whose job failed for good therefore waits for the next day.
public struct PlaylistRefreshScheduler: Sendable {
    public let playlists: any SavedPlaylistStore
    public let jobs: any JobStore
    /// Milliseconds since 1970.
    public let now: @Sendable () -> Int64
    /// Attempts a refresh gets (a server that is down now may answer in a minute); the queue's
    /// backoff spaces them.
    public var maxAttempts = 4

    public init(playlists: any SavedPlaylistStore, jobs: any JobStore, now: @escaping @Sendable () -> Int64) {
        self.playlists = playlists
        self.jobs = jobs
        self.now = now
    }

    /// The job id of `playlist`'s refresh on `day`.
    public static func jobID(playlist: Int64, day: CalendarDay) -> String { "refresh-playlist-\(playlist)-\(day)" }

    /// Queues today's refresh of each marked playlist whose refresh is not queued yet.
    /// - Returns: the jobs this call queued (none when another node or an earlier tick did).
    @discardableResult
    public func tick() throws -> [JobRecord] {
        let millis = now()
        let day = CalendarDay(time: millis / 1000)
        var queued: [JobRecord] = []
        for p in try playlists.playlistsToRefresh() {
            let parameters = try encodeJSON(RefreshPlaylistParameters(playlist: p.id, owner: p.owner, day: day.description))
            let job = JobRecord(
                id: Self.jobID(playlist: p.id, day: day), owner: p.owner, kind: RefreshPlaylistParameters.kind, parameters: parameters,
                createdMillis: millis, maxAttempts: maxAttempts)
            if try jobs.enqueueUnlessPresent(job) { queued.append(job) }
        }
        return queued
    }
}

/// Runs the scheduler once a minute until shutdown.
public struct PlaylistRefreshService: Service {
    let scheduler: PlaylistRefreshScheduler
    let logger: Logger
    var interval: Duration = .seconds(60)

    public init(scheduler: PlaylistRefreshScheduler, logger: Logger) {
        self.scheduler = scheduler
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let queued = try scheduler.tick()
                if !queued.isEmpty { logger.info("queued the daily playlist refreshes", metadata: ["jobs": "\(queued.map(\.id))"]) }
            } catch {
                logger.error("cannot queue the daily playlist refreshes", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
