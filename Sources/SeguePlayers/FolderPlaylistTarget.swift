import Foundation
import SeguePlaylists

/// A watched playlist folder (Navidrome's `PlaylistsPath`, a Jellyfin library folder): writes
/// `NAME.m3u8` with each path as the player's server sees it, atomically (a temporary file in the same
/// folder, then a rename), so a scan never reads half a playlist and a rewrite keeps the file's name.
public struct FolderPlaylistTarget: Sendable {
    public let folder: String
    public let mapping: PathMapping?

    public init(folder: String, mapping: PathMapping? = nil) {
        self.folder = folder
        self.mapping = mapping
    }

    /// The target's name in reports.
    public var target: String { "folder:\(folder)" }

    /// Writes the playlist (replacing an earlier one of the same name).
    /// - Throws: `PlayerError.invalidPlaylistName`, `.folderUnavailable`.
    public func write(_ tracks: [PlaylistTrack], name: String) throws(PlayerError) -> PushReport {
        let name = try PlaylistName.validated(name)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw PlayerError.folderUnavailable(path: folder, detail: "it is not an existing folder")
        }
        let mapped = tracks.map { t -> PlaylistTrack in
            var t = t
            t.path = mapping?.apply(t.path) ?? t.path
            return t
        }
        let text = PlaylistExport.render(mapped, format: .m3u8, title: name)
        let file = (folder as NSString).appendingPathComponent(name + ".m3u8")
        let temporary = (folder as NSString).appendingPathComponent(".\(name).m3u8.\(ProcessInfo.processInfo.processIdentifier).tmp")
        let existed = FileManager.default.fileExists(atPath: file)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw PlayerError.folderUnavailable(path: folder, detail: "writing \(temporary) failed (\(error.localizedDescription))")
        }
        guard rename(temporary, file) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw PlayerError.folderUnavailable(path: folder, detail: "renaming onto \(file) failed (\(reason))")
        }
        let matched = tracks.map {
            PushReport.Matched(trackID: $0.id, name: PushReport.name(of: $0), songID: mapping?.apply($0.path) ?? $0.path, match: .path)
        }
        return PushReport(target: target, playlistName: name, playlistID: file, created: !existed, matched: matched, missing: [])
    }
}
