/// What can go wrong while running ffmpeg or ffprobe.
public enum MediaError: Error, Equatable, CustomStringConvertible {
    /// The executable is not on PATH nor at the given path.
    case toolNotFound(String)
    /// The output file extension is not a video or GIF kind Segue writes.
    case unsupportedOutput(String)
    /// Video sizes must be even for yuv420p.
    case oddSize(width: Int, height: Int)
    /// The encoder asked for is not available in this ffmpeg or on this machine.
    case encoderUnavailable(String)
    /// ffmpeg stopped early or exited with an error; `log` is the end of its messages.
    case ffmpegFailed(status: Int32, log: String)
    /// A frame had the wrong number of bytes.
    case frameSizeMismatch(expected: Int, actual: Int)
    /// The output could not be moved into place.
    case outputNotWritable(path: String, reason: String)
    /// ffprobe's answer could not be read.
    case probeFailed(String)
    /// The work was cancelled; no output file was left behind.
    case cancelled
    /// The remote encoder service could not be reached or refused the stream.
    case encoderService(url: String, reason: String)
    /// The audio decodes but is not analysed (too long, or decoding ran past its time limit); the
    /// message names the file and says why.
    case audioRejected(String)

    public var description: String {
        switch self {
        case .toolNotFound(let tool):
            return "\(tool) was not found: install it (Debian: apt-get install ffmpeg) or pass its path"
        case .unsupportedOutput(let ext):
            return "unsupported output '\(ext)': use .mp4, .gif or .webm for videos"
        case .oddSize(let w, let h):
            return "video size \(w)x\(h) must have even width and height (H.264/VP9 with yuv420p)"
        case .encoderUnavailable(let name):
            return "encoder \(name) is not available here; use --encoder auto or libx264"
        case .ffmpegFailed(let status, let log):
            return "ffmpeg failed (exit \(status)): \(log.isEmpty ? "no message" : log)"
        case .frameSizeMismatch(let expected, let actual):
            return "frame has \(actual) bytes, expected \(expected)"
        case .outputNotWritable(let path, let reason):
            return "could not write \(path): \(reason). Check that the folder exists and is writable"
        case .probeFailed(let why):
            return "ffprobe could not read the file: \(why)"
        case .cancelled:
            return "cancelled"
        case .encoderService(let url, let reason):
            return "encoder service \(url): \(reason)"
        case .audioRejected(let why):
            return why
        }
    }
}
