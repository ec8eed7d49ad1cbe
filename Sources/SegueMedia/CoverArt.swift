import Foundation

/// Cover art embedded in audio files (an ID3 APIC frame, a FLAC picture block, an MP4 `covr` atom):
/// ffmpeg reads all of them as an attached-picture video stream.
public struct CoverArt: Sendable {
    public var tools: FFmpegTools
    /// Side of the square PNG written (covers are scaled to fill it and centre-cropped).
    public var side: Int

    public init(tools: FFmpegTools, side: Int = 512) {
        self.tools = tools
        self.side = side
    }

    /// Writes the first embedded picture of `audio` to `output` as a square PNG.
    /// - Returns: false when the file has no embedded picture (nothing is written).
    /// - Throws: `MediaError.ffmpegFailed` when there is a picture that ffmpeg cannot read, or
    ///   `.outputNotWritable`.
    @discardableResult
    public func extract(from audio: String, to output: String) throws(MediaError) -> Bool {
        guard try AudioTags.probe(audio, tools: tools).hasCoverArt else { return false }
        let url = URL(fileURLWithPath: output)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid()).png").path
        let fill = "scale=\(side):\(side):force_original_aspect_ratio=increase,crop=\(side):\(side)"
        let run = try ToolRun.run(
            tools.ffmpeg,
            ["-v", "error", "-nostdin", "-y", "-i", audio, "-map", "0:v:0", "-frames:v", "1", "-vf", fill, "-f", "image2",
             "-c:v", "png", temporary])
        guard run.status == 0, FileManager.default.fileExists(atPath: temporary) else {
            unlink(temporary)
            throw .ffmpegFailed(status: run.status, log: run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard rename(temporary, output) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .outputNotWritable(path: output, reason: reason)
        }
        return true
    }
}
