import Foundation

/// Decodes any audio file ffmpeg reads to mono 32-bit float PCM at a chosen rate.
public struct AudioDecoder: Sendable {
    public var tools: FFmpegTools

    public init(tools: FFmpegTools) {
        self.tools = tools
    }

    /// The samples of `path`, down-mixed to mono and resampled to `sampleRate`.
    /// - Throws: `MediaError.ffmpegFailed` with ffmpeg's message when the file cannot be decoded.
    public func decodeMono(_ path: String, sampleRate: Int) throws(MediaError) -> [Float] {
        let run = try ToolRun.run(
            tools.ffmpeg, ["-nostdin", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar", String(sampleRate), "-f", "f32le", "-"])
        guard run.status == 0 else {
            throw .ffmpegFailed(status: run.status, log: "\(path): \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let count = run.stdout.count / MemoryLayout<Float>.size
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            run.stdout.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * 4)]))
            }
            initialized = count
        }
    }
}
