import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel

/// Renders a race to a video file: timeline, layout, Cairo frames streamed into ffmpeg.
public struct RaceRenderJob {
    public var data: RaceData
    public var top: Int
    public var format: SocialFormat
    public var theme: Theme
    public var timing: RaceTiming
    public var container: VideoContainer
    public var h264: H264Encoder = .auto
    public var x264Preset = "ultrafast"
    public var gifTargetBytes: Int?
    public var artwork = ArtworkLibrary()
    public var tools: FFmpegTools
    /// An encoder service to encode on (`segue encoder serve`); nil encodes with the local ffmpeg.
    public var remoteEncoder: URL?

    public init(
        data: RaceData, top: Int, format: SocialFormat, theme: Theme, timing: RaceTiming, container: VideoContainer,
        h264: H264Encoder = .auto, x264Preset: String = "ultrafast", gifTargetBytes: Int? = nil,
        artwork: ArtworkLibrary = ArtworkLibrary(), tools: FFmpegTools, remoteEncoder: URL? = nil
    ) {
        self.remoteEncoder = remoteEncoder
        self.data = data
        self.top = top
        self.format = format
        self.theme = theme
        self.timing = timing
        self.container = container
        self.h264 = h264
        self.x264Preset = x264Preset
        self.gifTargetBytes = gifTargetBytes
        self.artwork = artwork
        self.tools = tools
    }

    /// The frame source, ready to render.
    public func frames() throws -> RaceFrameRenderer {
        let timeline = try RaceTimeline(data: data, top: top, timing: timing)
        let layout = RaceFrameLayout(
            timeline: timeline, format: format, theme: theme, appearances: artwork.appearances(),
            measurer: PangoTextMeasurer())
        return try RaceFrameRenderer(layout: layout, artwork: artwork)
    }

    /// Renders and encodes to `output`.
    public func run(output: String, progress: ((Int) -> Void)? = nil) throws -> VideoExport.Summary {
        let frames = try frames()
        // With an encoder service, the service decides what `auto` means (it has the GPU, or not).
        let resolved =
            remoteEncoder != nil ? h264 : (container == .mp4 ? try EncoderProbe(tools: tools).resolve(h264) : .libx264)
        let settings = VideoSettings(
            width: format.width, height: format.height, fps: timing.fps, container: container, h264: resolved,
            x264Preset: x264Preset)
        return try VideoExport(tools: tools, settings: settings, gifTargetBytes: gifTargetBytes, remote: remoteEncoder).run(
            output: output, frameCount: frames.frameCount, h264: resolved, progress: progress
        ) { (index: Int, sink) in try frames.withFrameChanges(index) { bytes, changed in try sink(bytes, changed) } }
    }
}
