import Foundation
import SegueMedia

/// Decodes a file for analysis in one ffmpeg run: mono at `AudioAnalysis.sampleRate` for the DSP
/// descriptors and, for musicnn, mono at 16 kHz as well (the decoded audio split in two and each
/// branch resampled). Starting ffmpeg and decoding the file once instead of twice halves the
/// decoder's CPU time; the samples are bit for bit those of two `AudioDecoder.decodeMono` runs.
public struct AnalysisDecoder: Sendable {
    public var tools: FFmpegTools

    public init(tools: FFmpegTools) {
        self.tools = tools
    }

    /// The samples of `path` at the DSP rate, and at musicnn's when `musicnn` is true.
    /// - Throws: `MediaError.ffmpegFailed` naming the file with ffmpeg's message when it cannot be
    ///   decoded.
    public func decode(_ path: String, musicnn: Bool) throws(MediaError) -> (dsp: [Float], musicnn: [Float]?) {
        guard musicnn else { return (try AudioDecoder(tools: tools).decodeMono(path, sampleRate: AudioAnalysis.sampleRate), nil) }
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        process.arguments = [
            "-nostdin", "-v", "error", "-i", path, "-filter_complex", "[0:a:0]asplit=2[dsp][nn]",
            "-map", "[dsp]", "-ac", "1", "-ar", String(AudioAnalysis.sampleRate), "-f", "f32le", "pipe:1",
            "-map", "[nn]", "-ac", "1", "-ar", String(MusicnnSpectrogram.sampleRate), "-f", "f32le", "-y", second,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .toolNotFound(tools.ffmpeg) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? logHandle.close()
        guard process.terminationStatus == 0 else {
            let message = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw .ffmpegFailed(status: process.terminationStatus, log: "\(path): \(message)")
        }
        guard let nn = FileManager.default.contents(atPath: second) else {
            throw .ffmpegFailed(status: 0, log: "\(path): ffmpeg wrote no 16 kHz output")
        }
        return (Self.floats(data), Self.floats(nn))
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
