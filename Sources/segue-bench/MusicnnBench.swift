import Dispatch
import Foundation
import SegueAudio
import SegueBenchSupport

/// musicnn inference timed in Swift and in TensorFlow (the original model through
/// `scripts/musicnn_reference.py bench`) on the same 16 kHz audio.
enum MusicnnBench {
    struct Timing {
        var label: String
        var files: Int
        var patches: Int
        var audioSeconds: Double
        /// Log-mel spectrograms and patches.
        var melSeconds: Double
        /// The network over every patch.
        var networkSeconds: Double
    }

    /// Swift: spectrograms, then the network, each phase over the files either one file per core
    /// (sgemm on one thread) or one file at a time (sgemm on every core).
    static func swift(_ model: Musicnn, audio: [[Float]], perFile: Bool) -> Timing {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        Musicnn.setBLASThreads(perFile ? 1 : cores)
        final class Slots: @unchecked Sendable {
            var spectrograms: [MusicnnSpectrogram?]
            init(_ n: Int) { spectrograms = Array(repeating: nil, count: n) }
        }
        let slots = Slots(audio.count)
        let lock = NSLock()
        let clock = ContinuousClock()
        let t0 = clock.now
        if perFile {
            DispatchQueue.concurrentPerform(iterations: audio.count) { i in
                let s = MusicnnSpectrogram(samples: audio[i])
                lock.withLock { slots.spectrograms[i] = s }
            }
        } else {
            for i in audio.indices { slots.spectrograms[i] = MusicnnSpectrogram(samples: audio[i]) }
        }
        let t1 = clock.now
        let spectrograms = slots.spectrograms.map { $0! }
        if perFile {
            DispatchQueue.concurrentPerform(iterations: spectrograms.count) { i in _ = try? model.analyze(spectrogram: spectrograms[i]) }
        } else {
            for s in spectrograms { _ = try? model.analyze(spectrogram: s) }
        }
        let t2 = clock.now
        return Timing(
            label: perFile ? "Segue (Swift, OpenBLAS), one file per core" : "Segue (Swift, OpenBLAS), sgemm on \(cores) threads",
            files: audio.count, patches: spectrograms.reduce(0) { $0 + $1.patches.count },
            audioSeconds: Double(audio.reduce(0) { $0 + $1.count }) / Double(MusicnnSpectrogram.sampleRate),
            melSeconds: seconds(t1 - t0), networkSeconds: seconds(t2 - t1))
    }

    /// TensorFlow on the raw float32 files, or the reason it could not run.
    static func tensorflow(files: [String]) -> Result<Timing, BenchError> {
        let script = "scripts/musicnn_reference.py"
        guard FileManager.default.fileExists(atPath: script) else { return .failure(.init("\(script) not found (run from the repository)")) }
        let path = [".local/tf", ".local/musicnn"].map { (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent($0) }
        guard
            let run = try? ChildRun.run(
                "/usr/bin/env", ["python3", script, "bench"] + files, environment: ["PYTHONPATH": path.joined(separator: ":")]),
            run.status == 0,
            let line = run.output.split(separator: "\n").last,
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let mel = json["mel_seconds"] as? Double, let network = json["network_seconds"] as? Double,
            let audio = json["audio_seconds"] as? Double, let patches = json["patches"] as? Int
        else {
            return .failure(.init("TensorFlow unavailable or failed (scripts/setup.sh --bench installs it into .local/tf)"))
        }
        let version = json["tensorflow"] as? String ?? "?"
        return .success(
            Timing(
                label: "TensorFlow \(version) (original models.py, librosa), its own threading", files: files.count, patches: patches,
                audioSeconds: audio, melSeconds: mel, networkSeconds: network))
    }

    struct BenchError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
