import ArgumentParser
import Foundation
import SegueAudio
import SegueMedia

/// `segue analyze FILE…`: what Segue hears in audio files (tempo, key, loudness, energy, timbre).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze", abstract: "Analyse audio files: tempo, key, loudness, energy, spectral shape, MFCC.")

    @Option(help: "text or json.")
    var format: ImportCommand.ReportFormat = .text

    @Argument(help: "Audio files (anything ffmpeg decodes: MP3, FLAC, Ogg, M4A, WAV…).")
    var files: [String]

    func run() throws {
        let decoder = AudioDecoder(tools: try FFmpegTools.locate())
        var results: [String: AudioAnalysis] = [:]
        var failed = false
        for file in files {
            do {
                let samples = try decoder.decodeMono(file, sampleRate: AudioAnalysis.sampleRate)
                let analysis = try AudioAnalysis(samples: samples)
                results[file] = analysis
                if format == .text {
                    print(
                        String(
                            format: "%@\n  %.1f BPM (confidence %.2f), %@ (%@), %.1f LUFS, range %.1f LU, energy %.2f, %.0f s\n  intro %.1f BPM %@, outro %.1f BPM %@, silence %.1f s / %.1f s",
                            file, analysis.tempo.bpm, analysis.tempo.confidence, analysis.key.name, analysis.key.camelot,
                            analysis.loudness.integratedLUFS, analysis.loudness.rangeLU, analysis.energy.energy,
                            analysis.durationSeconds, analysis.intro.bpm, analysis.intro.camelot, analysis.outro.bpm,
                            analysis.outro.camelot, analysis.energy.leadingSilence, analysis.energy.trailingSilence))
                }
            } catch {
                failed = true
                printError("error: \(error)")
            }
        }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        }
        if failed { throw ExitCode(1) }
    }
}
