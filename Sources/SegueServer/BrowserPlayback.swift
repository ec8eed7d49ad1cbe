import Foundation
import SegueJobs
import SegueMedia
import SegueStore

/// What the player serves for a library track, prepared by a job (never in a request): the file
/// itself with its media type when browsers play it, else an MP3 copy made once and kept.
///
/// Kept in the library's `library-playback/` folder, named after the track and its content:
/// `<id>-<hash>.mp3` (the copy) or `<id>-<hash>.type` (the media type of the file as it is).
struct BrowserPlayback: Sendable {
    /// The library's folder (`library-playback/` goes inside).
    let libraryFolder: String

    var folder: String { (libraryFolder as NSString).appendingPathComponent("library-playback") }

    func base(_ track: LibraryTrack) -> String {
        (folder as NSString).appendingPathComponent("\(track.id)-\(track.contentHash.prefix(16))")
    }

    /// The file and media type to serve, or nil when nothing is prepared yet. Runs no tool.
    func prepared(_ track: LibraryTrack) -> (path: String, mediaType: String)? {
        let copy = base(track) + ".mp3"
        if FileManager.default.fileExists(atPath: copy) { return (copy, "audio/mpeg") }
        guard let data = FileManager.default.contents(atPath: base(track) + ".type") else { return nil }
        let type = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return type.hasPrefix("audio/") ? (track.path, type) : nil
    }

    /// Decides how `track` is played and makes the MP3 copy when browsers cannot play the file.
    /// Only for analysed tracks; runs ffprobe/ffmpeg under their limits (call from a job).
    /// - Throws: `MediaError` when the file cannot be read or converted.
    func prepare(_ track: LibraryTrack, tools: FFmpegTools) throws {
        guard track.status == .done, prepared(track) == nil else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tags = try AudioTags.probe(track.path, tools: tools)
        if let container = tags.container, let type = BrowserAudio.mediaType(container: container, codec: tags.codec) {
            try Data(type.utf8).write(to: URL(fileURLWithPath: base(track) + ".type"), options: .atomic)
        } else {
            try BrowserAudio.transcode(track.path, to: base(track) + ".mp3", tools: tools)
        }
    }

    /// Marks `track` as having a preparation job on its way; false when one was marked in the last
    /// ten minutes (so many requests for a track start one job).
    func claim(_ track: LibraryTrack, now: Date = Date()) -> Bool {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let marker = base(track) + ".pending"
        if let modified = (try? FileManager.default.attributesOfItem(atPath: marker))?[.modificationDate] as? Date,
            now.timeIntervalSince(modified) < 600
        {
            return false
        }
        try? FileManager.default.removeItem(atPath: marker)
        let fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    func release(_ track: LibraryTrack) {
        try? FileManager.default.removeItem(atPath: base(track) + ".pending")
    }
}

/// What a playback job prepares: one analysed track of one library.
public struct PlaybackParameters: Codable, Sendable, Equatable {
    /// The library's folder.
    public var library: String
    /// Its name when the libraries are on PostgreSQL.
    public var libraryName: String?
    public var track: Int64

    /// The job kind on the queue.
    public static let kind = "playback"
}

/// Prepares one track for the browser's player (`BrowserPlayback.prepare`).
struct PlaybackJobHandler: JobHandler {
    let libraries: LibraryLocation

    func run(_ job: JobRecord, context: JobContext) throws -> String {
        let parameters = try decodeParameters(PlaybackParameters.self, job)
        let store = try libraries.open(folder: parameters.library, name: parameters.libraryName ?? LibraryLocation.home)
        let playback = BrowserPlayback(libraryFolder: parameters.library)
        guard let track = try store.tracks().first(where: { $0.id == parameters.track }) else { return "{}" }
        defer { playback.release(track) }
        try playback.prepare(track, tools: try FFmpegTools.locate())
        return "{}"
    }
}
