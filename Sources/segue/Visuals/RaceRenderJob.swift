import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel

/// Renders a race to a video file: timeline, layout, Cairo frames streamed into ffmpeg.
struct RaceRenderJob {
    var data: RaceData
    var top: Int
    var format: SocialFormat
    var theme: Theme
    var timing: RaceTiming
    var container: VideoContainer
    var h264: H264Encoder = .auto
    var x264Preset = "veryfast"
    var gifTargetBytes: Int?
    var artwork = ArtworkLibrary()
    var tools: FFmpegTools

    /// The frame source, ready to render.
    func frames() throws -> RaceFrameRenderer {
        let timeline = try RaceTimeline(data: data, top: top, timing: timing)
        let layout = RaceFrameLayout(
            timeline: timeline, format: format, theme: theme, appearances: artwork.appearances(),
            measurer: PangoTextMeasurer())
        return try RaceFrameRenderer(layout: layout, artwork: artwork)
    }

    /// Renders and encodes to `output`.
    func run(output: String, progress: ((Int) -> Void)? = nil) throws -> VideoExport.Summary {
        let frames = try frames()
        let resolved = container == .mp4 ? try EncoderProbe(tools: tools).resolve(h264) : .libx264
        let settings = VideoSettings(
            width: format.width, height: format.height, fps: timing.fps, container: container, h264: resolved,
            x264Preset: x264Preset)
        return try VideoExport(tools: tools, settings: settings, gifTargetBytes: gifTargetBytes).run(
            output: output, frameCount: frames.frameCount, h264: resolved, progress: progress
        ) { index, sink in try frames.withFrame(index, sink) }
    }
}
