import Foundation

/// Renders a playlist as one continuous file: each track trimmed to its sound (no leading or
/// trailing silence) and crossfaded into the next over its outro, in one ffmpeg filter graph.
public struct AudioMixer: Sendable {
    public var tools: FFmpegTools

    public init(tools: FFmpegTools) {
        self.tools = tools
    }

    /// One track of the mix: the file and the part of it to play (seconds).
    public struct Segment: Sendable, Equatable {
        public var path: String
        public var start: Double
        public var end: Double

        public init(path: String, start: Double, end: Double) {
            self.path = path
            self.start = start
            self.end = end
        }

        public var length: Double { end - start }
    }

    /// The ffmpeg arguments for `segments` crossfaded by up to `fade` seconds into `output`
    /// (.m4a → AAC, .mp3 → MP3, anything else → what ffmpeg picks for the extension).
    public static func arguments(_ segments: [Segment], fade: Double, output: String) -> [String] {
        var args = ["-nostdin", "-v", "error", "-y"]
        for s in segments { args += ["-i", s.path] }
        var graph: [String] = []
        for (i, s) in segments.enumerated() {
            graph.append(String(format: "[%d:a]atrim=start=%.3f:end=%.3f,asetpts=PTS-STARTPTS,aresample=44100,aformat=channel_layouts=stereo[a%d]", i, s.start, s.end, i))
        }
        var last = "a0"
        for i in 1..<max(1, segments.count) {
            // A fade never longer than a third of either neighbour.
            let d = min(fade, segments[i - 1].length / 3, segments[i].length / 3)
            let out = "x\(i)"
            graph.append(String(format: "[%@][a%d]acrossfade=d=%.3f:c1=tri:c2=tri[%@]", last, i, d, out))
            last = out
        }
        args += ["-filter_complex", graph.joined(separator: ";"), "-map", "[\(last)]"]
        switch (output as NSString).pathExtension.lowercased() {
        case "m4a", "mp4", "aac": args += ["-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart"]
        case "mp3": args += ["-c:a", "libmp3lame", "-q:a", "2"]
        default: break
        }
        return args + [output]
    }

    /// Writes the mix.
    /// - Throws: `MediaError.ffmpegFailed` with ffmpeg's message.
    public func mix(_ segments: [Segment], fade: Double = 6, output: String) throws(MediaError) {
        guard !segments.isEmpty else { throw .ffmpegFailed(status: -1, log: "nothing to mix") }
        let run = try ToolRun.run(tools.ffmpeg, Self.arguments(segments, fade: fade, output: output))
        guard run.status == 0 else { throw .ffmpegFailed(status: run.status, log: run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
