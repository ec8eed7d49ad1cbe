/// Finds out which encoders really work here: `ffmpeg -encoders` lists `h264_nvenc` even without a GPU,
/// so the only reliable test is a one-frame trial encode.
public struct EncoderProbe: Sendable {
    public var tools: FFmpegTools

    public init(tools: FFmpegTools) {
        self.tools = tools
    }

    /// True when ffmpeg can encode one small frame with `encoder` (e.g. `h264_nvenc`).
    public func canEncode(with encoder: String) -> Bool {
        let args = [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=black:s=256x256:r=1:d=1",
            "-frames:v", "1", "-c:v", encoder, "-f", "null", "-",
        ]
        guard let run = try? ToolRun.run(tools.ffmpeg, args) else { return false }
        return run.status == 0
    }

    /// The H.264 encoder to use for `choice`.
    /// - Throws: `MediaError.encoderUnavailable` when NVENC is forced but does not work.
    public func resolve(_ choice: H264Encoder) throws(MediaError) -> H264Encoder {
        switch choice {
        case .libx264: return .libx264
        case .nvenc:
            guard canEncode(with: H264Encoder.nvenc.rawValue) else { throw .encoderUnavailable("h264_nvenc") }
            return .nvenc
        case .auto:
            return canEncode(with: H264Encoder.nvenc.rawValue) ? .nvenc : .libx264
        }
    }
}
