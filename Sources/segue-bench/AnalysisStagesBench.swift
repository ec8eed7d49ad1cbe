import Foundation
import SegueAudio
import SegueMedia

/// Where one file's analysis time goes: each stage of `LibraryIngest`'s work timed on its own, file
/// after file on one thread (sgemm on one thread too), so the shares add up to what one core does
/// per file. The whole-library run then spreads files over the cores.
enum AnalysisStagesBench {
    struct Stage {
        var name: String
        var seconds: Double = 0
    }

    static func run(files: [String], tools: FFmpegTools, musicnn: Musicnn?) throws -> (stages: [Stage], audioSeconds: Double) {
        Musicnn.setBLASThreads(1)
        let names = [
            "decode (one ffmpeg run, 22,050 Hz and 16 kHz)", "spectrogram 2048/512 (spectral, MFCC)", "spectrogram 1024/256 (tempo)",
            "spectrogram 4096/2048 (key)", "tempo", "key", "loudness (libebur128)", "energy", "spectral shape", "MFCC",
            "musicnn log-mel patches", "musicnn network", "whole AudioAnalysis (all of the DSP rows and musicnn, as stored)",
        ]
        var stages = names.map { Stage(name: $0) }
        let clock = ContinuousClock()
        var audio = 0.0
        func time<T>(_ i: Int, _ body: () throws -> T) rethrows -> T {
            let t0 = clock.now
            let value = try body()
            stages[i].seconds += MusicnnBench.seconds(clock.now - t0)
            return value
        }
        let rate = AudioAnalysis.sampleRate
        for file in files {
            let (samples, sixteen) = try time(0) { try AnalysisDecoder(tools: tools).decode(file, musicnn: musicnn != nil) }
            audio += Double(samples.count) / Double(rate)
            let spectrum = time(1) { Spectrogram(samples: samples, sampleRate: rate, frameSize: 2048, hop: 512) }
            let tempoSpectrum = time(2) { Spectrogram(samples: samples, sampleRate: rate, frameSize: 1024, hop: 256) }
            let keySpectrum = time(3) { Spectrogram(samples: samples, sampleRate: rate, frameSize: 4096, hop: 2048) }
            _ = time(4) { TempoDescriptor(spectrogram: tempoSpectrum) }
            _ = time(5) { KeyDescriptor(spectrogram: keySpectrum) }
            _ = try time(6) { try LoudnessDescriptor(samples: samples, sampleRate: rate) }
            _ = time(7) { EnergyDescriptor(samples: samples, sampleRate: rate) }
            _ = time(8) { SpectralDescriptors(spectrogram: spectrum, samples: samples) }
            _ = time(9) { MFCCDescriptor(spectrogram: spectrum) }
            if let musicnn, let sixteen {
                let mel = time(10) { MusicnnSpectrogram(samples: sixteen) }
                _ = try time(11) { try musicnn.analyze(spectrogram: mel) }
            }
            _ = try time(12) { try AudioAnalysis(samples: samples, musicnn: musicnn.flatMap { m in sixteen.map { (m, $0) } }) }
        }
        if musicnn == nil { stages.removeSubrange(10...11) }
        return (stages, audio)
    }

    /// Table rows: each stage's seconds, its share of the per-file total (decode + the whole
    /// analysis) and its speed in times real time on one core.
    static func lines(_ result: (stages: [Stage], audioSeconds: Double), files: Int) -> [String] {
        let total = result.stages.first!.seconds + result.stages.last!.seconds
        var lines = [
            "",
            "Where the time goes, one core (`AnalysisStagesBench`: \(files) of the songs, file after file on one thread, each stage timed alone; the share is of decode + the whole analysis):",
            "",
            "| stage | time | share | times real time, one core |",
            "|---|---:|---:|---:|",
        ]
        for s in result.stages {
            lines.append(
                String(format: "| %@ | %.2f s | %.1f %% | %.0fx |", s.name, s.seconds, 100 * s.seconds / total, result.audioSeconds / s.seconds))
        }
        return lines
    }
}
