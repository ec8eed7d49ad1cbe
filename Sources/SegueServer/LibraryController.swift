import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import SegueAudio
import SegueJobs
import SegueLibrary
import SegueMedia
import SeguePlaylists
import SegueStore

/// The Library page and `/api/v1/library`: audio uploads (streamed to disk), analysis jobs, the
/// session's tracks with their descriptors, and each file's status pushed over server-sent events.
struct LibraryController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("library", use: page)
        group.post("api/v1/library/uploads", use: upload)
        group.post("api/v1/library/analyses", use: analyse)
        group.post("api/v1/library/demo", use: demo)
        group.get("api/v1/library/tracks", use: list)
        group.get("api/v1/library/tracks/:id", use: details)
        group.get("api/v1/library/events", use: events)
    }

    func library(_ context: AppRequestContext) throws -> WebLibrary {
        WebLibrary.of(try context.requireSession(), deps: deps)
    }

    /// The library's rows, each with its plays in the session profile's history.
    func entries(_ library: WebLibrary, profileName: String) throws -> [LibraryEntry] {
        let index = try deps.listeningIndex(profileName: profileName)
        return try library.entries { try deps.pool.store.job(id: $0) }.map { entry in
            var e = entry
            e.addListening(index)
            return e
        }
    }

    // MARK: Page

    /// What `library.mustache` shows.
    struct PageView {
        struct Column {
            let key: String
            let label: String
            let lowercased: String
            let numeric: Bool
        }

        let maxUploadBytes: Int
        let limitMB: Int
        let formats: String
        let statuses: [OptionView]
        let hasData: Bool
        let columns: [Column]
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let limitMB = deps.configuration.maxUploadBytes / (1024 * 1024)
        let formats = LibraryIngest.extensions.sorted().map { "." + $0 }.joined(separator: ",")
        // Plays from the person's history: a column only for someone who has one.
        let hasData = (try? deps.hasData(profileName: s.profileName)) ?? false
        let columns: [(String, String, Bool)] =
            [
                ("artist", "Artist", false), ("title", "Title", false), ("album", "Album", false), ("duration_s", "Length", true),
                ("bpm", "BPM", true), ("camelot", "Key", false), ("loudness_lufs", "LUFS", true), ("energy", "Energy", true),
            ] + (hasData ? [("plays", "Plays", true)] : []) + [("tags", "Tags", false), ("status", "Status", false)]
        let view = PageView(
            maxUploadBytes: deps.configuration.maxUploadBytes, limitMB: limitMB, formats: formats,
            statuses: options([("", "All"), ("done", "Done"), ("pending", "In progress"), ("failed", "Failed")], selected: ""),
            hasData: hasData,
            columns: columns.map { PageView.Column(key: $0.0, label: $0.1, lowercased: $0.1.lowercased(), numeric: $0.2) })
        let body = PageTemplates.render("library", view)
        return htmlResponse(layout(page: .library, title: "Library", csrf: s.csrfToken, hasData: hasData, body: body))
    }

    // MARK: Uploads and analyses

    struct UploadView: Codable {
        var id: String
        var name: String
        var bytes: Int
        /// True when the same content was uploaded before: `id` is that upload.
        var duplicate: Bool
    }

    /// Streams the body into the library's files folder, counting bytes against the limit as they
    /// arrive; only the file types the analysis reads are taken.
    func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try library(context)
        let limit = deps.configuration.maxUploadBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.tooLarge(limit: limit)
        }
        let rawName = request.uri.queryParameters["name"].map(String.init) ?? ""
        let name = Self.safeAudioName(rawName)
        guard let name else {
            throw APIError.unsupportedContent(
                "'\(rawName)' is not a file type Segue reads: upload "
                    + LibraryIngest.extensions.sorted().joined(separator: ", ") + " files")
        }
        let id = deps.environment.randomID()
        let folder = library.uploadFolder(id)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let partial = (folder as NSString).appendingPathComponent("upload.partial")
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw APIError.conflict("cannot store the upload")
        }
        var total = 0
        let quota: UploadQuota.Upload
        do {
            quota = try deps.beginUpload(try context.requireSession())
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        defer { quota.end() }
        do {
            defer { try? handle.close() }
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total > limit { throw APIError.tooLarge(limit: limit) }
                try quota.add(buffer.readableBytes)
                try handle.write(contentsOf: buffer.readableBytesView)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        guard total > 0 else {
            try? FileManager.default.removeItem(atPath: folder)
            throw APIError.invalid("'\(name)' is empty (0 bytes)")
        }
        // The content decides, not the name: a playlist, text or anything else named .aif is refused
        // here, before any tool ever opens it.
        do {
            _ = try AudioSniffer.sniff(file: partial)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            context.logger.info("upload refused", metadata: ["name": "\(name)", "reason": "\(error)"])
            throw APIError.unsupportedContent(
                "\(name) is not an audio file Segue can read: upload MP3, FLAC, Ogg, Opus, WAV, AIFF, M4A or AAC files")
        }
        // Reading back a file of up to the upload limit: not on the cooperative pool.
        let hash = try await BlockingWork.run { try LibraryIngest.contentHash(partial) }
        if let earlier = library.uploads().first(where: { $0.contentHash == hash }) {
            try? FileManager.default.removeItem(atPath: folder)
            return try json(UploadView(id: earlier.id, name: earlier.name, bytes: earlier.bytes, duplicate: true), status: .ok)
        }
        let record = WebLibrary.Upload(id: id, name: name, bytes: total, contentHash: hash, job: nil, createdMillis: deps.environment.now())
        try FileManager.default.moveItem(atPath: partial, toPath: library.path(of: record))
        try library.save(record)
        // Created here, before any worker opens it.
        _ = try library.open()
        Counter(label: "segue_library_upload_bytes_total").increment(by: total)
        return try json(UploadView(id: id, name: name, bytes: total, duplicate: false), status: .created)
    }

    /// The client's file name reduced to safe characters, or nil when its extension is not audio Segue reads.
    static func safeAudioName(_ raw: String) -> String? {
        let base = (raw as NSString).lastPathComponent
        var kept = String(
            base.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || "._- ()".unicodeScalars.contains($0) }.map(Character.init))
        while kept.hasPrefix(".") { kept.removeFirst() }
        let ext = (kept as NSString).pathExtension.lowercased()
        guard LibraryIngest.extensions.contains(ext), kept != "upload.json", kept != "upload.partial" else { return nil }
        let stem = String((kept as NSString).deletingPathExtension.prefix(120))
        return (stem.isEmpty ? "audio" : stem) + "." + ext
    }

    struct AnalyseRequest: Codable {
        var uploads: [String]
    }

    /// One analysis job for the given uploads (decoded and analysed on all of a worker's cores).
    func analyse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let library = WebLibrary.of(s, deps: deps)
        let body = try await APIController(deps: deps).decode(AnalyseRequest.self, request)
        guard !body.uploads.isEmpty, body.uploads.count <= 1000 else { throw APIError.invalid("give 1 to 1,000 upload ids") }
        var records: [WebLibrary.Upload] = []
        for id in body.uploads {
            guard let upload = library.upload(id: id) else { throw APIError.notFound("no upload \(id) in your library") }
            if !records.contains(upload) { records.append(upload) }
        }
        let job = try submitAnalysis(records, library: library, owner: s.id)
        return try json(JobView(job), status: .accepted)
    }

    func submitAnalysis(_ uploads: [WebLibrary.Upload], library: WebLibrary, owner: String) throws -> JobRecord {
        let parameters = try encodeJSON(AnalyzeParameters(paths: uploads.map(library.path(of:)), library: library.folder, libraryName: library.name))
        let job = try APIController(deps: deps).submit(owner: owner, kind: AnalyzeParameters.kind, parameters: parameters)
        for var upload in uploads {
            upload.job = job.id
            try library.save(upload)
        }
        return job
    }

    /// Renders the eight demo songs into the library and queues their analysis.
    func demo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let library = WebLibrary.of(s, deps: deps)
        let existing = Set(library.uploads().map(\.name))
        var fresh: [WebLibrary.Upload] = []
        for song in DemoSongs.catalogue() {
            let name = "\(song.artist) - \(song.title).wav"
            if existing.contains(name) { continue }
            let id = deps.environment.randomID()
            try FileManager.default.createDirectory(atPath: library.uploadFolder(id), withIntermediateDirectories: true)
            let data = DemoSongs.wav(song)
            var upload = WebLibrary.Upload(id: id, name: name, bytes: data.count, contentHash: "", job: nil, createdMillis: deps.environment.now())
            try data.write(to: URL(fileURLWithPath: library.path(of: upload)))
            upload.contentHash = try LibraryIngest.contentHash(library.path(of: upload))
            try library.save(upload)
            fresh.append(upload)
        }
        guard !fresh.isEmpty else { throw APIError.conflict("the demo songs are already in your library") }
        _ = try library.open()
        let job = try submitAnalysis(fresh, library: library, owner: s.id)
        return try json(JobView(job), status: .accepted)
    }

    // MARK: Tracks

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try json(try entries(try library(context), profileName: try context.requireSession().profileName))
    }

    struct Similar: Codable {
        var id: Int64
        var artist: String
        var title: String
        /// Cosine distance of the embeddings (0 the same direction).
        var distance: Double
    }

    struct TrackDetails: Codable {
        var track: LibraryEntry
        /// Every descriptor of the analysis by name (the similarity features).
        var descriptors: [String: Double]
        var analysisVersion: Int?
        /// All 50 MSD tag scores, strongest first (empty without the musicnn weights).
        var tags: [LibraryEntry.Tag]
        /// The nearest tracks of this library.
        var similar: [Similar]

        enum CodingKeys: String, CodingKey {
            case track, descriptors
            case analysisVersion = "analysis_version"
            case tags, similar
        }
    }

    func details(_ request: Request, context: AppRequestContext) async throws -> Response {
        let library = try library(context)
        let text = context.parameters.get("id") ?? ""
        let tracks = try library.tracks()
        guard let id = Int64(text), let track = tracks.first(where: { $0.id == id }) else {
            throw APIError.notFound("no track \(text) in your library")
        }
        let fileName = library.uploads().first { $0.contentHash == track.contentHash }?.name ?? (track.path as NSString).lastPathComponent
        var entry = LibraryEntry(track, fileName: fileName)
        entry.upload = library.uploads().first { $0.contentHash == track.contentHash }?.id
        let analysis = track.analysis
        var descriptors: [String: Double] = [:]
        if let analysis {
            for (name, value) in zip(AudioAnalysis.featureNames, analysis.featureVector) { descriptors[name] = Double(value) }
        }
        let playable = PlaylistTrack.fromLibrary(tracks.filter { $0.status == .done })
        var similar: [Similar] = []
        if let me = playable.first(where: { $0.id == id }) {
            let index = try library.similarityIndex(for: playable)
            let byID = Dictionary(uniqueKeysWithValues: playable.map { ($0.id, $0) })
            similar = try index.nearest(to: me.embedding, k: 5, excluding: [id]).compactMap { n in
                byID[n.id].map { Similar(id: $0.id, artist: $0.artist, title: $0.title, distance: n.distance) }
            }
        }
        return try json(
            TrackDetails(
                track: entry, descriptors: descriptors, analysisVersion: analysis?.version,
                tags: track.rankedTags.map { LibraryEntry.Tag(name: $0.name, score: $0.score) }, similar: similar))
    }

    /// `event: entries` with every row first, then `event: entry` with each row whose status or
    /// analysis changed (checked five times a second; rows are rebuilt only when the library's
    /// fingerprint moves) and `: keep-alive` comments when quiet.
    /// `?limit=N` closes the stream after N events (for tests and scripts).
    func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        var limit: Int?
        if let text = request.uri.queryParameters.get("limit") {
            guard let n = Int(text), n > 0 else { throw APIError.invalid("The number of results (limit) must be a positive whole number.") }
            limit = n
        }
        let library = try library(context)
        let controller = self
        let maxEvents = limit
        let pacing = deps.pacing
        // The library's tracks, and the session's jobs (an upload's row shows its job's state).
        let session = try context.requireSession()
        let keys = [StreamPacing.library(library.name), StreamPacing.owner(session.id)]
        let profileName = session.profileName
        let body = ResponseBody { writer in
            var sent = 0
            var last: [String: Data] = [:]
            var stamp = ""
            var lastWrite = ContinuousClock.now
            var lastRebuild = ContinuousClock.now
            let jobs = controller.deps.pool.store
            func key(_ e: LibraryEntry) -> String { e.upload.map { "u" + $0 } ?? "t\(e.id ?? 0)" }
            streaming: while !Task.isCancelled {
                let seen = pacing.version(keys)
                let now = try library.fingerprint { try jobs.job(id: $0) }
                var changed = false
                // Rows are rebuilt when the fingerprint moves, and every 5 s anyway: file times are
                // coarse, and a change must never stay unseen.
                if sent == 0 || now != stamp || ContinuousClock.now - lastRebuild > .seconds(5) {
                    stamp = now
                    lastRebuild = .now
                    let current = try controller.entries(library, profileName: profileName)
                    if sent == 0 {
                        try await writer.write(ByteBuffer(string: "event: entries\ndata: \(try encodeJSON(current))\n\n"))
                        for e in current { last[key(e)] = try encodedJSON(e) }
                        sent = 1
                        changed = true
                        if let maxEvents, sent >= maxEvents { break streaming }
                    } else {
                        for e in current {
                            let data = try encodedJSON(e)
                            guard last[key(e)] != data else { continue }
                            last[key(e)] = data
                            try await writer.write(ByteBuffer(string: "event: entry\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                            changed = true
                            sent += 1
                            if let maxEvents, sent >= maxEvents { break streaming }
                        }
                    }
                }
                if changed {
                    lastWrite = .now
                } else if ContinuousClock.now - lastWrite > .seconds(15) {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
                try await pacing.wait(keys, since: seen)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }
}

/// An HTML page response (not cached: pages show the session's own data).
func htmlResponse(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}
