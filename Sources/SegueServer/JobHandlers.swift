import Foundation
import Metrics
import SegueAudio
import SegueCharts
import SegueGraphics
import SegueImport
import SegueJobs
import SegueMedia
import SegueModel
import SegueRecap
import SegueRender
import SegueStore

/// What an import job reads: uploaded files of the session, or the demo export.
struct ImportParameters: Codable, Sendable {
    /// The job kind on the queue.
    static let kind = "import"

    var profile: String
    /// Absolute paths of uploaded files (inside the session's folder).
    var paths: [String]
    var demo: Bool
}

/// Imports uploads (or the demo export) into the session's profile, then removes the uploads.
struct ImportJobHandler: JobHandler {
    let plays: any PlayStore
    let configuration: ServerConfiguration
    let cache: ChartCache
    private static let demoLock = NSLock()

    func run(_ job: JobRecord, context: JobContext) throws -> String {
        let parameters = try decodeParameters(ImportParameters.self, job)
        // Checked again here: a queued job (an older version's, a hand edit) reads only its owner's uploads.
        let uploads =
            ((configuration.sessionDirectory(job.owner) as NSString).appendingPathComponent("uploads") as NSString)
            .standardizingPath + "/"
        if let outside = parameters.paths.first(where: { !($0 as NSString).standardizingPath.hasPrefix(uploads) }) {
            throw JobError.badParameters("'\((outside as NSString).lastPathComponent)' is not one of this session's uploads")
        }
        var paths = parameters.paths
        if parameters.demo {
            context.report(0.05, detail: "Preparing the demo export", force: true)
            paths = [try demoExport()]
        }
        try context.checkCancellation()
        context.report(0.1, detail: "Reading your history", force: true)
        let profile = try plays.profile(named: parameters.profile)
        defer { cache.invalidate(profile: parameters.profile) }
        let report: ImportReport
        do {
            report = try HistoryImporter().run(
                paths: paths, store: plays, profile: profile,
                progress: { done, total in
                    context.report(0.1 + 0.9 * Double(done) / Double(max(total, 1)), detail: "File \(done) of \(total)")
                },
                isCancelled: { context.isCancelled })
        } catch ImportError.cancelled {
            throw JobError.cancelled
        }
        Counter(label: "segue_imported_plays_total").increment(by: report.total.musicPlays)
        Counter(label: "segue_imports_total", dimensions: [("source", parameters.demo ? "demo" : "upload")]).increment()
        if !parameters.demo {
            for path in parameters.paths { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        }
        return try encodeJSON(report)
    }

    /// The cached demo export, generated on first use.
    private func demoExport() throws -> String {
        Self.demoLock.lock()
        defer { Self.demoLock.unlock() }
        let path = configuration.demoExportPath
        if !FileManager.default.fileExists(atPath: path) {
            let temporary = path + ".partial"
            try DemoExport(records: configuration.demoRecords).writeZip(to: temporary)
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        }
        return path
    }
}

/// The request for an image or an animation, as the Create page and the API send it.
struct RenderParameters: Codable, Sendable, Equatable {
    /// The job kind on the queue.
    static let kind = "render"
    /// How many entries an image or a race may show.
    static let topRange = 3...20

    enum Output: String, Codable, Sendable { case image, animation }
    var output: Output
    var kind: EntityKind
    var metric: Metric
    var from: String?
    var to: String?
    var top: Int
    var size: String
    var theme: String
    /// For animations: mp4, gif or webm (images always come as PNG, JPEG and SVG).
    var container: String?
    /// For animations: day, week or month.
    var period: RacePeriod?
    /// For animations: seconds, final hold included (nil: `RaceTiming.readableSeconds` for the range).
    var duration: Double?
    /// Set by the server, not the client.
    var profile: String?
    #if DEBUG
        /// Debug builds only, for the hostile tests: "trap", "segv" or "hang" makes the job fail that
        /// way in the worker (release builds do not read the field).
        var debugFault: String?
    #endif

    /// The largest side a render from the web may have: that of the largest preset (landscape's and
    /// story's 1920 pixels). Bigger frames cost memory and encoding time out of all proportion.
    static let maximumSide = 1920
    /// The longest animation from the web, in seconds.
    static let longestAnimation = 60.0

    /// Checks every field; throws `APIError.invalid` naming the field. The page, the API and the job
    /// (which re-checks what it finds in the queue, possibly written by an older version) all call this.
    func validated() throws -> RenderParameters {
        guard Self.topRange.contains(top) else {
            throw APIError.invalid("The number of entries (top) must be \(Self.topRange.lowerBound) to \(Self.topRange.upperBound).")
        }
        let first = try parseDay(from, name: "from")
        let last = try parseDay(to, name: "to")
        if let first, let last, last < first {
            throw APIError.invalid("The end date (to) \(last) is before the start date (from) \(first).")
        }
        let format: SocialFormat
        do {
            format = try SocialFormat(parsing: size)
            _ = try Theme.named(theme)
        } catch ChartsError.sizeOutOfRange(let width, let height) {
            throw APIError.invalid(
                "The image size (size) \(width)x\(height) is out of range: width and height must be \(SocialFormat.minimumSide) to \(SocialFormat.maximumSide) pixels."
            )
        } catch { throw APIError.invalid("\(error)") }
        guard format.width <= Self.maximumSide, format.height <= Self.maximumSide else {
            throw APIError.invalid(
                "The image size (size) \(format.width)x\(format.height) is too large: width and height must be at most \(Self.maximumSide) pixels (story, square and landscape fit)."
            )
        }
        if output == .animation {
            guard ["mp4", "gif", "webm"].contains(container ?? "mp4") else {
                throw APIError.invalid("The video format (container) must be mp4, gif or webm.")
            }
            if let duration, !(3...Self.longestAnimation).contains(duration) {
                throw APIError.invalid("The length (duration) must be 3 to \(Int(Self.longestAnimation)) seconds.")
            }
        }
        return self
    }
}

#if DEBUG
    extension RenderParameters {
        /// Fails the way a bug in a decoder or a renderer would, when the request asked for it.
        func injectFault() throws {
            switch debugFault {
            case "trap": fatalError("debugFault: trap")
            case "segv":
                // A real invalid access, as a bug in a C decoder makes (a raised signal can be handled and return).
                UnsafeMutablePointer<Int>(bitPattern: 8)!.pointee = 1
            case "hang": while true { sleep(1) }
            default: break
            }
        }
    }
#endif

/// What a finished render job returns: the files it wrote (names inside the session's render folder).
struct RenderResult: Codable, Sendable {
    struct File: Codable, Sendable {
        var format: String
        var name: String
        var bytes: Int
        var mediaType: String
    }
    var files: [File]
    var width: Int
    var height: Int
    var frames: Int
    var seconds: Double
}

/// Renders top-N images (PNG, JPEG, SVG) and races (MP4, GIF or WebM) into the session's folder.
struct RenderJobHandler: JobHandler {
    let plays: any PlayStore
    let configuration: ServerConfiguration

    func run(_ job: JobRecord, context: JobContext) throws -> String {
        // A queued job may come from an older version or a hand-edited queue: checked again here.
        let p: RenderParameters
        do {
            p = try decodeParameters(RenderParameters.self, job).validated()
        } catch let error as APIError {
            throw JobError.badParameters(error.description)
        }
        #if DEBUG
            try p.injectFault()
        #endif
        guard let profileName = p.profile, let profile = try plays.existingProfile(named: profileName) else {
            throw APIError.invalid("import your history first")
        }
        let format = try SocialFormat(parsing: p.size)
        let theme = try Theme.named(p.theme)
        let from = try parseDay(p.from, name: "from")
        let to = try parseDay(p.to, name: "to")
        let folder = (configuration.sessionDirectory(job.owner) as NSString).appendingPathComponent("renders")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let started = Date()
        func path(_ ext: String) -> String { (folder as NSString).appendingPathComponent("\(job.id).\(ext)") }

        switch p.output {
        case .image:
            context.report(0.1, detail: "Querying", force: true)
            let entries = try plays.top(
                ChartQuery(kind: p.kind, metric: p.metric, range: TimeRange(from: from, to: to), limit: p.top),
                profile: profile)
            guard !entries.isEmpty else { throw APIError.invalid("no plays in that range") }
            let render = TopChartRender(format: format, theme: theme)
            let caption = ChartCaption.topChart(
                kind: p.kind, metric: p.metric, top: p.top, from: from, to: to, entries: entries)
            let scene = try render.scene(entries: entries, metric: p.metric, caption: caption)
            var files: [RenderResult.File] = []
            let tools = try? FFmpegTools.locate()
            let formats: [TopChartRender.ImageFormat] = tools == nil ? [.png, .svg] : [.png, .jpg, .svg]
            for (index, imageFormat) in formats.enumerated() {
                try context.checkCancellation()
                context.report(0.2 + 0.8 * Double(index) / Double(formats.count), detail: imageFormat.rawValue.uppercased(), force: true)
                let out = path(imageFormat.rawValue)
                try render.write(scene, as: imageFormat, to: out, tools: tools)
                files.append(
                    .init(
                        format: imageFormat.rawValue, name: (out as NSString).lastPathComponent, bytes: fileBytes(out),
                        mediaType: mediaType(imageFormat.rawValue)))
            }
            return try encodeJSON(
                RenderResult(
                    files: files, width: format.width, height: format.height, frames: 1,
                    seconds: Date().timeIntervalSince(started)))

        case .animation:
            let container = p.container ?? "mp4"
            let tools = try FFmpegTools.locate()
            context.report(0.01, detail: "Querying", force: true)
            let query = RaceQuery(kind: p.kind, metric: p.metric, from: from, to: to, period: p.period ?? .month, top: p.top)
            let data = try plays.race(query, timeZone: .gmt, profile: profile)
            guard !data.periods.isEmpty, !data.entities.isEmpty else { throw APIError.invalid("no plays in that range") }
            // No duration: the readable default for this many periods, as `segue race` picks it.
            let timing =
                if let duration = p.duration {
                    try RaceTiming(fps: 30, totalSeconds: duration)
                } else {
                    try RaceTiming.readable(fps: 30, periods: data.periods.count)
                }
            let out = path(container)
            let renderJob = RaceRenderJob(
                data: data, top: p.top, format: format, theme: theme, timing: timing,
                container: try VideoContainer(path: out), tools: tools)
            let total = timing.totalFrames
            var timeLeft = RenderTimeLeft()
            let summary = try renderJob.run(output: out) { done in
                if context.isCancelled { return }
                context.report(
                    Double(done) / Double(total),
                    detail: timeLeft.detail(done: done, total: total, now: Date().timeIntervalSince(started)))
            }
            try context.checkCancellation()
            return try encodeJSON(
                RenderResult(
                    files: [
                        .init(format: container, name: "\(job.id).\(container)", bytes: summary.bytes, mediaType: mediaType(container))
                    ], width: format.width, height: format.height, frames: summary.frames, seconds: summary.seconds))
        }
    }
}

func mediaType(_ ext: String) -> String {
    switch ext {
    case "png": "image/png"
    case "jpg", "jpeg": "image/jpeg"
    case "svg": "image/svg+xml"
    case "mp4": "video/mp4"
    case "gif": "image/gif"
    case "webm": "video/webm"
    case "json": "application/json"
    case "zip": "application/zip"
    default: "application/octet-stream"
    }
}

func fileBytes(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}

/// The day `text` names (nil when it is empty); `name` is the parameter, `from` or `to`.
/// - Throws: `APIError.invalid`, one sentence naming the field in words and its parameter.
func parseDay(_ text: String?, name: String) throws -> CalendarDay? {
    guard let text, !text.isEmpty else { return nil }
    guard let day = CalendarDay(text) else {
        throw APIError.invalid("The \(RecapError.field(name)) '\(RecapError.clipped(text))' is not a date: write one like 2024-05-06.")
    }
    return day
}

func decodeParameters<T: Decodable>(_ type: T.Type, _ job: JobRecord) throws -> T {
    do {
        return try JSONDecoder().decode(T.self, from: Data(job.parameters.utf8))
    } catch {
        throw JobError.badParameters("\(error)")
    }
}

func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// What an analysis job reads: audio files or folders for the library.
public struct AnalyzeParameters: Codable, Sendable, Equatable {
    /// Absolute paths of audio files or folders (walked recursively).
    public var paths: [String]
    /// The folder of the library they go into (its `library.sqlite`); nil for the data folder's own.
    /// The web app gives each session's library here.
    public var library: String?
    /// The library's name when the libraries are on PostgreSQL (nil: the data folder's own, `home`).
    public var libraryName: String?

    public init(paths: [String], library: String? = nil, libraryName: String? = nil) {
        self.paths = paths
        self.library = library
        self.libraryName = libraryName
    }

    /// The job kind on the queue.
    public static let kind = "analyze"
}

/// Adds files to the library and analyses them (`segue library add --queue` hands them over; any
/// `segue worker` or `segue serve` sharing the data folder runs them).
struct AnalyzeJobHandler: JobHandler {
    let configuration: ServerConfiguration
    let libraries: LibraryLocation

    func run(_ job: JobRecord, context: JobContext) throws -> String {
        let parameters = try decodeParameters(AnalyzeParameters.self, job)
        try context.checkCancellation()
        let directory = parameters.library ?? configuration.dataDirectory
        let store = try libraries.open(folder: directory, name: parameters.libraryName ?? LibraryLocation.home)
        let ingest = LibraryIngest(
            store: store, tools: try FFmpegTools.locate(),
            artworkDirectory: LibraryIngest.artworkDirectory(inDataDirectory: directory),
            musicnn: try LibraryIngest.installedMusicnn())
        context.report(0.02, detail: "Reading \(parameters.paths.count) path(s)", force: true)
        var report = try ingest.add(parameters.paths) { done, total in
            context.report(Double(done) / Double(max(total, 1)), detail: "Analysed \(done) of \(total)")
        }
        Counter(label: "segue_analysed_tracks_total").increment(by: report.analyzed)
        // The player's copies of what this job analysed, made here once rather than in a request.
        let files = Set(LibraryIngest.audioFiles(parameters.paths).files)
        let playback = BrowserPlayback(libraryFolder: directory)
        for track in try store.tracks() where track.status == .done && files.contains(track.path) {
            try context.checkCancellation()
            do {
                try playback.prepare(track, tools: ingest.tools)
            } catch {
                report.note(track.path, "not prepared for the browser: \(error)")
            }
        }
        return try encodeJSON(report)
    }
}
