/// The kinds of animated output Segue writes.
public enum VideoContainer: String, Sendable, CaseIterable, Codable {
    /// H.264 in MP4 with `+faststart`: plays in browsers and on phones.
    case mp4
    /// Palette-optimised GIF.
    case gif
    /// VP9 in WebM.
    case webm

    /// The kind for a file name's extension.
    /// - Throws: `MediaError.unsupportedOutput`.
    public init(path: String) throws(MediaError) {
        let ext =
            path.split(separator: "/").last.flatMap { name in
                name.contains(".") ? name.split(separator: ".").last.map(String.init) : nil
            } ?? ""
        guard let kind = VideoContainer(rawValue: ext.lowercased()) else { throw .unsupportedOutput(ext) }
        self = kind
    }
}

/// Which H.264 encoder an MP4 uses.
public enum H264Encoder: String, Sendable, CaseIterable, Codable {
    /// NVENC when a one-frame trial encode works, else libx264.
    case auto
    case libx264
    /// NVIDIA hardware encoding.
    case nvenc = "h264_nvenc"
}

/// Everything ffmpeg needs to know about a frame stream and its output.
public struct VideoSettings: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public var fps: Double
    public var container: VideoContainer
    public var h264: H264Encoder
    /// libx264 preset. `ultrafast` by default: a chart race is flat colour and text, which x264
    /// encodes well without its slower searches; on 2 cores it encodes a 1080x1920 frame in a third
    /// of `veryfast`'s time, for files about 2.7 times larger at the same CRF (BENCHMARKS.md).
    public var x264Preset: String
    /// Constant rate factor for libx264 and VP9 (lower is better quality).
    public var crf: Int
    /// GIF frame rate (frames are dropped evenly from the input rate).
    public var gifFPS: Double
    /// GIF width in pixels (height follows the aspect ratio).
    public var gifWidth: Int
    /// Convert frames to YUV 4:2:0 in this process (MP4 and WebM) instead of in ffmpeg.
    public var convertsToYUV: Bool

    public init(
        width: Int, height: Int, fps: Double, container: VideoContainer, h264: H264Encoder = .auto,
        x264Preset: String = "ultrafast", crf: Int = 20, gifFPS: Double = 15, gifWidth: Int? = nil,
        convertsToYUV: Bool = true
    ) {
        self.width = width
        self.height = height
        self.fps = fps
        self.container = container
        self.h264 = h264
        self.x264Preset = x264Preset
        self.crf = crf
        self.gifFPS = min(gifFPS, fps)
        self.gifWidth = gifWidth ?? min(width, 540)
        self.convertsToYUV = convertsToYUV
    }

    /// The pixel format on ffmpeg's stdin: `yuv420p` when converting here, else `bgra`.
    public var pipeFormat: String { convertsToYUV && container != .gif ? "yuv420p" : "bgra" }

    /// Bytes in one BGRA frame, as callers hand them over.
    public var frameBytes: Int { width * height * 4 }

    /// Bytes in one frame as ffmpeg reads it (`pipeFormat`).
    public var pipeFrameBytes: Int { pipeFormat == "yuv420p" ? width * height * 3 / 2 : frameBytes }

    /// Why these settings cannot be encoded, or nil (sizes, rates and presets in range).
    public var problem: String? {
        if width < 2 || height < 2 || width > 7680 || height > 7680 { return "size \(width)x\(height) is out of range (2 to 7680)" }
        if width % 2 != 0 || height % 2 != 0 { return MediaError.oddSize(width: width, height: height).description }
        if !(fps >= 1 && fps <= 240) { return "fps \(fps) is out of range (1 to 240)" }
        if !(0...51).contains(crf) { return "crf \(crf) is out of range (0 to 51)" }
        let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
        if !presets.contains(x264Preset) { return "unknown x264 preset '\(x264Preset)'" }
        if !(gifFPS >= 1 && gifFPS <= fps) || gifWidth < 16 || gifWidth > width { return "GIF rate or width out of range" }
        return nil
    }

    /// ffmpeg arguments that read BGRA frames from stdin and write `output` (`resolvedH264` picks the
    /// encoder when `h264` is `.auto`).
    public func ffmpegArguments(output: String, resolvedH264: H264Encoder) -> [String] {
        var args = [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", pipeFormat, "-s", "\(width)x\(height)", "-r", Self.rate(fps), "-i", "pipe:0",
        ]
        // Frames converted here are BT.709, limited range: say so, so players do not guess BT.601.
        let colour =
            pipeFormat == "yuv420p"
            ? ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"] : []
        switch container {
        case .mp4:
            if resolvedH264 == .nvenc {
                args += ["-c:v", "h264_nvenc", "-preset", "p4", "-cq", String(crf + 3)]
            } else {
                args += ["-c:v", "libx264", "-preset", x264Preset, "-crf", String(crf)]
            }
            args += ["-pix_fmt", "yuv420p"] + colour + ["-movflags", "+faststart", "-f", "mp4"]
        case .webm:
            args +=
                [
                    "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", String(crf + 12), "-deadline", "realtime", "-cpu-used", "8",
                    "-row-mt", "1", "-pix_fmt", "yuv420p",
                ] + colour + ["-f", "webm"]
        case .gif:
            let graph =
                "[0:v]fps=\(Self.rate(gifFPS)),scale=\(gifWidth):-2:flags=lanczos,split[a][b];"
                + "[a]palettegen=max_colors=256:stats_mode=diff[p];"
                + "[b][p]paletteuse=dither=sierra2_4a:diff_mode=rectangle"
            args += ["-filter_complex", graph, "-loop", "0", "-f", "gif"]
        }
        return args + [output]
    }

    /// A frame rate as ffmpeg reads it (`30`, `29.97`).
    static func rate(_ fps: Double) -> String {
        fps == fps.rounded() ? String(Int(fps)) : String(fps)
    }
}
