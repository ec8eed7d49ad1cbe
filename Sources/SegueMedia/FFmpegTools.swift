import Foundation

/// Where the ffmpeg and ffprobe executables are; injected so tests and deployments can choose.
public struct FFmpegTools: Sendable, Equatable {
    public var ffmpeg: String
    public var ffprobe: String

    public init(ffmpeg: String, ffprobe: String) {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
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
            ffprobe: try find("ffprobe", override: environment["SEGUE_FFPROBE"]))
    }
}
