import Foundation
import SegueMedia

/// Decodes a file for analysis in one ffmpeg run: mono at `AudioAnalysis.sampleRate` for the DSP
/// descriptors and, for musicnn, mono at 16 kHz as well (the decoded audio split in two and each
/// branch resampled). Starting ffmpeg and decoding the file once instead of twice halves the
/// decoder's CPU time. The DSP branch's samples are bit for bit those of `AudioDecoder.decodeMono`;
/// the musicnn branch is mixed and resampled as musicnn's own extractor does it (`musicnnMix`).
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
        self.fallback = fallback.map {
            var f = $0
            f.maximumSeconds = maximumSeconds
            return f
        }
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
                return (dsp, musicnn ? Resampler.KaiserBest.resample(samples, from: rate, to: MusicnnSpectrogram.sampleRate) : nil)
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
                input + ["-filter_complex", "[0:a:0]asplit=2[dsp][nn];[nn]\(Self.musicnnMix)[nn16]"]
                + ["-map", "[dsp]"] + limit + ["-ac", "1", "-ar", String(AudioAnalysis.sampleRate), "-f", "f32le", "pipe:1"]
                + ["-map", "[nn16]"] + limit + ["-ac", "1", "-ar", String(MusicnnSpectrogram.sampleRate), "-f", "f32le", "-y", second]
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
                "\((path as NSString).lastPathComponent): longer than \(Self.clock(maximumSeconds)), the longest audio Segue analyses (a mix or an audiobook?)"
            )
        }
        guard musicnn else { return (dsp, nil) }
        guard let nn = FileManager.default.contents(atPath: second) else {
            throw .ffmpegFailed(status: 0, log: "\(path): ffmpeg wrote no 16 kHz output")
        }
        return (dsp, Self.floats(nn))
    }

    /// The musicnn branch's mix to mono and resampling to 16 kHz, made to match how musicnn's own
    /// extractor loads a file (`librosa.load(path, sr=16000)` with the librosa of its day: the mean
    /// of the channels, then resampy's `kaiser_best`). Two differences from ffmpeg's defaults made
    /// the embedding drift on real music (issue 17; `scripts/musicnn_stages.py` measures each):
    /// - Mix: ffmpeg's `-ac 1` sums a stereo pair at 1/√2 each (3 dB louder than the mean), which
    ///   raises every log-mel value of loud passages by up to log10(2). `rematrix_maxval=1` scales
    ///   the mixing matrix to unit gain: exactly the mean for stereo, mono untouched; other layouts
    ///   get ffmpeg's downmix at unit gain (LFE left out), not a plain mean.
    /// - Resampler: ffmpeg's default filter passes up to ~7.8 kHz, while `kaiser_best` rolls off
    ///   from 0.917 × 8 kHz, so the top mel bands held energy the model never saw in training.
    ///   The same Kaiser-windowed sinc instead: roll-off (`cutoff`) 0.9173, β 12.9846, 50 zero
    ///   crossings a side (`filter_size` 92 ≈ 2 × 50 × 0.9173), exact rational phases.
    static let musicnnMix =
        "aresample=osr=\(MusicnnSpectrogram.sampleRate):ochl=mono:rematrix_maxval=1"
        + ":filter_type=kaiser:kaiser_beta=\(Resampler.KaiserBest.beta):cutoff=\(Resampler.KaiserBest.rolloff)"
        + ":filter_size=92:exact_rational=1:phase_shift=13"

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
