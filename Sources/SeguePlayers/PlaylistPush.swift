import Foundation
import SeguePlaylists

#if canImport(Glibc)
    import Glibc
#endif

/// Where a playlist goes, as `--push` names it: a player registered in the data folder, or
/// `folder:/path` (a watched folder given on the command line).
public enum PushTarget: Sendable, Equatable, CustomStringConvertible {
    case player(String)
    case folder(String)

    /// Parses `NAME` or `folder:/absolute/path`.
    /// - Throws: `.invalidPlayerName`, `.folderUnavailable` for a relative folder.
    public init(_ text: String) throws(PlayerError) {
        if text.hasPrefix("folder:") {
            let path = String(text.dropFirst("folder:".count))
            guard path.hasPrefix("/"), !path.contains("\0"), !path.contains("\n") else {
                throw PlayerError.folderUnavailable(path: path, detail: "give an absolute path after 'folder:'")
            }
            self = .folder(path)
        } else {
            try PlayerRegistry.checkName(text)
            self = .player(text)
        }
    }

    public var description: String {
        switch self {
        case .player(let name): return name
        case .folder(let path): return "folder:\(path)"
        }
    }
}

/// Sends playlists to the players a data folder knows (`players.json`) or to a watched folder, and
/// remembers the server id each pushed playlist got so the next push replaces it in place. The CLI's
/// `--push` and the web app's "Send to" job both come here.
public struct PlaylistPush: Sendable {
    /// The players file.
    public let registryPath: String
    public var options: SubsonicClient.Options
    /// Milliseconds since 1970, for the record of each push.
    public var now: @Sendable () -> Int64

    /// - Parameter dataDirectory: the data folder holding `players.json`.
    public init(
        dataDirectory: String, options: SubsonicClient.Options = SubsonicClient.Options(),
        now: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    ) {
        self.registryPath = PlayerRegistry.path(inDataDirectory: dataDirectory)
        self.options = options
        self.now = now
    }

    /// Finds the tracks on the target and writes the playlist there.
    /// - Parameters:
    ///   - pathMapping: for `folder:` targets (a registered folder player has its own).
    ///   - isCancelled: asked between lookups on a Subsonic server (see `SubsonicPusher.push`).
    /// - Throws: `PlayerError`: an unknown player, an unreachable or refusing server, a folder that
    ///   cannot be written, `.cancelled`.
    public func push(
        _ tracks: [PlaylistTrack], name: String, to target: PushTarget, pathMapping: PathMapping? = nil,
        isCancelled: @Sendable () -> Bool = { false }
    ) async throws(PlayerError) -> PushReport {
        switch target {
        case .folder(let path):
            return try FolderPlaylistTarget(folder: path, mapping: pathMapping).write(tracks, name: name)
        case .player(let playerName):
            let player = try PlayerRegistry.load(from: registryPath).player(playerName)
            var report: PushReport
            if let folder = player.folder {
                report = try FolderPlaylistTarget(folder: folder, mapping: player.pathMapping).write(tracks, name: name)
                report.target = player.name
            } else {
                let client = try await SubsonicClient.connect(server: player.url, user: player.user, password: player.password, options: options)
                let clean = try PlaylistName.validated(name)
                report = try await SubsonicPusher(client: client, libraryRoot: player.libraryRoot, target: player.name)
                    .push(tracks, name: clean, previousID: player.pushed[clean], isCancelled: isCancelled)
            }
            let record = PlayerRegistry.PushRecord(millis: now(), matched: report.matched.count, missing: report.missing)
            try PlayerRegistry.update(at: registryPath) { [report] (registry: inout PlayerRegistry) throws(PlayerError) in
                // The player may have been removed meanwhile: then there is nothing to remember.
                if let i = registry.players.firstIndex(where: { $0.name == player.name }) {
                    if player.folder == nil { registry.players[i].pushed[report.playlistName] = report.playlistID }
                    registry.players[i].lastPushes = (registry.players[i].lastPushes ?? [:]).merging([report.playlistName: record]) { $1 }
                }
            }
            return report
        }
    }
}

extension PlayerRegistry {
    /// A playlist renamed in Segue: what the player remembers of `old` (its server id, the last push)
    /// is kept under `new`, so the next push replaces and renames the same server playlist instead
    /// of making a second one. Nothing happens for a player that never got `old`.
    public static func renamePushed(at path: String, player: String, from old: String, to new: String) throws(PlayerError) {
        guard old != new else { return }
        try update(at: path) { (registry: inout PlayerRegistry) throws(PlayerError) in
            guard let i = registry.players.firstIndex(where: { $0.name == player }) else { return }
            if let id = registry.players[i].pushed.removeValue(forKey: old) { registry.players[i].pushed[new] = id }
            if let record = registry.players[i].lastPushes?.removeValue(forKey: old) { registry.players[i].lastPushes?[new] = record }
        }
    }

    /// Reads, changes and writes the players file under an exclusive lock (`players.json.lock`), so
    /// a push recording its playlist id and `segue players add` in another process lose nothing.
    public static func update(at path: String, _ change: (inout PlayerRegistry) throws(PlayerError) -> Void) throws(PlayerError) {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let fd = open(path + ".lock", O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw PlayerError.registry(path: path, detail: "its lock file cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else {
            throw PlayerError.registry(path: path, detail: "it cannot be locked (\(String(cString: strerror(errno))))")
        }
        defer { flock(fd, LOCK_UN) }
        var registry = try load(from: path)
        try change(&registry)
        try registry.save(to: path)
    }
}
