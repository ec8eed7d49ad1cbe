import Foundation
import SegueMedia

/// Decodes a file for analysis in one ffmpeg run: mono at `AudioAnalysis.sampleRate` for the DSP
/// descriptors and, for musicnn, mono at 16 kHz as well (the decoded audio split in two and each
/// branch resampled). Starting ffmpeg and decoding the file once instead of twice halves the
/// decoder's CPU time; the samples are bit for bit those of two `AudioDecoder.decodeMono` runs.
///
/// The file is untrusted: Segue sniffs its container first (anything else is refused before ffmpeg
/// starts), forces that demuxer, allows only the `file` protocol, and runs ffmpeg under resource
/// limits with a watchdog that kills it with SIGKILL. When ffmpeg refuses a file, the second decoder
/// (`fallback`, libsndfile) gets a try.
public struct AnalysisDecoder: Sendable {
    public var tools: FFmpegTools
    /// The longest audio analysed, in seconds: ffmpeg stops there (`-t`), so a file longer than
    /// its tags say cannot fill memory, and a file that reaches it fails as too long.
    public var maximumSeconds: Double
    /// How long one ffmpeg run may take before it is stopped and the file fails (a file that makes
    /// the decoder hang must not hold a core forever).
    public var timeLimitSeconds: Double
    /// The second decoder, for files ffmpeg refuses (nil: none).
    public var fallback: SndfileDecoder?

    public init(
        tools: FFmpegTools, maximumSeconds: Double = 3600, timeLimitSeconds: Double = 300,
        fallback: SndfileDecoder? = SndfileDecoder()
    ) {
        self.tools = tools
        self.maximumSeconds = maximumSeconds
        self.timeLimitSeconds = timeLimitSeconds
        self.fallback = fallback.map { var f = $0; f.maximumSeconds = maximumSeconds; return f }
    }

    /// The resource limits of one ffmpeg run.
    var limits: ToolLimits {
        ToolLimits(
            wallSeconds: timeLimitSeconds, cpuSeconds: Int(timeLimitSeconds * 2) + 10,
            maxOutputBytes: Int(maximumSeconds + 2) * AudioAnalysis.sampleRate * 4)
    }

    /// The samples of `path` at the DSP rate, and at musicnn's when `musicnn` is true.
    /// - Throws: `MediaError.notAudio` when its content is no accepted container; `.ffmpegFailed`
    ///   naming the file with ffmpeg's message when neither decoder reads it; `.timedOut` when ffmpeg
    ///   runs past `timeLimitSeconds`; `.audioRejected` when the audio is longer than `maximumSeconds`.
    public func decode(_ path: String, musicnn: Bool) throws(MediaError) -> (dsp: [Float], musicnn: [Float]?) {
        let container = try AudioSniffer.sniff(file: path)
        do {
            return try decodeWithFFmpeg(path, container: container, musicnn: musicnn)
        } catch .ffmpegFailed(let status, let log) {
            guard let fallback else { throw .ffmpegFailed(status: status, log: log) }
            do {
                let (samples, rate) = try fallback.decodeMono(path)
                let dsp = Resampler.resample(samples, from: rate, to: AudioAnalysis.sampleRate)
                return (dsp, musicnn ? Resampler.resample(samples, from: rate, to: MusicnnSpectrogram.sampleRate) : nil)
            } catch .ffmpegFailed(_, let second) {
                throw .ffmpegFailed(status: status, log: "\(log)\n\(second)")
            }
        }
    }

    /// The ffmpeg path: one run for both rates.
    func decodeWithFFmpeg(_ path: String, container: AudioContainer, musicnn: Bool) throws(MediaError)
        -> (dsp: [Float], musicnn: [Float]?)
    {
        let temporary = FileManager.default.temporaryDirectory.path
        let second = (temporary as NSString).appendingPathComponent("segue-decode-\(UUID().uuidString).f32")
        defer { try? FileManager.default.removeItem(atPath: second) }
        let limit = ["-t", String(format: "%.3f", maximumSeconds)]
        let input = ["-nostdin", "-v", "error"] + FFmpegTools.untrustedInput(path, container: container)
        let arguments: [String]
        if musicnn {
            arguments =
                input + ["-filter_complex", "[0:a:0]asplit=2[dsp][nn]"]
                + ["-map", "[dsp]"] + limit + ["-ac", "1", "-ar", String(AudioAnalysis.sampleRate), "-f", "f32le", "pipe:1"]
                + ["-map", "[nn]"] + limit + ["-ac", "1", "-ar", String(MusicnnSpectrogram.sampleRate), "-f", "f32le", "-y", second]
        } else {
            arguments = input + ["-vn"] + limit + ["-ac", "1", "-ar", String(AudioAnalysis.sampleRate), "-f", "f32le", "pipe:1"]
        }
        let run = try tools.runUntrusted(tools.ffmpeg, arguments, file: path, limits: limits)
        guard run.status == 0 else {
            throw .ffmpegFailed(status: run.status, log: "\(path): \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let dsp = Self.floats(run.stdout)
        if Double(dsp.count) >= (maximumSeconds - 1) * Double(AudioAnalysis.sampleRate) {
            throw .audioRejected(
                "\((path as NSString).lastPathComponent): longer than \(Self.clock(maximumSeconds)), the longest audio Segue analyses (a mix or an audiobook?)")
        }
        guard musicnn else { return (dsp, nil) }
        guard let nn = FileManager.default.contents(atPath: second) else {
            throw .ffmpegFailed(status: 0, log: "\(path): ffmpeg wrote no 16 kHz output")
        }
        return (dsp, Self.floats(nn))
    }

    /// "1 h 0 min", "45 min".
    static func clock(_ seconds: Double) -> String {
        let minutes = Int(seconds / 60)
        return minutes >= 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min"
    }

    static func floats(_ data: Data) -> [Float] {
        let count = data.count / MemoryLayout<Float>.size
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * 4)]))
            }
            initialized = count
        }
    }
}
