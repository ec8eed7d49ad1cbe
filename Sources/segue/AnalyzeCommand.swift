import ArgumentParser
import Foundation
import SegueAudio
import SegueMedia

/// `segue analyze FILE…`: what Segue hears in audio files (tempo, key, loudness, energy, timbre).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze", abstract: "Analyse audio files: tempo, key, loudness, energy, spectral shape, MFCC, musicnn tags.")

    @Option(help: "text or json.")
    var format: ImportCommand.ReportFormat = .text

    @Argument(help: "Audio files (anything ffmpeg decodes: MP3, FLAC, Ogg, M4A, WAV…).")
    var files: [String]

    func run() throws {
        let decoder = AnalysisDecoder(tools: try FFmpegTools.locate())
        let musicnn = try LibraryIngest.installedMusicnn()
        var results: [String: AudioAnalysis] = [:]
        var failed = false
        for file in files {
            do {
                let (samples, sixteen) = try decoder.decode(file, musicnn: musicnn != nil)
                let analysis = try AudioAnalysis(samples: samples, musicnn: musicnn.flatMap { model in sixteen.map { (model, $0) } })
                results[file] = analysis
                if format == .text {
                    print(
                        String(
                            format:
                                "%@\n  %.1f BPM (confidence %.2f), %@ (%@), %.1f LUFS, range %.1f LU, energy %.2f, %.0f s\n  intro %.1f BPM %@, outro %.1f BPM %@, silence %.1f s / %.1f s",
                            file, analysis.tempo.bpm, analysis.tempo.confidence, analysis.key.name, analysis.key.camelot,
                            analysis.loudness.integratedLUFS, analysis.loudness.rangeLU, analysis.energy.energy,
                            analysis.durationSeconds, analysis.intro.bpm, analysis.intro.camelot, analysis.outro.bpm,
                            analysis.outro.camelot, analysis.energy.leadingSilence, analysis.energy.trailingSilence))
                    if let tags = analysis.musicnn?.topTags(5) {
                        print("  tags: " + tags.map { String(format: "%@ %.2f", $0.name, $0.score) }.joined(separator: ", "))
                    }
                }
            } catch {
                failed = true
                printError("error: \(error)")
            }
        }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            // The analysis JSON leaves musicnn out (the library stores it in columns); add it here.
            var body = try JSONSerialization.jsonObject(with: try encoder.encode(results)) as? [String: Any] ?? [:]
            for (file, analysis) in results {
                guard let m = analysis.musicnn, var row = body[file] as? [String: Any] else { continue }
                row["embedding"] = m.embedding.map(Double.init)
                row["tag_scores"] = Dictionary(uniqueKeysWithValues: zip(Musicnn.msdTags, m.tags.map(Double.init)))
                body[file] = row
            }
            try LibraryCommand.printJSON(body)
        }
        if failed { throw ExitCode(1) }
    }
}
