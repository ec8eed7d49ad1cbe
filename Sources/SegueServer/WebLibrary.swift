import Foundation
import SegueAudio
import SegueLibrary
import SegueModel
import SeguePlaylists
import SegueStore

/// The music library one browser session sees: a folder with its own `library.sqlite`, the audio
/// files uploaded into it and their covers.
///
/// Each session has its own folder inside its session directory, so one session never sees
/// another's uploads and "Delete my data" (or expiry) erases the library with the session. A
/// `--single-user` install uses the data folder itself: the same library `segue library add` fills.
struct WebLibrary: Sendable {
    /// Holds `library.sqlite`, `library-files/` (one folder per upload) and `library-art/`.
    let folder: String
    /// A session's own library (exports name files, not server paths), not the single-user home library.
    let isSessionLibrary: Bool
    /// Its name in the database, when the libraries are on PostgreSQL.
    let name: String
    /// SQLite files in the folders, or PostgreSQL.
    let location: LibraryLocation

    static func of(_ session: WebSession, deps: ServerDependencies) -> WebLibrary {
        let configuration = deps.configuration
        if configuration.singleUserProfile != nil {
            return WebLibrary(
                folder: configuration.dataDirectory, isSessionLibrary: false, name: LibraryLocation.home, location: deps.libraries)
        }
        return WebLibrary(
            folder: (configuration.sessionDirectory(session.id) as NSString).appendingPathComponent("library"), isSessionLibrary: true,
            name: LibraryLocation.sessionLibrary(session.id), location: deps.libraries)
    }

    var filesFolder: String { (folder as NSString).appendingPathComponent("library-files") }

    /// The store, created on first use.
    func open() throws -> any LibraryStore { try location.open(folder: folder, name: name) }

    /// The nearest-neighbour index for `tracks`, this library's playable tracks (see
    /// `LibraryStore.similarityIndex(for:)`).
    func similarityIndex(for tracks: [PlaylistTrack]) throws -> any SimilarityIndex {
        guard !tracks.isEmpty else { return ExactSimilarityIndex(dimensions: 0) }
        return try open().similarityIndex(for: tracks)
    }

    /// The stored tracks, or none when nothing was ever added (without creating the database file).
    func tracks() throws -> [LibraryTrack] {
        guard location.stores.mayHoldTracks(folder: folder, name: name) else { return [] }
        return try open().tracks()
    }

    // MARK: Uploads

    /// One uploaded file, described by `upload.json` beside it.
    struct Upload: Codable, Sendable, Equatable {
        var id: String
        /// The file name inside the upload's folder (the client's name, made safe).
        var name: String
        var bytes: Int
        var contentHash: String
        /// The analysis job that reads it, once submitted.
        var job: String?
        var createdMillis: Int64
    }

    func uploadFolder(_ id: String) -> String { (filesFolder as NSString).appendingPathComponent(id) }
    func path(of upload: Upload) -> String { (uploadFolder(upload.id) as NSString).appendingPathComponent(upload.name) }

    func upload(id: String) -> Upload? {
        guard isWellFormedID(id) else { return nil }
        let meta = (uploadFolder(id) as NSString).appendingPathComponent("upload.json")
        guard let data = FileManager.default.contents(atPath: meta) else { return nil }
        return try? JSONDecoder().decode(Upload.self, from: data)
    }

    func save(_ upload: Upload) throws {
        let meta = (uploadFolder(upload.id) as NSString).appendingPathComponent("upload.json")
        try Data(try encodeJSON(upload).utf8).write(to: URL(fileURLWithPath: meta), options: .atomic)
    }

    /// Every upload, oldest first.
    func uploads() -> [Upload] {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: filesFolder)) ?? []
        return ids.compactMap(upload(id:)).sorted { ($0.createdMillis, $0.id) < ($1.createdMillis, $1.id) }
    }

    // MARK: What the page shows

    /// A message without the server's folders: the file's path becomes its name.
    func scrub(_ message: String, _ path: String, _ name: String) -> String {
        message.replacingOccurrences(of: path, with: name).replacingOccurrences(of: folder + "/", with: "")
    }

    /// Changes whenever `entries` may have changed (the database files, the uploads, their jobs'
    /// states), and is cheap to compute: the library stream rebuilds its rows only when it moves.
    func fingerprint(job: (String) throws -> JobRecord?) throws -> String {
        var parts = try location.stores.fingerprint(folder: folder, name: name)
        for u in uploads() {
            parts.append("\(u.id):\(u.job ?? "-"):\(try u.job.flatMap(job)?.state.rawValue ?? "-")")
        }
        return parts.joined(separator: "|")
    }

    /// Each uploaded file and each track, once: an upload whose content is in the store shows as
    /// that track; one that is not (yet) shows its job's state, or why the analysis refused it.
    func entries(job: (String) throws -> JobRecord?) throws -> [LibraryEntry] {
        let tracks = try self.tracks()
        var byHash: [String: LibraryTrack] = [:]
        for t in tracks { byHash[t.contentHash] = t }
        var claimed: Set<Int64> = []
        var out: [LibraryEntry] = []
        for u in uploads() {
            if let t = byHash[u.contentHash] {
                guard claimed.insert(t.id).inserted else { continue }
                var entry = LibraryEntry(t, fileName: u.name)
                entry.upload = u.id
                entry.error = entry.error.map { scrub($0, t.path, u.name) }
                out.append(entry)
                continue
            }
            var entry = LibraryEntry(upload: u)
            if let id = u.job, let record = try job(id) {
                switch record.state {
                case .queued, .running: entry.status = "queued"
                case .cancelled: (entry.status, entry.error) = ("failed", "the analysis was cancelled")
                case .failed, .dead: (entry.status, entry.error) = ("failed", record.error ?? "the analysis failed")
                case .succeeded:
                    let report = record.result.flatMap { try? JSONDecoder().decode(LibraryIngest.Report.self, from: Data($0.utf8)) }
                    entry.status = "failed"
                    entry.error = report?.failed[path(of: u)] ?? "the analysis did not add this file"
                }
            }
            entry.error = entry.error.map { scrub($0, path(of: u), u.name) }
            out.append(entry)
        }
        for t in tracks where !claimed.contains(t.id) {
            out.append(LibraryEntry(t, fileName: (t.path as NSString).lastPathComponent))
        }
        return out
    }
}

/// A row of the Library page and of `GET /api/v1/library/tracks`, in the shape of
/// `segue library list --format json` (without server paths): an analysed track, or an uploaded
/// file on its way (`status` uploaded or queued) or refused (`failed` with `error`).
struct LibraryEntry: Codable, Sendable, Equatable {
    struct Tag: Codable, Sendable, Equatable {
        var name: String
        var score: Double
    }
    /// The track id, once the file is in the library.
    var id: Int64?
    /// The upload it came from, if uploaded through the web app.
    var upload: String?
    var file: String
    var artist: String?
    var title: String?
    var album: String?
    /// The file's ISRC and MusicBrainz recording id, when its tags have them.
    var isrc: String?
    var recordingMBID: String?
    var durationSeconds: Double?
    var bpm: Double?
    var bpmConfidence: Double?
    var key: String?
    var camelot: String?
    var loudnessLUFS: Double?
    var energy: Double?
    /// musicnn's three strongest tags, when its weights were installed.
    var tags: [Tag] = []
    /// uploaded, queued, decoding, analyzing, done or failed.
    var status: String
    var error: String?
    /// Plays of this song in the person's listening history (matched as `ListeningIndex` says), for
    /// files in the library; nil for uploads on their way.
    var plays: Int?
    /// The day of the most recent of them (YYYY-MM-DD, UTC).
    var lastPlayed: String?

    enum CodingKeys: String, CodingKey {
        case id, upload, file, artist, title, album, isrc
        case recordingMBID = "recording_mbid"
        case durationSeconds = "duration_s"
        case bpm
        case bpmConfidence = "bpm_confidence"
        case key,
            camelot
        case loudnessLUFS = "loudness_lufs"
        case energy, tags, status, error, plays
        case lastPlayed = "last_played"
    }

    /// Fills `plays` and `lastPlayed` from the history (a file the history never played: 0 plays).
    mutating func addListening(_ index: ListeningIndex?) {
        guard id != nil else { return }
        let listening = index?.listening(artist: artist, title: title, album: album, isrc: isrc, mbid: recordingMBID)
        plays = listening?.plays ?? 0
        lastPlayed = listening.map { CalendarDay(time: $0.lastPlayed).description }
    }

    init(upload: WebLibrary.Upload) {
        file = upload.name
        self.upload = upload.id
        status = "uploaded"
    }

    init(_ t: LibraryTrack, fileName: String) {
        id = t.id
        file = fileName
        artist = t.artist
        title = t.title
        album = t.album
        isrc = t.isrc
        recordingMBID = t.recordingMBID
        durationSeconds = t.durationSeconds > 0 ? t.durationSeconds : nil
        status = t.status.rawValue
        // One line: reasons are one sentence now; libraries analysed before held tool logs.
        error = t.error.map { sentence(String(($0.split(whereSeparator: \.isNewline).first ?? "").prefix(200))) }
        guard t.status == .done, let a = t.analysis else { return }
        bpm = Double(a.tempo.bpm)
        bpmConfidence = Double(a.tempo.confidence)
        key = a.key.name
        camelot = a.key.camelot
        loudnessLUFS = a.loudness.integratedLUFS
        energy = Double(a.energy.energy)
        tags = t.rankedTags.prefix(3).map { Tag(name: $0.name, score: $0.score) }
    }
}
