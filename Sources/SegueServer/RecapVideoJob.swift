import Foundation
import Hummingbird
import HummingbirdCore
import SegueCharts
import SegueJobs
import SegueMedia
import SegueModel
import SegueRecap
import SegueRender
import SegueStore

/// What a recap video job renders: the recap of `query` (the query of `GET /api/v1/recap`, as
/// `RecapParameters.queryString` writes it) in the profile called `profile`.
struct RecapVideoParameters: Codable, Sendable, Equatable {
    /// The job kind on the queue.
    static let kind = "recap-video"
    var profile: String
    var query: String

    /// The recap's parameters, checked by the rule the API and the page use.
    /// - Throws: `APIError.invalid` naming the parameter.
    func recapParameters() throws -> RecapParameters {
        try RecapParameters(URI("/?" + query).queryParameters)
    }
}

/// Renders a recap to an MP4 story (`RecapVideoRender`) into the session's render folder, with a
/// frame count and the time left as progress; its result is a `RenderResult`, so the job's file is
/// downloaded and streamed like a race's.
struct RecapVideoJobHandler: JobHandler {
    let plays: any PlayStore
    let configuration: ServerConfiguration

    func run(_ job: JobRecord, context: JobContext) throws -> String {
        let parameters = try decodeParameters(RecapVideoParameters.self, job)
        // A queued job may come from an older version or a hand-edited queue: checked again here.
        let q: RecapParameters
        do {
            q = try parameters.recapParameters()
        } catch let error as APIError {
            throw JobError.badParameters(error.description)
        }
        context.report(0.01, detail: "Reading your history", force: true)
        let recap: Recap =
            if let profile = try plays.existingProfile(named: parameters.profile) {
                try plays.recap(q.period, metric: q.metric, sources: q.sources, profile: profile)
            } else {
                Recap(columns: MusicColumns(), period: q.period, metric: q.metric)
            }
        try context.checkCancellation()
        let folder = (configuration.sessionDirectory(job.owner) as NSString).appendingPathComponent("renders")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = "\(job.id).mp4"
        let output = (folder as NSString).appendingPathComponent(name)
        let render = RecapVideoRender(format: .story, theme: .dark, tools: try FFmpegTools.locate())
        let started = Date()
        var timeLeft = RenderTimeLeft()
        let summary: VideoExport.Summary
        do {
            summary = try render.run(
                recap, output: output,
                progress: { done, total in
                    context.report(
                        0.02 + 0.98 * Double(done) / Double(max(total, 1)),
                        detail: timeLeft.detail(done: done, total: total, now: Date().timeIntervalSince(started)))
                }, isCancelled: { context.isCancelled })
        } catch MediaError.cancelled {
            // Stopped between two frames: the partial file is gone.
            throw JobError.cancelled
        }
        try context.checkCancellation()
        return try encodeJSON(
            RenderResult(
                files: [.init(format: "mp4", name: name, bytes: summary.bytes, mediaType: mediaType("mp4"))],
                width: render.format.width, height: render.format.height, frames: summary.frames, seconds: summary.seconds))
    }
}

/// `POST /api/v1/recap/video?year=2024` (or `from`/`to`, with the recap's other parameters) starts
/// the video job of that recap, and the page's section shows its progress, then the player.
struct RecapVideoController {
    let deps: ServerDependencies
    /// Finding a session's running video and queueing a new one happen under this lock, so two
    /// clicks at once make one job.
    private static let submitting = NSLock()

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("api/v1/recap/video", use: start)
    }

    /// Starts the video of the recap the query asks for; answers the job (202). While the session
    /// has a video being made, asking for the same one again answers that job (200), and asking for
    /// another answers 409.
    func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let q = try RecapParameters(request.uri.queryParameters)
        guard try deps.hasData(profileName: s.profileName) else {
            throw APIError.conflict("import your history (or the demo data) first")
        }
        let parameters = RecapVideoParameters(profile: s.profileName, query: q.queryString)
        let store = deps.pool.store
        let (job, isNew) = try Self.submitting.withLock { () throws -> (JobRecord, Bool) in
            if let running = try store.jobs(owner: s.id, limit: 50).first(where: {
                $0.kind == RecapVideoParameters.kind && !$0.state.isFinal
            }) {
                let asked = try? JSONDecoder().decode(RecapVideoParameters.self, from: Data(running.parameters.utf8))
                guard asked == parameters else {
                    let other = (try? asked?.recapParameters()).flatMap { $0 }.map { Self.name($0) } ?? "another range"
                    throw APIError.conflict(
                        "the video of \(other) is being made: wait for it to finish (or cancel it) before asking for \(Self.name(q))")
                }
                return (running, false)
            }
            return (try APIController(deps: deps).submit(owner: s.id, kind: RecapVideoParameters.kind, parameters: try encodeJSON(parameters)), true)
        }
        return try json(JobView(job), status: isNew ? .accepted : .ok)
    }

    /// `2024`, or `2024-03-01 to 2024-05-31`.
    static func name(_ q: RecapParameters) -> String {
        q.period.isCalendarYear ? String(q.period.from.year) : "\(q.period.from) to \(q.period.to)"
    }

    /// What `recap-video.mustache` shows.
    struct SectionView {
        struct Job {
            let id: String
            let state: String
        }

        let query: String
        let job: Job?
        let period: String
        let player: PlayerView?
    }

    /// What `recap-video-player.mustache` shows.
    struct PlayerView {
        let url: String
        let megabytes: String
    }

    /// The page's video section: the button, and the session's latest video of this recap (its
    /// progress while it is made, its player once made).
    func section(_ q: RecapParameters, session s: WebSession) throws -> String {
        let parameters = RecapVideoParameters(profile: s.profileName, query: q.queryString)
        let latest = try deps.pool.store.jobs(owner: s.id, limit: 50).first { job in
            job.kind == RecapVideoParameters.kind
                && (try? JSONDecoder().decode(RecapVideoParameters.self, from: Data(job.parameters.utf8))) == parameters
                && [.queued, .running, .succeeded].contains(job.state)
        }
        var player: PlayerView?
        if let latest, latest.state == .succeeded, let file = JobView(latest).files?.first {
            player = Self.player(url: file.url, bytes: file.bytes)
        }
        let view = SectionView(
            query: q.queryString, job: latest.map { SectionView.Job(id: $0.id, state: $0.state.rawValue) },
            period: q.period.isCalendarYear ? String(q.period.from.year) : "period", player: player)
        return PageTemplates.render("recap-video", view)
    }

    /// The player and the download link of a made video (the page's JavaScript writes the same).
    static func player(url: String, bytes: Int) -> PlayerView {
        PlayerView(url: url, megabytes: String(format: "%.1f", Double(bytes) / 1_048_576))
    }
}
