import Foundation

/// Decodes any audio file ffmpeg reads to mono 32-bit float PCM at a chosen rate.
///
/// The file is treated as untrusted: its container is sniffed by Segue first (anything else is
/// refused before ffmpeg starts), that demuxer is forced, only the `file` protocol is allowed, and
/// ffmpeg runs under `limits` (watchdog with SIGKILL, CPU, memory and file-size limits).
public struct AudioDecoder: Sendable {
    public var tools: FFmpegTools
    public var limits: ToolLimits

    public init(tools: FFmpegTools, limits: ToolLimits = .decode) {
        self.tools = tools
        self.limits = limits
    }

    /// The samples of `path`, down-mixed to mono and resampled to `sampleRate`.
    /// - Throws: `MediaError.notAudio` when the content is not an accepted container,
    ///   `.ffmpegFailed` with ffmpeg's message when it cannot be decoded, `.timedOut`.
    public func decodeMono(_ path: String, sampleRate: Int) throws(MediaError) -> [Float] {
        let container = try AudioSniffer.sniff(file: path)
        let run = try tools.runUntrusted(
            tools.ffmpeg,
            ["-nostdin", "-v", "error"] + FFmpegTools.untrustedInput(path, container: container)
                + ["-vn", "-ac", "1", "-ar", String(sampleRate), "-f", "f32le", "pipe:1"],
            file: path, limits: limits)
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
