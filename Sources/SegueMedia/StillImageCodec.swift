import Foundation

/// Single images through ffmpeg: JPEG encoding of a BGRA frame, and decoding image files (JPEG, WebP,
/// PNG) to square BGRA artwork.
public struct StillImageCodec: Sendable {
    public var tools: FFmpegTools

    public init(tools: FFmpegTools) {
        self.tools = tools
    }

    /// Writes a BGRA frame as a JPEG file (through a temporary name, renamed on success).
    /// - Parameters:
    ///   - quality: ffmpeg's `-q:v`, 2 (best) ... 31.
    /// - Throws: `MediaError.ffmpegFailed` or `.outputNotWritable`.
    public func writeJPEG(
        bgra: UnsafeRawBufferPointer, width: Int, height: Int, to path: String, quality: Int = 2
    ) throws(MediaError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw .outputNotWritable(path: path, reason: String(cString: strerror(errno)))
        }
        let args = [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgra",
            "-s", "\(width)x\(height)", "-i", "pipe:0", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", String(quality),
            "-pix_fmt", "yuvj444p", "-f", "image2", temporary,
        ]
        let run = try ToolRun.run(tools.ffmpeg, args, stdin: Data(bgra))
        guard run.status == 0 else {
            unlink(temporary)
            throw .ffmpegFailed(status: run.status, log: run.stderr)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .outputNotWritable(path: path, reason: reason)
        }
    }

    /// Decodes an image file, centre-cropped and scaled to `side`×`side`, as straight BGRA bytes;
    /// nil when ffmpeg cannot read it.
    public func decodeSquare(_ url: URL, side: Int = 256) -> [UInt8]? {
        let args = [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-i", url.path, "-frames:v", "1",
            "-vf", "scale=\(side):\(side):force_original_aspect_ratio=increase,crop=\(side):\(side)",
            "-f", "rawvideo", "-pix_fmt", "bgra", "pipe:1",
        ]
        guard let run = try? ToolRun.run(tools.ffmpeg, args), run.status == 0, run.stdout.count == side * side * 4
        else { return nil }
        return [UInt8](run.stdout)
    }
}
