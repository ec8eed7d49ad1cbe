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
    /// A file given as audio is not one of the accepted containers (by its content); `file` is its
    /// name, `detail` what was found (for logs).
    case notAudio(file: String, detail: String)
    /// A tool run on a file went past its wall-clock limit and was killed with SIGKILL.
    case timedOut(file: String, seconds: Double)
    /// An embedded cover has more pixels than Segue decodes.
    case coverTooLarge(width: Int, height: Int, limit: Int)
    /// A tool printed more than Segue reads from it (e.g. a tag of many megabytes).
    case toolOutputTooLarge(file: String, limit: Int)

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
        case .notAudio(let file, let detail):
            return "\(file) is not an audio file Segue can read (\(detail))"
        case .timedOut(let file, let seconds):
            return "\(file): reading it took longer than \(Int(seconds)) s and was stopped"
        case .coverTooLarge(let width, let height, let limit):
            return "the embedded cover is \(width)x\(height) pixels, more than the \(limit) pixels Segue decodes"
        case .toolOutputTooLarge(let file, let limit):
            return "\(file): the tool printed more than \(limit / 1_048_576) MB (tags that large are not read)"
        }
    }

    /// One short sentence for a person, naming their file (`name`): what went wrong in plain words,
    /// without tool logs (those are in `description`, for the server log and `--verbose`).
    public func summary(file name: String) -> String {
        switch self {
        case .notAudio:
            return "\(name) is not an audio file Segue can read (MP3, FLAC, Ogg, Opus, WAV, AIFF, M4A or AAC)."
        case .ffmpegFailed, .probeFailed:
            return "\(name) is not an audio file we can read: it may be damaged or in an unsupported format."
        case .timedOut:
            return "\(name) took too long to read and was stopped (a damaged or unusual file?)."
        case .coverTooLarge(let width, let height, _):
            return "\(name) has a cover picture too large to read (\(width)x\(height) pixels)."
        case .toolOutputTooLarge:
            return "\(name) has tags too large to read."
        case .audioRejected(let why):
            // These messages already say what and why; they name the file by its path or name.
            return why.hasSuffix(".") ? why : why + "."
        case .toolNotFound(let tool):
            return "\(name) could not be read: \(tool) is not installed on the server."
        case .outputNotWritable:
            return "\(name) could not be processed: the server could not write its working files."
        case .cancelled:
            return "\(name) was not analysed: the work was cancelled."
        default:
            return "\(name) could not be read."
        }
    }
}
