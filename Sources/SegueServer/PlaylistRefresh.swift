import Foundation
import Logging
import SegueJobs
import SegueModel
import SeguePlayers
import SeguePlaylists
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

/// The scheduler of a `segue worker` (which has no `ServerDependencies`): the stores of
/// `configuration`, the clock of `environment`.
public func makePlaylistRefreshService(
    configuration: ServerConfiguration, environment: ServerEnvironment = .live, logger: Logger
) throws -> PlaylistRefreshService {
    let stores = try JobStores(configuration: configuration, logger: logger)
    return PlaylistRefreshService(
        scheduler: PlaylistRefreshScheduler(playlists: stores.playlists, jobs: stores.jobs, now: environment.now), logger: logger)
}

/// What a refresh did.
struct RefreshPlaylistResult: Codable, Sendable {
    /// Set when there was nothing to do (the playlist was deleted, unmarked or lost its target meanwhile).
    var skipped: String?
    var tracks: [Int64]?
    var push: PushReport?
}

/// Rebuilds a saved playlist from its recipe with the current library (the data folder's `home`)
/// and the owner's history, saves the new order, pushes it in place to the playlist's target and
/// records the push on the playlist. A rebuild or push that fails is recorded on the playlist (one
/// sentence naming the rule or the server) and fails the attempt, which the queue retries.
struct RefreshPlaylistJobHandler: JobHandler {
    let configuration: ServerConfiguration
    let playlists: any SavedPlaylistStore
    let plays: any PlayStore
    let libraries: LibraryLocation
    let now: @Sendable () -> Int64

    func run(_ job: JobRecord, context: JobContext) throws -> String {
        let p = try decodeParameters(RefreshPlaylistParameters.self, job)
        guard let saved = try playlists.savedPlaylist(id: p.playlist, owner: p.owner), saved.refreshDaily, let targetText = saved.pushTarget
        else {
            return try encodeJSON(RefreshPlaylistResult(skipped: "saved playlist \(p.playlist) is no longer marked to refresh daily"))
        }
        func fail(_ message: String) throws -> Never {
            _ = try playlists.recordPush(id: saved.id, owner: saved.owner, .failed(target: targetText, message: message), millis: now())
            throw RefreshError(message: message)
        }
        let target: PushTarget
        do { target = try PushTarget(targetText) } catch { try fail("The target '\(targetText)' of '\(saved.name)' cannot be used: \(error)") }
        let recipe: PlaylistRecipe
        do {
            guard let r = try saved.recipe() else { try fail("'\(saved.name)' was saved without a recipe, so it cannot be rebuilt") }
            recipe = r
        } catch let error as RecipeReadError {
            try fail("'\(saved.name)' could not be rebuilt: its recipe cannot be used: \(error.reason)")
        }
        context.report(0.05, detail: "Rebuilding '\(saved.name)' from the library", force: true)
        let store = try libraries.open(folder: configuration.dataDirectory, name: LibraryLocation.home)
        let library = try store.tracks().filter { $0.status == .done }
        let tracks = PlaylistTrack.fromLibrary(library)
        let built: PlaylistRecipe.Built
        do {
            built = try recipe.build(library: tracks, index: try store.similarityIndex(for: tracks)) { range in
                try plays.libraryPlayCounts(profile: saved.owner, tracks: library, range: range)
            }
        } catch let error as PlaylistError {
            try fail("'\(saved.name)' could not be rebuilt: \(error.description)")
        }
        try context.checkCancellation()
        _ = try playlists.replaceTracks(id: saved.id, owner: saved.owner, trackIDs: built.tracks.map(\.id), millis: now())
        context.report(0.3, detail: "Sending \(built.tracks.count) tracks to \(target)", force: true)
        let push = PlaylistPush(dataDirectory: configuration.dataDirectory, now: now)
        let name = saved.name
        let outcome = BlockingResult<PushReport> { () async throws(PlayerError) -> PushReport in
            try await push.push(built.tracks, name: name, to: target, isCancelled: { context.isCancelled })
        }
        let report: PushReport
        do {
            report = try outcome.wait()
        } catch PlayerError.cancelled {
            throw JobError.cancelled
        } catch {
            try fail("\(error)")
        }
        _ = try playlists.recordPush(id: saved.id, owner: saved.owner, .sent(target: targetText, missing: report.missing), millis: now())
        return try encodeJSON(RefreshPlaylistResult(skipped: nil, tracks: built.tracks.map(\.id), push: report))
    }

    /// The sentence recorded on the playlist, as the job's error.
    struct RefreshError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
