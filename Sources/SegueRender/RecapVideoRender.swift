import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel
import SegueRecap

/// Renders a recap to a video (`RecapVideoTimeline`): the cards' scenes at growing progress and the
/// race chapter, painted by Cairo and streamed into the same encoder as the race videos
/// (`VideoExport`). Shared by `segue recap --video`, the web app's job and the benchmark.
public struct RecapVideoRender {
    public var format: SocialFormat
    public var theme: Theme
    public var fps: Double
    public var h264: H264Encoder
    public var x264Preset: String
    public var artwork: ArtworkLibrary
    public var tools: FFmpegTools

    public init(
        format: SocialFormat = .story, theme: Theme = .dark, fps: Double = 30, h264: H264Encoder = .auto,
        x264Preset: String = "ultrafast", artwork: ArtworkLibrary = ArtworkLibrary(), tools: FFmpegTools
    ) {
        self.format = format
        self.theme = theme
        self.fps = fps
        self.h264 = h264
        self.x264Preset = x264Preset
        self.artwork = artwork
        self.tools = tools
    }

    /// The story of `recap` frame by frame.
    /// - Throws: `ChartsError` (a bad frame rate, race data that does not fit).
    public func timeline(_ recap: Recap) throws(ChartsError) -> RecapVideoTimeline {
        let appearances = artwork.appearances()
        let measurer = PangoTextMeasurer()
        let cards = RecapCardLayout(format: format, theme: theme, appearances: appearances, measurer: measurer)
        var race: RaceFrameLayout?
        if !recap.isEmpty, !recap.race.entities.isEmpty, !recap.race.periods.isEmpty {
            let timeline = try RaceTimeline(
                data: recap.race, top: 10,
                timing: RecapVideoTimeline.raceTiming(fps: fps))
            race = RaceFrameLayout(timeline: timeline, format: format, theme: theme, appearances: appearances, measurer: measurer)
        }
        return try RecapVideoTimeline(recap: recap, cards: cards, race: race, fps: fps)
    }

    /// Renders and encodes `recap` to `output` (MP4, WebM or GIF by its extension).
    /// - Parameters:
    ///   - progress: called after each frame with the frames written and the total.
    ///   - isCancelled: asked before each frame; true stops the render.
    /// - Throws: `ChartsError`, `GraphicsError`, `MediaError` (`.cancelled` when cancelled; the
    ///   partial file is removed).
    public func run(
        _ recap: Recap, output: String, progress: ((_ done: Int, _ total: Int) -> Void)? = nil,
        isCancelled: (() -> Bool)? = nil
    ) throws -> VideoExport.Summary {
        let container = try VideoContainer(path: output)
        let timeline = try timeline(recap)
        let renderer = try CairoRenderer(width: format.width, height: format.height, artwork: artwork)
        let resolved = container == .mp4 ? try EncoderProbe(tools: tools).resolve(h264) : .libx264
        let settings = VideoSettings(
            width: format.width, height: format.height, fps: fps, container: container, h264: resolved, x264Preset: x264Preset)
        let total = timeline.frameCount
        var last: Scene?
        return try VideoExport(tools: tools, settings: settings).run(
            output: output, frameCount: total, h264: resolved, progress: { progress?($0, total) }
        ) { (index: Int, sink) in
            if isCancelled?() == true { throw MediaError.cancelled }
            let scene = timeline.scene(frame: index)
            // Held frames repeat the scene before: nothing to paint, no rows to convert.
            var changed: [Range<Int>] = []
            if scene != last {
                changed = renderer.renderChanges(scene)
                last = scene
            }
            try renderer.withPixels { try sink($0, changed) }
        }
    }
}
