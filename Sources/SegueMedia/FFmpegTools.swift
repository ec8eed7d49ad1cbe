import Foundation

/// Where the ffmpeg and ffprobe executables are; injected so tests and deployments can choose.
public struct FFmpegTools: Sendable, Equatable {
    public var ffmpeg: String
    public var ffprobe: String
    /// util-linux's `prlimit`, through which runs on untrusted files start so that the kernel
    /// enforces their resource limits (nil: no resource limits, only the watchdog).
    public var prlimit: String?

    public init(ffmpeg: String, ffprobe: String, prlimit: String? = FFmpegTools.systemPrlimit) {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
        self.prlimit = prlimit
    }

    /// `prlimit` where Debian installs it (util-linux), or nil.
    public static var systemPrlimit: String? {
        ["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Finds both tools on `PATH` (or takes `SEGUE_FFMPEG` / `SEGUE_FFPROBE` from the environment).
    /// - Throws: `MediaError.toolNotFound`.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(MediaError)
        -> FFmpegTools
    {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        func find(_ name: String, override: String?) throws(MediaError) -> String {
            if let override, !override.isEmpty {
                guard FileManager.default.isExecutableFile(atPath: override) else { throw .toolNotFound(override) }
                return override
            }
            for dir in path.split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            throw .toolNotFound(name)
        }
        return FFmpegTools(
            ffmpeg: try find("ffmpeg", override: environment["SEGUE_FFMPEG"]),
            ffprobe: try find("ffprobe", override: environment["SEGUE_FFPROBE"]),
            prlimit: (try? find("prlimit", override: nil)) ?? systemPrlimit)
    }

    /// Input options for a file that came from outside: its demuxer forced from Segue's own content
    /// sniff, only the `file` protocol (no other file, URL or subprocess can be opened from it),
    /// and bounded probing. The path goes in as `file:` so no other protocol prefix is parsed.
    public static func untrustedInput(_ path: String, container: AudioContainer) -> [String] {
        [
            "-protocol_whitelist", "file", "-probesize", "5000000", "-analyzeduration", "10000000", "-f", container.ffmpegFormat,
            "-i", "file:" + path,
        ]
    }

    /// Runs `executable` (ffmpeg or ffprobe) on the untrusted file `path` under `limits`.
    /// - Throws: `MediaError.timedOut` when the watchdog killed it, `.toolOutputTooLarge` when it
    ///   printed more than the limit; a non-zero exit is returned for the caller to report.
    public func runUntrusted(_ executable: String, _ arguments: [String], file path: String, limits: ToolLimits) throws(MediaError)
        -> ToolRun
    {
        let run = try ToolRun.run(executable, arguments, limits: limits, prlimit: prlimit)
        let name = (path as NSString).lastPathComponent
        if run.timedOut { throw .timedOut(file: name, seconds: limits.wallSeconds) }
        if run.outputTooLarge { throw .toolOutputTooLarge(file: name, limit: limits.maxOutputBytes) }
        return run
    }
}
