import Foundation
import Hummingbird
import SegueJobs
import SegueLibrary
import SeguePlayers
import SeguePlaylists
import SegueStore

/// "Send to …" on the Playlists page: the players of the data folder (`segue players add`) and a
/// job that pushes a saved playlist to one of them.
///
/// Only a `--single-user` install sends: the players and their credentials are the data folder's,
/// its owner's. On an install where every browser has its own session, strangers must never write
/// to the owner's music server, so the list is empty and pushing is refused.
struct PlayersController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("api/v1/players", use: list)
        group.post("api/v1/playlists/saved/:id/push", use: push)
    }

    struct PlayerView: Codable {
        /// The latest push of one playlist.
        struct Push: Codable {
            var playlist: String
            var atMillis: Int64
            var matched: Int
            var missing: [String]

            enum CodingKeys: String, CodingKey {
                case playlist
                case atMillis = "at_ms"
                case matched, missing
            }
        }
        var name: String
        /// subsonic or folder.
        var kind: String
        var pushes: [Push]
    }

    struct PushRequest: Codable {
        var player: String?
    }

    /// The players (names and kinds only, never addresses or credentials).
    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireSession()
        guard deps.configuration.singleUserProfile != nil else { return try json([PlayerView]()) }
        let registry: PlayerRegistry
        do {
            registry = try PlayerRegistry.load(from: PlayerRegistry.path(inDataDirectory: deps.configuration.dataDirectory))
        } catch {
            throw APIError.unprocessable("the players file cannot be read; check it with `segue players list`")
        }
        return try json(
            registry.players.map { p in
                let pushes = (p.lastPushes ?? [:]).sorted { $0.key < $1.key }.map {
                    PlayerView.Push(playlist: $0.key, atMillis: $0.value.millis, matched: $0.value.matched, missing: $0.value.missing)
                }
                return PlayerView(name: p.name, kind: p.folder == nil ? "subsonic" : "folder", pushes: pushes)
            })
    }

    /// Queues a push of the saved playlist `id` to `player`; the job's result is the push report.
    func push(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        guard deps.configuration.singleUserProfile != nil else {
            throw APIError.notFound("sending playlists to a player is only for a --single-user install")
        }
        let controller = PlaylistsController(deps: deps)
        let id = try controller.savedID(context)
        let body = try await APIController(deps: deps).decode(PushRequest.self, request)
        guard let name = body.player, !name.isEmpty else { throw APIError.invalid("Choose a player (player).") }
        let parameters = PushPlaylistParameters(playlist: id, owner: s.profileName, player: name)
        try parameters.check(configuration: deps.configuration, playlists: deps.playlists, requireSingleUser: true)
        let job = try APIController(deps: deps).submit(owner: s.id, kind: PushPlaylistParameters.kind, parameters: try encodeJSON(parameters))
        return try json(JobView(job), status: .accepted)
    }
}

/// What a push job reads: a saved playlist (of `owner`) and the player to send it to.
struct PushPlaylistParameters: Codable, Sendable, Equatable {
    var playlist: Int64
    var owner: String
    var player: String

    static let kind = "push-playlist"

    /// Checked by the endpoint and again by the job (a queued job may be an older version's): a
    /// registered player, the owner's playlist; and, where the server's configuration is known (the
    /// endpoint: a supervised `segue worker` is not told about --single-user), a single-user install.
    /// - Throws: `APIError` naming what is wrong.
    func check(configuration: ServerConfiguration, playlists: any SavedPlaylistStore, requireSingleUser: Bool) throws {
        if requireSingleUser, configuration.singleUserProfile == nil {
            throw APIError.notFound("sending playlists to a player is only for a --single-user install")
        }
        guard case .player = try? PushTarget(player) else {
            throw APIError.invalid("The player '\(BrowserMessage.clean(player))' is not a player name.")
        }
        do {
            _ = try PlayerRegistry.load(from: PlayerRegistry.path(inDataDirectory: configuration.dataDirectory)).player(player)
        } catch {
            throw APIError.notFound("there is no player named '\(player)'; `segue players add` adds one")
        }
        guard try playlists.savedPlaylist(id: playlist, owner: owner) != nil else { throw APIError.notFound("no saved playlist \(playlist)") }
    }
}

/// Pushes a saved playlist from the home library to a player (`PlaylistPush`, as `segue playlist
/// --push` does) and returns the `PushReport`.
struct PushPlaylistJobHandler: JobHandler {
    let configuration: ServerConfiguration
    let playlists: any SavedPlaylistStore
    let libraries: LibraryLocation
    let now: @Sendable () -> Int64

    func run(_ job: JobRecord, context: JobContext) throws -> String {
        let p = try decodeParameters(PushPlaylistParameters.self, job)
        do { try p.check(configuration: configuration, playlists: playlists, requireSingleUser: false) } catch {
            throw JobError.badParameters("\(error)")
        }
        guard let saved = try playlists.savedPlaylist(id: p.playlist, owner: p.owner) else {
            throw JobError.badParameters("no saved playlist \(p.playlist)")
        }
        context.report(0.05, detail: "Reading the library", force: true)
        let store = try libraries.open(folder: configuration.dataDirectory, name: LibraryLocation.home)
        let byID = Dictionary(uniqueKeysWithValues: PlaylistTrack.fromLibrary(try store.tracks().filter { $0.status == .done }).map { ($0.id, $0) })
        // Tracks no longer in the library were already left out when the playlist was opened.
        let tracks = saved.trackIDs.compactMap { byID[$0] }
        try context.checkCancellation()
        context.report(0.1, detail: "Sending \(tracks.count) tracks to \(p.player)", force: true)
        let push = PlaylistPush(dataDirectory: configuration.dataDirectory)
        let outcome = BlockingResult<PushReport> { () async throws(PlayerError) -> PushReport in
            try await push.push(tracks, name: saved.name, to: .player(p.player), isCancelled: { context.isCancelled })
        }
        // The playlist remembers where it went and how that went: the Playlists page shows it, and a
        // playlist with a target can be kept current.
        do {
            let report = try outcome.wait()
            _ = try playlists.recordPush(id: saved.id, owner: saved.owner, .sent(target: p.player, missing: report.missing), millis: now())
            return try encodeJSON(report)
        } catch PlayerError.cancelled {
            throw JobError.cancelled
        } catch let error as PlayerError {
            _ = try playlists.recordPush(id: saved.id, owner: saved.owner, .failed(target: p.player, message: "\(error)"), millis: now())
            throw error
        }
    }
}

/// Runs async work to its end from a worker thread (job handlers are synchronous and may block).
final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Value, any Error>?

    init(_ work: @escaping @Sendable () async throws(PlayerError) -> Value) {
        Task {
            let r: Result<Value, any Error>
            do { r = .success(try await work()) } catch { r = .failure(error) }
            lock.withLock { result = r }
            done.signal()
        }
    }

    func wait() throws -> Value {
        done.wait()
        return try lock.withLock { result! }.get()
    }
}
