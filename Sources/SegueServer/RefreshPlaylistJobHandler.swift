import Foundation
import SegueJobs
import SegueLibrary
import SeguePlayers
import SeguePlaylists
import SegueStore

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
