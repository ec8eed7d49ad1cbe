import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import SegueImport
import SegueJobs
import SegueKafka
import SegueLive
import SegueModel
import SeguePlayers
import SegueStore

/// Everything the server needs, built once and shared by the controllers.
public struct ServerDependencies: Sendable {
    public let configuration: ServerConfiguration
    public let environment: ServerEnvironment
    public let plays: any PlayStore
    public let feedback: any FeedbackStore
    /// Saved playlists (PostgreSQL with `--database`, else the web store's file).
    public let playlists: any SavedPlaylistStore
    /// Published recaps (the same store as the saved playlists).
    public let shares: any RecapShareStore
    public let pool: WorkerPool
    public let sessions: SessionManager
    let cache: ChartCache
    /// ListenBrainz users and listens, and the live view they feed.
    public let listens: any ListenStore
    /// Ingest tokens and bulk events (the same file as the listens).
    public let events: any EventStore
    public let live: LiveHub
    /// Where the music libraries are (the folders' SQLite files, or PostgreSQL).
    public let libraries: LibraryLocation
    /// How streams wait for changes (polling SQLite, or PostgreSQL's notifications).
    let pacing: StreamPacing
    /// Other nodes' live events, with `--database` (see `LiveFeed`).
    public var liveFeed: (any LiveFeed)? = nil
    /// The `segue worker` processes that run the jobs, when they do not run in this process.
    public var supervisor: WorkerSupervisor? = nil
    /// Bulk events from a Kafka topic (`--kafka-brokers`), stored here and counted in `live`.
    public var kafka: KafkaEventSource? = nil
    /// Per-session caps on stored uploads.
    let uploadQuota: UploadQuota
    /// Password tries per address on `/login`.
    let loginThrottle = LoginThrottle()
    /// Each profile's Settings (time zone, theme, Explore's defaults); nil: everyone gets the defaults.
    public var preferences: (any ProfilePreferenceStore)? = nil

    /// Starts counting an upload of `session` against its quota (its export uploads and its own
    /// library's files; a `--single-user` home library is the owner's, not counted).
    func beginUpload(_ session: WebSession) throws -> UploadQuota.Upload {
        var folders = [(configuration.sessionDirectory(session.id) as NSString).appendingPathComponent("uploads")]
        let library = WebLibrary.of(session, deps: self)
        if library.isSessionLibrary { folders.append(library.filesFolder) }
        return try uploadQuota.begin(session: session.id, stored: UploadQuota.stored(in: folders))
    }
}

/// `/api/v1`: sessions, uploads and imports, charts, render jobs with SSE progress, downloads, feedback.
struct APIController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("session", use: session)
        group.delete("session", use: deleteSession)
        group.post("uploads", use: upload)
        group.post("imports", use: startImport)
        group.get("top", use: top)
        group.get("stats", use: stats)
        group.get("history", use: history)
        group.get("race", use: race)
        group.post("renders", use: startRender)
        group.get("jobs", use: listJobs)
        group.get("jobs/:id", use: getJob)
        group.delete("jobs/:id", use: cancelJob)
        group.get("jobs/:id/events", use: jobEvents)
        group.get("jobs/:id/files/:format", use: download)
        group.post("feedback", use: postFeedback)
        group.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }

    // MARK: Session

    struct SessionView: Codable {
        var csrfToken: String
        var expiresAt: String
        var hasData: Bool
        var singleUser: Bool
    }

    /// The session and its CSRF token; asking for the token is what stores a session that only read until now.
    func session(_ request: Request, context: AppRequestContext) async throws -> Response {
        var s = try context.requireSession()
        if !context.sessionIsStored { s = try deps.sessions.store(s) }
        let expires = Double(s.lastSeenMillis) / 1000 + deps.configuration.sessionTTLSeconds
        return try json(
            SessionView(
                csrfToken: s.csrfToken, expiresAt: iso8601(expires), hasData: try hasData(s),
                singleUser: deps.configuration.singleUserProfile != nil))
    }

    func hasData(_ s: WebSession) throws -> Bool {
        try deps.hasData(profileName: s.profileName)
    }

    func deleteSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        try deps.sessions.erase(s)
        return Response(
            status: .noContent,
            headers: [.setCookie: SessionMiddleware.expiredCookie(secure: deps.configuration.isBehindTLS)])
    }

    // MARK: Uploads and imports

    struct UploadView: Codable {
        var id: String
        var name: String
        var bytes: Int
        var contentKind: String
    }

    /// Streams the body to the session's folder, counting bytes against the limit as they arrive.
    func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let limit = deps.configuration.maxUploadBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw APIError.tooLarge(limit: limit)
        }
        let rawName = request.uri.queryParameters["name"].map(String.init) ?? "upload"
        let id = deps.environment.randomID()
        let folder = (deps.configuration.sessionDirectory(s.id) as NSString).appendingPathComponent("uploads/\(id)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let partial = (folder as NSString).appendingPathComponent("upload.partial")
        guard FileManager.default.createFile(atPath: partial, contents: nil),
            let handle = FileHandle(forWritingAtPath: partial)
        else { throw APIError.conflict("cannot store the upload") }
        var total = 0
        var head: [UInt8] = []
        let quota: UploadQuota.Upload
        do {
            quota = try deps.beginUpload(s)
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
                if head.count < HistoryFormat.sniffBytes { head += buffer.readableBytesView.prefix(HistoryFormat.sniffBytes - head.count) }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
        guard let kind = UploadContent.sniff(head) else {
            try? FileManager.default.removeItem(atPath: folder)
            throw APIError.unsupportedContent(
                "that file is not a listening history Segue reads: upload the ZIP Spotify sent you or its JSON files, a Last.fm CSV, a ListenBrainz export, Apple Music Play Activity.csv or YouTube's watch-history.json"
            )
        }
        let name = UploadContent.safeName(rawName, kind: kind)
        try FileManager.default.moveItem(atPath: partial, toPath: (folder as NSString).appendingPathComponent(name))
        Counter(label: "segue_upload_bytes_total").increment(by: total)
        return try json(UploadView(id: id, name: name, bytes: total, contentKind: kind.rawValue), status: .created)
    }

    struct ImportRequest: Codable {
        var uploads: [String]?
        var demo: Bool?
    }

    func startImport(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let body = try await decode(ImportRequest.self, request)
        let demo = body.demo ?? false
        var paths: [String] = []
        if !demo {
            guard let uploads = body.uploads, !uploads.isEmpty else {
                throw APIError.invalid("give the ids of your uploads, or demo: true")
            }
            for id in uploads {
                guard isWellFormedID(id) else { throw APIError.notFound("no upload \(id)") }
                let folder = (deps.configuration.sessionDirectory(s.id) as NSString).appendingPathComponent("uploads/\(id)")
                let files = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { !$0.hasSuffix(".partial") } ?? []
                guard let file = files.first else { throw APIError.notFound("no upload \(id)") }
                paths.append((folder as NSString).appendingPathComponent(file))
            }
        }
        let parameters = try encodeJSON(ImportParameters(profile: s.profileName, paths: paths, demo: demo))
        let job = try submit(owner: s.id, kind: ImportParameters.kind, parameters: parameters)
        return try json(JobView(job), status: .accepted)
    }

    func submit(owner: String, kind: String, parameters: String) throws -> JobRecord {
        do {
            return try deps.pool.submit(owner: owner, kind: kind, parameters: parameters)
        } catch let error as JobError {
            throw APIError.tooManyJobs(error.description)
        }
    }

    // MARK: Charts

    func profile(_ context: AppRequestContext) throws -> Profile? {
        try deps.plays.existingProfile(named: try context.requireSession().profileName)
    }

    func top(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = try ChartParameters(request.uri.queryParameters, now: deps.environment.now())
        let name = try context.requireSession().profileName
        // The encoded answer is cached too: encoding 50 entries costs more than finding them.
        let body = try deps.cache.value(profile: name, key: "json|" + ChartCache.key(q.query)) {
            try encodedJSON(try deps.top(q.query, profileName: name))
        }
        return jsonResponse(body)
    }

    /// The session's merged listening history as a download (`format=listenbrainz|csv`, with the
    /// chart parameters' range and sources).
    func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = try ChartParameters(request.uri.queryParameters, now: deps.environment.now())
        let formatName = request.uri.queryParameters["format"].map(String.init) ?? "listenbrainz"
        guard let format = HistoryExport.Format(rawValue: formatName) else {
            throw APIError.invalid("The export format (format) must be listenbrainz or csv.")
        }
        guard let profile = try profile(context) else { throw APIError.conflict("import your history (or the demo data) first") }
        let plays = deps.plays
        let body = try await BlockingWork.run {
            var buffer = ByteBuffer()
            HistoryExport.write(try plays.musicColumns(profile: profile).restricted(to: q.sources), range: q.range, format: format) {
                buffer.writeString($0)
            }
            return buffer
        }
        let (name, type) = format == .csv ? ("segue-history.csv", "text/csv; charset=utf-8") : ("segue-history.jsonl", "application/x-ndjson")
        return Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: body))
    }

    func stats(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = try ChartParameters(request.uri.queryParameters, now: deps.environment.now())
        return try json(try deps.stats(q.range, sources: q.sources, profileName: try context.requireSession().profileName))
    }

    func race(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = try ChartParameters(request.uri.queryParameters, now: deps.environment.now())
        let periodName = request.uri.queryParameters["period"].map(String.init) ?? "month"
        guard let period = RacePeriod(rawValue: periodName) else { throw APIError.invalid("The race step (period) must be day, week or month.") }
        guard q.limit <= 20 else { throw APIError.invalid("A race shows at most 20 entries (limit).") }
        let query = RaceQuery(kind: q.kind, metric: q.metric, from: q.from, to: q.to, period: period, top: q.limit, sources: q.sources)
        guard let profile = try profile(context) else {
            return try json(RaceData(kind: q.kind, metric: q.metric, period: period, periods: [], entities: [], values: []))
        }
        return try json(try deps.plays.race(query, timeZone: .gmt, profile: profile))
    }

    // MARK: Renders and jobs

    func startRender(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        var body = try await decode(RenderParameters.self, request).validated()
        guard try hasData(s) else { throw APIError.conflict("import your history (or the demo data) first") }
        body.profile = s.profileName
        let job = try submit(owner: s.id, kind: RenderParameters.kind, parameters: try encodeJSON(body))
        return try json(JobView(job), status: .accepted)
    }

    /// The job `id` if it belongs to this session; a 404 otherwise (never a 403: ids are not confirmed).
    func ownedJob(_ context: AppRequestContext) throws -> JobRecord {
        let s = try context.requireSession()
        let id = context.parameters.get("id") ?? ""
        guard isWellFormedID(id), let job = try deps.pool.store.job(id: id), job.owner == s.id else {
            throw APIError.notFound("no job \(id)")
        }
        return job
    }

    func listJobs(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        return try json(try deps.pool.store.jobs(owner: s.id, limit: 50).map(JobView.init))
    }

    func getJob(_ request: Request, context: AppRequestContext) async throws -> Response {
        try json(JobView(try ownedJob(context)))
    }

    func cancelJob(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try ownedJob(context)
        let updated = try deps.pool.cancel(id: job.id) ?? job
        return try json(JobView(updated), status: .accepted)
    }

    /// Server-sent events: a `progress` event whenever the job changes, then `done` with its final state.
    func jobEvents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try ownedJob(context)
        let store = deps.pool.store
        let pacing = deps.pacing
        let keys = [StreamPacing.job(job.id)]
        let body = ResponseBody { writer in
            var last = ""
            var lastWrite = ContinuousClock.now
            while !Task.isCancelled {
                let seen = pacing.version(keys)
                guard let current = try store.job(id: job.id) else { break }
                let payload = try encodeJSON(JobView(current))
                if payload != last {
                    let event = current.state.isFinal ? "done" : "progress"
                    try await writer.write(ByteBuffer(string: "event: \(event)\ndata: \(payload)\n\n"))
                    last = payload
                    lastWrite = .now
                } else if ContinuousClock.now - lastWrite > .seconds(15) {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = .now
                }
                if current.state.isFinal { break }
                try await pacing.wait(keys, since: seen)
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body)
    }

    func download(_ request: Request, context: AppRequestContext) async throws -> Response {
        let job = try ownedJob(context)
        let format = context.parameters.get("format") ?? ""
        guard job.state == .succeeded, job.kind == RenderParameters.kind || job.kind == RecapVideoParameters.kind, let resultText = job.result,
            let result = try? JSONDecoder().decode(RenderResult.self, from: Data(resultText.utf8)),
            let file = result.files.first(where: { $0.format == format })
        else { throw APIError.notFound("no \(format) file for job \(job.id)") }
        let path = (deps.configuration.sessionDirectory(job.owner) as NSString).appendingPathComponent("renders/\(file.name)")
        let attachment = request.uri.queryParameters["download"] != nil
        let parameters = try? JSONDecoder().decode(RenderParameters.self, from: Data(job.parameters.utf8))
        let niceName =
            job.kind == RecapVideoParameters.kind
            ? "segue-recap-\(job.id.prefix(6)).\(format)" : "segue-top-\(parameters?.kind.rawValue ?? "chart")-\(job.id.prefix(6)).\(format)"
        var headers: HTTPFields = [
            .contentType: file.mediaType, .cacheControl: "private, max-age=3600", .acceptRanges: "bytes",
            .contentDisposition: "\(attachment ? "attachment" : "inline"); filename=\"\(niceName)\"",
        ]
        // Safari and iOS play video only with byte ranges.
        if let header = request.headers[.range], let range = byteRange(header, size: file.bytes) {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(file.bytes)"
            headers[.contentLength] = "\(range.count)"
            let body = try await FileIO().loadFile(path: path, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        headers[.contentLength] = "\(file.bytes)"
        return Response(status: .ok, headers: headers, body: try await FileIO().loadFile(path: path, context: context))
    }

    // MARK: Feedback

    struct FeedbackRequest: Codable {
        var message: String
        var rating: Int?
        var contact: String?
    }

    struct Created: Codable { var id: Int64 }

    func postFeedback(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await decode(FeedbackRequest.self, request)
        let id = try storeFeedback(message: body.message, rating: body.rating, contact: body.contact)
        return try json(Created(id: id), status: .created)
    }

    func storeFeedback(message: String, rating: Int?, contact: String?) throws -> Int64 {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 5_000 else { throw APIError.invalid("write a message of up to 5,000 characters") }
        if let rating, !(1...5).contains(rating) { throw APIError.invalid("The rating must be 1 to 5 stars.") }
        let contactText = contact?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let contactText, contactText.count > 200 { throw APIError.invalid("The contact line (contact) must be at most 200 characters.") }
        return try deps.feedback.addFeedback(
            message: text, rating: rating, contact: contactText?.isEmpty == false ? contactText : nil, millis: deps.environment.now())
    }

    // MARK: Helpers

    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.invalid(Self.sentence(for: error))
        }
    }

    /// What was wrong with a request body, in one sentence naming the field (never the decoder's dump).
    static func sentence(for error: any Error) -> String {
        func name(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            let parts = (path + (key.map { [$0] } ?? [])).map { $0.intValue.map { "item \($0 + 1)" } ?? $0.stringValue }
            return parts.isEmpty ? "the body" : parts.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "The field \(name(context.codingPath, key)) is missing."
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "The field \(name(context.codingPath)) has the wrong type."
        case .dataCorrupted(let context)? where !context.codingPath.isEmpty: return "The field \(name(context.codingPath)) is not valid."
        default: return "The request body is not valid JSON."
        }
    }
}

/// A job as the API shows it.
struct JobView: Codable, Sendable {
    /// The kinds of job a session can own, as its `kind` says.
    static let kinds = [
        ImportParameters.kind, RenderParameters.kind, AnalyzeParameters.kind, PushPlaylistParameters.kind, RefreshPlaylistParameters.kind,
        PlaybackParameters.kind, RecapVideoParameters.kind,
    ]

    struct FileLink: Codable, Sendable {
        var format: String
        var url: String
        var bytes: Int
        var mediaType: String
    }
    var id: String
    var kind: String
    var state: JobState
    var progress: Double
    var detail: String?
    var error: String?
    var createdAt: String
    /// For renders: what was asked for, as the Create page titles it ("Top 10 artists · image").
    var title: String?
    var etaSeconds: Double?
    var files: [FileLink]?
    var report: ImportReport?
    var width: Int?
    var height: Int?
    var frames: Int?
    /// A push to a player: what went where and what is missing.
    var push: PushView?

    struct PushView: Codable, Sendable {
        var summary: String
        var playlistName: String
        var matched: Int
        var missing: [String]
    }

    init(_ job: JobRecord) {
        id = job.id
        kind = job.kind
        state = job.state
        progress = job.progress
        detail = job.detail.map(BrowserMessage.clean)
        error = job.error.map(BrowserMessage.sentence)
        createdAt = iso8601(Double(job.createdMillis) / 1000)
        if job.kind == RenderParameters.kind, let p = try? JSONDecoder().decode(RenderParameters.self, from: Data(job.parameters.utf8)) {
            title = "Top \(p.top) \(p.kind.rawValue) · " + (p.output == .image ? "image" : "\((p.container ?? "mp4").uppercased()) race")
        }
        if job.kind == RenderParameters.kind || job.kind == RecapVideoParameters.kind, job.state == .running, let started = job.startedMillis,
            job.progress > 0.02
        {
            let elapsed = Double(ServerEnvironment.live.now() - started) / 1000
            etaSeconds = (elapsed / job.progress * (1 - job.progress) * 10).rounded() / 10
        }
        guard job.state == .succeeded, let text = job.result else { return }
        if job.kind == RenderParameters.kind || job.kind == RecapVideoParameters.kind,
            let r = try? JSONDecoder().decode(RenderResult.self, from: Data(text.utf8))
        {
            files = r.files.map {
                FileLink(format: $0.format, url: "/api/v1/jobs/\(job.id)/files/\($0.format)", bytes: $0.bytes, mediaType: $0.mediaType)
            }
            width = r.width
            height = r.height
            frames = r.frames
        } else if job.kind == PushPlaylistParameters.kind, let r = try? JSONDecoder().decode(PushReport.self, from: Data(text.utf8)) {
            push = PushView(summary: r.summary, playlistName: r.playlistName, matched: r.matched.count, missing: r.missing)
        } else if job.kind == ImportParameters.kind {
            if var decoded = try? JSONDecoder().decode(ImportReport.self, from: Data(text.utf8)) {
                // The report names the uploaded files as they are stored on the server: only their names go out.
                for i in decoded.files.indices { decoded.files[i].file = BrowserMessage.clean(decoded.files[i].file) }
                for i in decoded.skipped.indices {
                    decoded.skipped[i].file = BrowserMessage.clean(decoded.skipped[i].file)
                    decoded.skipped[i].reason = BrowserMessage.sentence(decoded.skipped[i].reason)
                }
                report = decoded
            }
        }
    }
}

/// The one range of a `Range: bytes=a-b` header (also `a-` and `-n`) within `size` bytes, or nil.
func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
    guard size > 0, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
    let spec = header.dropFirst("bytes=".count)
    let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard parts.count == 2 else { return nil }
    if parts[0].isEmpty {
        guard let suffix = Int(parts[1]), suffix > 0 else { return nil }
        return max(0, size - suffix)...(size - 1)
    }
    guard let start = Int(parts[0]), start < size else { return nil }
    let end = parts[1].isEmpty ? size - 1 : min(Int(parts[1]) ?? -1, size - 1)
    return end >= start ? start...end : nil
}

/// What an upload turned out to be.
enum UploadContent: String, CaseIterable {
    case zip, json, csv

    /// A ZIP by its signature, JSON by its first non-blank character (after an optional BOM), a CSV
    /// by a history header or first row (`HistoryFormat.sniff`).
    static func sniff(_ head: [UInt8]) -> UploadContent? {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if let format = HistoryFormat.sniff(head), format == .lastfmCSV || format == .appleMusic { return .csv }
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return nil }
        return first == UInt8(ascii: "[") || first == UInt8(ascii: "{") ? .json : nil
    }

    /// The client's file name reduced to safe characters, with the extension of its content.
    static func safeName(_ raw: String, kind: UploadContent) -> String {
        let base = (raw as NSString).lastPathComponent
        var kept = String(
            base.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || "._- ".unicodeScalars.contains($0) }.map(Character.init))
        while kept.hasPrefix(".") { kept.removeFirst() }
        kept = String(kept.prefix(100))
        let ext = "." + kind.rawValue
        if !kept.lowercased().hasSuffix(ext) { kept += ext }
        return kept == ext ? "upload\(ext)" : kept
    }
}

/// The chart parameters of a query string: kind, metric, range preset or from/to, limit.
struct ChartParameters: Sendable, Equatable {
    /// How many entries a chart may list.
    static let limits = 1...50

    enum Preset: String, CaseIterable, Sendable {
        case all
        case thisYear = "this-year"
        case lastYear = "last-year"
        case thisDecade = "this-decade"
        case custom
    }
    var kind: EntityKind = .artists
    var metric: Metric = .streams
    var preset: Preset = .all
    var from: CalendarDay?
    var to: CalendarDay?
    var limit = 10
    /// `source=spotify,lastfm`: the sources whose plays count (default all).
    var sources: SourceSet = .all
    /// The zone whose calendar days the range's dates and the hour-of-day chart follow.
    var timeZone: TimeZone = .gmt

    init() {}

    /// A page's query; what it leaves out comes from `preferences` (the API passes the defaults).
    /// - Throws: `APIError.invalid` for the first refused choice.
    init(_ q: Parameters, now: Int64, preferences: PagePreferences = PagePreferences()) throws {
        var refused: [Refusal] = []
        self.init(q, now: now, preferences: preferences, refused: &refused)
        if let first = refused.first { throw first.error }
    }

    /// A choice the query made that could not be used: the sentence to show and what the person typed.
    struct Refusal: Sendable, Equatable {
        var field: String
        var typed: String
        /// The sentence on the page, naming the field by its label ("Top: choose between 1 and 50 entries").
        var message: String
        /// The API's sentence, naming the parameter too ("Top (limit): choose between 1 and 50 entries").
        var apiMessage: String
        var error: APIError { .invalid(apiMessage) }

        init(field: String, typed: String, message: String, apiMessage: String) {
            self.field = field
            self.typed = typed
            self.message = message
            self.apiMessage = apiMessage
        }

        /// A refusal whose page sentence is "`label`: `problem`" and whose API one names `field` after the label.
        init(field: String, typed: String, label: String, problem: String) {
            self.init(field: field, typed: typed, message: "\(label): \(problem)", apiMessage: "\(label) (\(field)): \(problem)")
        }
    }

    /// The query read choice by choice, as a page does: a refused choice falls back to its default and is
    /// added to `refused`, every other choice is kept.
    init(_ q: Parameters, now: Int64, preferences: PagePreferences = PagePreferences(), refused: inout [Refusal]) {
        timeZone = preferences.timeZone
        metric = preferences.metric
        func value(_ name: String) -> String? {
            q.get(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        if let k = value("kind") {
            if let kind = EntityKind(rawValue: k) {
                self.kind = kind
            } else {
                refused.append(Refusal(field: "kind", typed: k, label: "Show", problem: "choose artists, tracks or albums"))
            }
        }
        if let m = value("metric") {
            if let metric = Metric(rawValue: m) {
                self.metric = metric
            } else {
                refused.append(Refusal(field: "metric", typed: m, label: "By", problem: "choose streams or minutes"))
            }
        }
        if let l = value("limit") ?? value("n") {
            if let n = Int(l), Self.limits.contains(n) {
                limit = n
            } else {
                refused.append(
                    Refusal(
                        field: "limit", typed: l, label: "Top",
                        problem: "choose between \(Self.limits.lowerBound) and \(Self.limits.upperBound) entries"))
            }
        }
        if let text = value("source") {
            if let set = SourceSet(names: text) {
                sources = set
            } else {
                refused.append(
                    Refusal(field: "source", typed: text, label: "Source", problem: "choose all sources or some of \(SourceSet.help)"))
            }
        }
        let year = Calendar(identifier: .gregorian).dateComponents(in: timeZone, from: Date(timeIntervalSince1970: Double(now) / 1000)).year ?? 2026
        let hasDates = value("from") != nil || value("to") != nil
        let presetName = value("range") ?? (hasDates ? "custom" : preferences.range.rawValue)
        guard let preset = Preset(rawValue: presetName) else {
            refused.append(
                Refusal(
                    field: "range", typed: presetName, label: "Period",
                    problem: "choose all time, this year, last year, this decade or custom dates"))
            return
        }
        self.preset = preset
        switch preset {
        case .all: break
        case .thisYear:
            from = CalendarDay(year: year, month: 1, day: 1)
            to = CalendarDay(year: year, month: 12, day: 31)
        case .lastYear:
            from = CalendarDay(year: year - 1, month: 1, day: 1)
            to = CalendarDay(year: year - 1, month: 12, day: 31)
        case .thisDecade:
            from = CalendarDay(year: year - year % 10, month: 1, day: 1)
            to = CalendarDay(year: year, month: 12, day: 31)
        case .custom:
            var days: [CalendarDay?] = []
            for name in ["from", "to"] {
                do {
                    days.append(try parseDay(value(name), name: name))
                } catch {
                    refused.append(
                        Refusal(
                            field: name, typed: value(name) ?? "", message: "\(name == "from" ? "From" : "To"): write a date like 2024-05-06",
                            apiMessage: (error as? APIError)?.description ?? "\(error)"))
                    days.append(nil)
                }
            }
            from = days[0]
            to = days[1]
            if let from, let to, to < from {
                refused.append(
                    Refusal(
                        field: "to", typed: "\(to)", message: "The date in To is before the date in From: swap them",
                        apiMessage: "The end date (to) \(to) is before the start date (from) \(from)."))
                refused.append(Refusal(field: "from", typed: "\(from)", message: "", apiMessage: ""))
                self.from = nil
                self.to = nil
            }
        }
    }

    /// What the numbers are for, in words: "the top 10 artists by streams, all time".
    var inWords: String {
        let period =
            switch (from, to) {
            case (nil, nil): "all time"
            case (let f?, nil): "from \(f) on"
            case (nil, let t?): "up to \(t)"
            case (let f?, let t?): "\(f) to \(t)"
            }
        return "the top \(limit) \(kind.rawValue) by \(metric.rawValue), \(period)"
    }

    var range: TimeRange { TimeRange(from: from, to: to, timeZone: timeZone) }
    var query: ChartQuery { ChartQuery(kind: kind, metric: metric, range: range, limit: limit, sources: sources) }
}

func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    jsonResponse(try encodedJSON(value), status: status)
}

func encodedJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(value)
}

func jsonResponse(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

func iso8601(_ seconds: Double) -> String {
    Date(timeIntervalSince1970: seconds).formatted(.iso8601)
}
