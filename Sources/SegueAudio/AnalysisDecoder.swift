import Foundation
import SegueMedia

/// Decodes a file for analysis in one ffmpeg run: mono at `AudioAnalysis.sampleRate` for the DSP
/// descriptors and, for musicnn, mono at 16 kHz as well (the decoded audio split in two and each
/// branch resampled). Starting ffmpeg and decoding the file once instead of twice halves the
/// decoder's CPU time; the samples are bit for bit those of two `AudioDecoder.decodeMono` runs.
public struct AnalysisDecoder: Sendable {
    public var tools: FFmpegTools
    /// The longest audio analysed, in seconds: ffmpeg stops there (`-t`), so a file longer than
    /// its tags say cannot fill memory, and a file that reaches it fails as too long.
    public var maximumSeconds: Double
    /// How long one ffmpeg run may take before it is stopped and the file fails (a file that makes
    /// the decoder hang must not hold a core forever).
    public var timeLimitSeconds: Double

    public init(tools: FFmpegTools, maximumSeconds: Double = 3600, timeLimitSeconds: Double = 300) {
        self.tools = tools
        self.maximumSeconds = maximumSeconds
        self.timeLimitSeconds = timeLimitSeconds
    }

    /// The samples of `path` at the DSP rate, and at musicnn's when `musicnn` is true.
    /// - Throws: `MediaError.ffmpegFailed` naming the file with ffmpeg's message when it cannot be
    ///   decoded; `MediaError.audioRejected` when decoding takes longer than `timeLimitSeconds` or
    ///   the audio is longer than `maximumSeconds`.
    public func decode(_ path: String, musicnn: Bool) throws(MediaError) -> (dsp: [Float], musicnn: [Float]?) {
        let temporary = FileManager.default.temporaryDirectory.path
        let second = (temporary as NSString).appendingPathComponent("segue-decode-\(UUID().uuidString).f32")
        let log = (temporary as NSString).appendingPathComponent("segue-decode-\(UUID().uuidString).log")
        defer {
            try? FileManager.default.removeItem(atPath: second)
            try? FileManager.default.removeItem(atPath: log)
        }
        guard FileManager.default.createFile(atPath: log, contents: nil), let logHandle = FileHandle(forWritingAtPath: log) else {
            throw .outputNotWritable(path: log, reason: "cannot create a log file")
        }
        let limit = ["-t", String(format: "%.3f", maximumSeconds)]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        if musicnn {
            process.arguments =
                ["-nostdin", "-v", "error", "-i", path, "-filter_complex", "[0:a:0]asplit=2[dsp][nn]"]
                + ["-map", "[dsp]"] + limit + ["-ac", "1", "-ar", String(AudioAnalysis.sampleRate), "-f", "f32le", "pipe:1"]
                + ["-map", "[nn]"] + limit + ["-ac", "1", "-ar", String(MusicnnSpectrogram.sampleRate), "-f", "f32le", "-y", second]
        } else {
            process.arguments =
                ["-nostdin", "-v", "error", "-i", path, "-vn"] + limit
                + ["-ac", "1", "-ar", String(AudioAnalysis.sampleRate), "-f", "f32le", "pipe:1"]
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .toolNotFound(tools.ffmpeg) }
        // The watchdog: stop ffmpeg when it runs past the time limit (the read below then ends).
        let timedOut = TimedOut()
        let watchdog = DispatchWorkItem { [process] in
            guard process.isRunning else { return }
            timedOut.set()
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeLimitSeconds, execute: watchdog)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        try? logHandle.close()
        if timedOut.value {
            throw .audioRejected(
                "\(path): decoding took longer than \(Int(timeLimitSeconds)) s and was stopped (a damaged or unusual file?)")
        }
        guard process.terminationStatus == 0 else {
            let message = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw .ffmpegFailed(status: process.terminationStatus, log: "\(path): \(message)")
        }
        let dsp = Self.floats(data)
        if Double(dsp.count) >= (maximumSeconds - 1) * Double(AudioAnalysis.sampleRate) {
            throw .audioRejected(
                "\(path): longer than \(Self.clock(maximumSeconds)), the longest audio Segue analyses (a mix or an audiobook?)")
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

    /// Set once by the watchdog, read after ffmpeg has exited.
    private final class TimedOut: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        func set() { lock.withLock { flag = true } }
        var value: Bool { lock.withLock { flag } }
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
