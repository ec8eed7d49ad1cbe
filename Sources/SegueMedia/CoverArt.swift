import Foundation

/// Cover art embedded in audio files (an ID3 APIC frame, a FLAC picture block, an MP4 `covr` atom):
/// ffmpeg reads all of them as an attached-picture video stream.
///
/// The picture is untrusted: it is first copied out of the file without decoding, its size read
/// from its own header (`ImageHeader`), and refused when it has more than `maxPixels`; only then is
/// it decoded (with ffmpeg's own `-max_pixels` as a second bound) and scaled.
public struct CoverArt: Sendable {
    public var tools: FFmpegTools
    /// Side of the square PNG written (covers are scaled to fill it and centre-cropped).
    public var side: Int
    /// The largest picture decoded, in pixels (width × height).
    public var maxPixels: Int
    /// The largest picture read out of a file, in bytes.
    public var maxBytes: Int

    public init(tools: FFmpegTools, side: Int = 512, maxPixels: Int = 25_000_000, maxBytes: Int = 32 << 20) {
        self.tools = tools
        self.side = side
        self.maxPixels = maxPixels
        self.maxBytes = maxBytes
    }

    /// Writes the first embedded picture of `audio` to `output` as a square PNG.
    /// - Returns: false when the file has no embedded picture (nothing is written).
    /// - Throws: `MediaError.coverTooLarge` before decoding a picture with more than `maxPixels`,
    ///   `.ffmpegFailed` when there is a picture that ffmpeg cannot read, or `.outputNotWritable`.
    @discardableResult
    public func extract(from audio: String, to output: String) throws(MediaError) -> Bool {
        let tags = try AudioTags.probe(audio, tools: tools)
        guard tags.hasCoverArt, let container = tags.container else { return false }
        let name = (audio as NSString).lastPathComponent
        // 1. The picture's bytes as stored (stream copy: nothing is decoded).
        let copy = try tools.runUntrusted(
            tools.ffmpeg,
            ["-v", "error", "-nostdin"] + FFmpegTools.untrustedInput(audio, container: container)
                + ["-map", "0:v:0", "-c", "copy", "-frames:v", "1", "-f", "image2pipe", "pipe:1"],
            file: audio, limits: ToolLimits(wallSeconds: 30, cpuSeconds: 30, maxOutputBytes: maxBytes))
        guard copy.status == 0, !copy.stdout.isEmpty else {
            throw .ffmpegFailed(status: copy.status, log: "\(audio): \(copy.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // 2. Its size from its header, before any decoder sees it.
        guard let header = copy.stdout.withUnsafeBytes({ ImageHeader.size(of: $0) }) else {
            throw .ffmpegFailed(status: 0, log: "\(audio): the embedded picture is not a JPEG or PNG")
        }
        let pixels = header.width.multipliedReportingOverflow(by: header.height)
        guard header.width > 0, header.height > 0, !pixels.overflow, pixels.partialValue <= maxPixels else {
            throw .coverTooLarge(width: header.width, height: header.height, limit: maxPixels)
        }
        // 3. Decode and scale it.
        let url = URL(fileURLWithPath: output)
        let folder = url.deletingLastPathComponent()
        let picture = folder.appendingPathComponent(".\(url.lastPathComponent).source-\(getpid())-\(UUID().uuidString.prefix(8))").path
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid()).png").path
        defer { unlink(picture) }
        guard FileManager.default.createFile(atPath: picture, contents: copy.stdout) else {
            throw .outputNotWritable(path: picture, reason: "cannot write a temporary file")
        }
        let fill = "scale=\(side):\(side):force_original_aspect_ratio=increase,crop=\(side):\(side)"
        let run = try tools.runUntrusted(
            tools.ffmpeg,
            [
                "-v", "error", "-nostdin", "-y", "-max_pixels", String(maxPixels), "-protocol_whitelist", "file", "-f",
                header.kind.ffmpegFormat, "-i", "file:" + picture, "-frames:v", "1", "-vf", fill, "-f", "image2", "-c:v", "png",
                temporary,
            ],
            file: name, limits: ToolLimits(wallSeconds: 60, cpuSeconds: 60, fileSizeBytes: 64 << 20, maxOutputBytes: 1 << 20))
        guard run.status == 0, FileManager.default.fileExists(atPath: temporary) else {
            unlink(temporary)
            throw .ffmpegFailed(status: run.status, log: "\(audio): \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard rename(temporary, output) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .outputNotWritable(path: output, reason: reason)
        }
        return true
    }
}
