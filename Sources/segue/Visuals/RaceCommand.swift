import ArgumentParser
import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel
import SegueRender
import SegueStore

/// `segue race`: an animated bar-chart race (MP4, GIF or WebM).
struct RaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "race", abstract: "An animated bar-chart race: MP4, GIF or WebM.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var visual: VisualOptions

    @Option(help: "Output file: .mp4, .gif or .webm.")
    var out: String

    @Option(help: "Step of the race: day, week or month.")
    var period: RacePeriod = .month

    @Option(help: "Frames per second (24, 30 or 60 are typical).")
    var fps: Double = 30

    @Option(
        help: ArgumentHelp(
            "Length of the whole video in seconds, final hold included.",
            discussion: """
                Default: \(Int(RaceTiming.readableSecondsPerStep)) s per step from one period to the next, \
                plus \(RaceTiming.settleSeconds) s for the last moves to land and the hold, at least \
                \(Int(RaceTiming.readableMinimumSeconds)) s and at most \(Int(RaceTiming.readableMaximumSeconds)) s \
                (a year by month: 13.5 s; ten years by month: 60 s, about two months a second).
                """))
    var duration: Double?

    @Option(help: "Seconds per period step (instead of --duration).")
    var periodLength: Double?

    @Option(help: "Seconds the settled final ranking is held (at least \(RaceTiming.minimumHoldSeconds)).")
    var hold: Double = RaceTiming.defaultHoldSeconds

    @Option(
        help: """
            Encoder: auto (NVENC when it works), libx264 or h264_nvenc for MP4 here, or the address of \
            an encoder service (http://host:port, see `segue encoder serve`) to encode there.
            """)
    var encoder: EncoderChoice = .local(.auto)

    @Option(
        help:
            "libx264 preset: ultrafast … veryslow (slower presets make smaller files, e.g. veryfast: a third the size, three times the encoding time)."
    )
    var preset: String = "ultrafast"

    @Option(help: "Largest GIF in bytes; the GIF is made smaller until it fits.")
    var gifMaxBytes: Int?

    func validate() throws {
        let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
        guard presets.contains(preset) else {
            throw ValidationError("--preset must be one of \(presets.joined(separator: ", "))")
        }
        if duration != nil && periodLength != nil {
            throw ValidationError("give --duration or --period-length, not both")
        }
    }

    func run() throws {
        try VisualsFailure.run {
            let (format, theme) = try visual.look()
            let container = try VideoContainer(path: out)
            let tools = try FFmpegTools.locate()
            let db = try database.openStore(store)
            guard let profile = try db.existingProfile(named: store.profile) else {
                throw VisualsError(message: "no profile '\(store.profile)' in \(store.dataDirectory): run `segue import` first")
            }
            let query = RaceQuery(
                kind: visual.kind, metric: visual.metric, from: range.from, to: range.to, period: period, top: visual.top,
                sources: range.source)
            let data = try db.race(query, timeZone: range.tz, profile: profile)
            guard !data.periods.isEmpty, !data.entities.isEmpty else {
                throw ChartsError.noData(
                    "no \(visual.kind.rawValue) with plays \(rangePhrase(from: range.from, to: range.to))")
            }
            let timing =
                if let periodLength {
                    try RaceTiming(fps: fps, secondsPerPeriod: periodLength, periods: data.periods.count, holdSeconds: hold)
                } else if let duration {
                    try RaceTiming(fps: fps, totalSeconds: duration, holdSeconds: hold)
                } else {
                    try RaceTiming.readable(fps: fps, periods: data.periods.count, holdSeconds: hold)
                }
            let artwork = visual.artwork(
                for: data.entities.map { (AppearanceBook.identifier(of: $0), $0.name) }, tools: tools,
                spotify: VisualOptions.spotifyWanted(visual.kind, data.entities.map { ($0.name, $0.artist, $0.uri) }),
                dataDirectory: store.dataDirectory,
                libraryTracks: try? database.homeLibraryTracks(dataDirectory: store.dataDirectory))
            let job = RaceRenderJob(
                data: data, top: visual.top, format: format, theme: theme, timing: timing, container: container,
                h264: encoder.h264, x264Preset: preset, gifTargetBytes: gifMaxBytes, artwork: artwork, tools: tools,
                remoteEncoder: encoder.service)
            let bar = ProgressBar(total: timing.totalFrames, label: "Rendering")
            let summary = try job.run(output: out) { bar.update($0) }
            RenderSummary(
                output: out, width: format.width, height: format.height, frames: summary.frames,
                seconds: summary.seconds, fpsAchieved: summary.framesPerSecond, bytes: summary.bytes,
                encoder: summary.encoder
            ).print(as: visual.format)
        }
    }
}

extension H264Encoder: ExpressibleByArgument {}

/// `--encoder`: an H.264 encoder here, or an encoder service to send the frames to.
enum EncoderChoice: ExpressibleByArgument {
    case local(H264Encoder)
    case remote(URL)

    init?(argument: String) {
        if let local = H264Encoder(rawValue: argument) {
            self = .local(local)
        } else if let url = URL(string: argument), url.scheme == "http", url.host != nil {
            self = .remote(url)
        } else {
            return nil
        }
    }

    var h264: H264Encoder {
        if case .local(let choice) = self { return choice }
        return .auto
    }

    var service: URL? {
        if case .remote(let url) = self { return url }
        return nil
    }
}
