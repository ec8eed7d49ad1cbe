import Foundation

/// What ffprobe says about a video or GIF file's first video stream.
public struct MediaProbe: Sendable, Equatable {
    public var codec: String
    public var pixelFormat: String
    public var width: Int
    public var height: Int
    /// Average frame rate.
    public var framesPerSecond: Double
    /// Container duration in seconds.
    public var duration: Double
    /// Frames counted by decoding.
    public var frameCount: Int?
    /// Container format names, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public var formatName: String

    /// Probes `path` with `tools.ffprobe`.
    /// - Parameters:
    ///   - countFrames: decode the stream to count frames (slower).
    /// - Throws: `MediaError.probeFailed`.
    public static func probe(_ path: String, tools: FFmpegTools, countFrames: Bool = false) throws(MediaError)
        -> MediaProbe
    {
        var args = ["-v", "error", "-select_streams", "v:0", "-print_format", "json", "-show_streams", "-show_format"]
        if countFrames { args.append("-count_frames") }
        let run = try ToolRun.run(tools.ffprobe, args + [path])
        guard run.status == 0 else { throw .probeFailed(run.stderr.isEmpty ? "exit \(run.status)" : run.stderr) }
        struct Output: Decodable {
            struct Stream: Decodable {
                var codec_name: String?
                var pix_fmt: String?
                var width: Int?
                var height: Int?
                var avg_frame_rate: String?
                var r_frame_rate: String?
                var nb_read_frames: String?
                var nb_frames: String?
            }
            struct Format: Decodable {
                var duration: String?
                var format_name: String?
            }
            var streams: [Stream]
            var format: Format?
        }
        guard let out = try? JSONDecoder().decode(Output.self, from: run.stdout), let s = out.streams.first else {
            throw .probeFailed("no video stream")
        }
        func rate(_ text: String?) -> Double {
            guard let text else { return 0 }
            let parts = text.split(separator: "/")
            guard parts.count == 2, let n = Double(parts[0]), let d = Double(parts[1]), d != 0 else {
                return Double(text) ?? 0
            }
            return n / d
        }
        let avg = rate(s.avg_frame_rate)
        return MediaProbe(
            codec: s.codec_name ?? "", pixelFormat: s.pix_fmt ?? "", width: s.width ?? 0, height: s.height ?? 0,
            framesPerSecond: avg > 0 ? avg : rate(s.r_frame_rate),
            duration: Double(out.format?.duration ?? "") ?? 0,
            frameCount: (s.nb_read_frames ?? s.nb_frames).flatMap { Int($0) },
            formatName: out.format?.format_name ?? "")
    }
}
