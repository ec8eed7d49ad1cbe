import Foundation

/// Renders a playlist as one continuous file: each track trimmed to its sound (no leading or
/// trailing silence), brought to the playlist's common loudness, and crossfaded into the next over
/// its outro, in one ffmpeg filter graph ending in a peak limiter at -2 dBFS.
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
        /// Gain applied to the whole segment, in dB (see `levelled`).
        public var gainDB: Double

        public init(path: String, start: Double, end: Double, gainDB: Double = 0) {
            self.path = path
            self.start = start
            self.end = end
            self.gainDB = gainDB
        }

        /// A track from its first sound to its last (the analysis' leading and trailing silence cut
        /// off, at least a second kept), so crossfades sit on the outro and the next intro.
        public init(path: String, durationSeconds: Double, leadingSilence: Double, trailingSilence: Double) {
            let lead = max(0, leadingSilence)
            self.init(path: path, start: lead, end: max(lead + 1, durationSeconds - max(0, trailingSilence)))
        }

        public var length: Double { end - start }
    }

    /// Where one segment sits in the mix, in seconds: it starts at `at` on the mix's clock (playing
    /// its file from `segment.start`), fades in over `fadeIn` and out over its last `fadeOut`
    /// seconds (linear, as `acrossfade`'s `tri` curves), while the next segment fades in.
    public struct Placement: Sendable, Equatable {
        public var segment: Segment
        public var at: Double
        public var fadeIn: Double
        public var fadeOut: Double

        /// When it stops on the mix's clock.
        public var until: Double { at + segment.length }
    }

    /// The segments with gains that bring each to the playlist's median integrated loudness
    /// (`loudness[i]` in LUFS for segment i; nil, or -60 LUFS and below, for unknown or silent,
    /// left as they are), so a quiet track after a loud one is not a drop nor a loud one a jump.
    /// Boosts stop at `maxBoost` dB and cuts at `maxCut`; the mix's limiter catches the peaks a
    /// boost raises above -2 dBFS.
    public static func levelled(_ segments: [Segment], loudness: [Double?], maxBoost: Double = 9, maxCut: Double = 15) -> [Segment] {
        let known = loudness.compactMap { $0 }.filter { $0 > -60 && $0.isFinite }.sorted()
        guard !known.isEmpty else { return segments }
        let n = known.count
        let target = n % 2 == 1 ? known[n / 2] : (known[n / 2 - 1] + known[n / 2]) / 2
        return segments.enumerated().map { i, s in
            var s = s
            if i < loudness.count, let l = loudness[i], l > -60, l.isFinite {
                s.gainDB = min(maxBoost, max(-maxCut, target - l))
            }
            return s
        }
    }

    /// The peak the mix's limiter allows: -2 dBFS, room for the lossy encoder's overshoot (on real
    /// music limited at -1 dBFS, AAC at 192 kb/s decoded back peaked 1.6 dB higher, at +0.6 dBFS;
    /// limited at -2 dBFS it peaked at -1.4).
    public static let peakLimit = 0.794

    /// The crossfade between segment i-1 and i (index 0 is 0): never longer than a third of either neighbour.
    public static func fades(_ segments: [Segment], fade: Double) -> [Double] {
        segments.indices.map { i in i == 0 ? 0 : max(0, min(fade, segments[i - 1].length / 3, segments[i].length / 3)) }
    }

    /// The mix's timeline: what `arguments` renders, for a player that crossfades the files itself.
    public static func placements(_ segments: [Segment], fade: Double) -> [Placement] {
        let d = fades(segments, fade: fade)
        var at = 0.0
        var out: [Placement] = []
        for (i, s) in segments.enumerated() {
            if i > 0 { at += segments[i - 1].length - d[i] }
            out.append(Placement(segment: s, at: at, fadeIn: d[i], fadeOut: i + 1 < segments.count ? d[i + 1] : 0))
        }
        return out
    }

    /// The ffmpeg arguments for `segments` crossfaded by up to `fade` seconds into `output`
    /// (.m4a → AAC, .mp3 → MP3, anything else → what ffmpeg picks for the extension).
    public static func arguments(_ segments: [Segment], fade: Double, output: String) -> [String] {
        var args = ["-nostdin", "-v", "error", "-y"]
        // Library files are untrusted: each gets the demuxer its content sniffs as (a file that
        // sniffs as none is left to ffmpeg's probing, but still with the file protocol alone).
        for s in segments {
            if let container = try? AudioSniffer.sniff(file: s.path) {
                args += FFmpegTools.untrustedInput(s.path, container: container)
            } else {
                args += ["-protocol_whitelist", "file", "-i", "file:" + s.path]
            }
        }
        var graph: [String] = []
        for (i, s) in segments.enumerated() {
            let gain = abs(s.gainDB) >= 0.01 ? String(format: ",volume=%.2fdB", s.gainDB) : ""
            graph.append(
                String(
                    format: "[%d:a]atrim=start=%.3f:end=%.3f,asetpts=PTS-STARTPTS,aresample=44100,aformat=channel_layouts=stereo", i, s.start, s.end)
                    + gain + "[a\(i)]")
        }
        var last = "a0"
        let d = fades(segments, fade: fade)
        for i in 1..<max(1, segments.count) {
            let out = "x\(i)"
            graph.append(String(format: "[%@][a%d]acrossfade=d=%.3f:c1=tri:c2=tri[%@]", last, i, d[i], out))
            last = out
        }
        // A look-ahead limiter (no automatic levelling, its delay compensated) keeps boosted peaks
        // and summed crossfades under `peakLimit`.
        graph.append(String(format: "[%@]alimiter=limit=%.3f:level=0:latency=1:attack=5:release=80[out]", last, peakLimit))
        args += ["-filter_complex", graph.joined(separator: ";"), "-map", "[out]"]
        switch (output as NSString).pathExtension.lowercased() {
        case "m4a", "mp4", "aac": args += ["-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart"]
        case "mp3": args += ["-c:a", "libmp3lame", "-q:a", "2"]
        default: break
        }
        return args + [output]
    }

    /// Writes the mix. Every input must sniff as an accepted audio container; ffmpeg runs under
    /// resource limits with a watchdog.
    /// - Throws: `MediaError.notAudio` naming an input that is not audio, `.ffmpegFailed` with
    ///   ffmpeg's message, `.timedOut`.
    public func mix(_ segments: [Segment], fade: Double = 6, output: String) throws(MediaError) {
        guard !segments.isEmpty else { throw .ffmpegFailed(status: -1, log: "nothing to mix") }
        for s in segments { _ = try AudioSniffer.sniff(file: s.path) }
        let run = try tools.runUntrusted(
            tools.ffmpeg, Self.arguments(segments, fade: fade, output: output), file: output,
            limits: ToolLimits(wallSeconds: 1800, cpuSeconds: 3600, fileSizeBytes: 4 << 30))
        guard run.status == 0 else { throw .ffmpegFailed(status: run.status, log: run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
