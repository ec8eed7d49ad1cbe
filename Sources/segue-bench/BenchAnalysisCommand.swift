import ArgumentParser
import Foundation
import SegueAudio
import SegueBenchSupport
import SegueMedia
import SegueStoreSQLite

/// `segue-bench analysis`: tempo and key accuracy on songs with known answers, and whole-library
/// analysis throughput (ffmpeg decode + every DSP descriptor) in times real time.
struct BenchAnalysisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis", abstract: "Audio analysis: accuracy on synthetic songs, and library throughput.")

    @Option(help: "Synthetic songs (every key in turn, tempos spread over 70-180 BPM).")
    var songs = 72

    @Option(help: "Seconds per song.")
    var seconds = 30.0

    @Flag(help: "Only the accuracy report (no library throughput run).")
    var accuracy = false

    @Option(help: "Work folder (default: a temporary folder).")
    var work: String?

    @Flag(help: "Do not write BENCHMARKS.md.")
    var noWrite = false

    @Option(help: "Songs for the musicnn side-by-side run (Segue and TensorFlow on the same audio).")
    var musicnnSongs = 24

    @Option(
        help:
            "Key and tempo on a truth set of rendered compositions (the folder scripts/truthset_compositions.py writes), beside librosa's; then the synthetic songs' accuracy, and no throughput run."
    )
    var truthSet: String?

    @Option(help: ArgumentHelp("Write musicnn's reference clips (raw float32, 16 kHz) into this folder and stop.", visibility: .hidden))
    var musicnnClips: String?

    func run() throws {
        if let folder = musicnnClips {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for clip in MusicnnReferenceClip.all { try clip.write(into: folder) }
            return
        }
        guard songs >= 1, seconds >= 5 else { throw ValidationError("--songs must be at least 1 and --seconds at least 5") }
        var startLoad = [0.0, 0.0, 0.0]
        _ = getloadavg(&startLoad, 3)
        print(BLASKernel.describe())
        print(String(format: "load average at the start: %.2f %.2f %.2f", startLoad[0], startLoad[1], startLoad[2]))
        let set = SyntheticSong.accuracySet(count: songs, seconds: seconds)

        let clock = ContinuousClock()
        func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        if let truthSet {
            try runTruthSet(truthSet, synthetic: set, startLoad: startLoad[0])
            return
        }
        print("Rendering and analysing \(set.count) synthetic songs…")
        let start = clock.now
        let (score, misses) = Self.syntheticAccuracy(set)
        let analysisSeconds = (clock.now - start).seconds
        print("tempo Accuracy1 \(percent(score.tempoAccuracy1)), Accuracy2 \(percent(score.tempoAccuracy2))")
        print("key exact \(percent(score.keyExact)), MIREX weighted \(percent(score.keyWeighted))")
        for m in misses { print("  miss: \(m)") }

        // Throughput: the same songs as FLAC files through `LibraryIngest` (decode with ffmpeg, tags,
        // content hash, every descriptor, results stored), as `segue library add` runs it.
        var throughputLines: [String] = []
        if !accuracy {
            let tools = try FFmpegTools.locate()
            let dir = work ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-analysis-\(getpid())")
            defer { if work == nil { try? FileManager.default.removeItem(atPath: dir) } }
            let music = (dir as NSString).appendingPathComponent("music")
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
            print("Writing \(set.count) FLAC files…")
            for (i, song) in set.enumerated() {
                try Self.writeFLAC(
                    song.render(rate: 44_100), rate: 44_100, to: (music as NSString).appendingPathComponent(String(format: "song-%03d.flac", i)),
                    tools: tools)
            }
            let store = try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: dir))
            let musicnn = try LibraryIngest.installedMusicnn()
            let ingest = LibraryIngest(store: store, tools: tools, musicnn: musicnn)
            let t0 = clock.now
            let report = try ingest.add([music])
            let wall = (clock.now - t0).seconds
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let peak = Double(usage.ru_maxrss) / 1024
            let audio = Double(set.count) * seconds
            let what = musicnn == nil ? "decode + DSP (musicnn weights not installed)" : "decode + DSP + musicnn"
            print(
                String(
                    format: "library add (%@): %d files, %.0f s of audio in %.2f s = %.0fx real time, peak %.0f MiB", what, report.analyzed, audio,
                    wall, audio / wall, peak))
            throughputLines = [
                "",
                "Whole-library throughput (`LibraryIngest`, as `segue library add` runs it: content hash, ffprobe tags, ffmpeg decode of 44.1 kHz FLAC to 22,050 Hz mono\(musicnn == nil ? "" : " and to 16 kHz mono"), every DSP descriptor\(musicnn == nil ? "" : ", musicnn's embedding and MSD tags"), results stored in SQLite; one file per core):",
                "",
                "| analysis | files | audio | wall | times real time | peak memory (whole process) |",
                "|---|---:|---:|---:|---:|---:|",
                String(format: "| %@ | %d | %.0f s | %.2f s | **%.0fx** | %.0f MiB |", what, report.analyzed, audio, wall, audio / wall, peak),
                "",
                "Targets (issue 6): full analysis (decode + DSP + musicnn) at least 60x real time, peak memory under 500 MB.",
            ]
            if let musicnn {
                throughputLines += try musicnnSideBySide(musicnn, music: music, dir: dir, tools: tools)
            }
            let stageFiles = try FileManager.default.contentsOfDirectory(atPath: music).sorted().prefix(musicnnSongs)
                .map { (music as NSString).appendingPathComponent($0) }
            print("Timing each stage on \(stageFiles.count) songs, one thread…")
            let stages = try AnalysisStagesBench.run(files: Array(stageFiles), tools: tools, musicnn: musicnn)
            let stageLines = AnalysisStagesBench.lines(stages, files: stageFiles.count)
            for line in stageLines where line.hasPrefix("| ") && !line.hasPrefix("| stage") { print(line) }
            throughputLines += stageLines
        }

        var load = [0.0, 0.0, 0.0]
        _ = getloadavg(&load, 3)
        print(String(format: "load average at the end: %.2f %.2f %.2f", load[0], load[1], load[2]))
        var body = """

            `segue-bench analysis` (release build, \(BenchmarkReport.machine()), load average \(String(format: "%.2f", startLoad[0])) at the start and \(String(format: "%.2f", load[0])) at the end; \(BLASKernel.describe())): \(set.count) songs of \(Int(seconds)) s rendered by `SyntheticSong` (kick, snare and hats on the beat, a bass line on the chord roots, triads over I–IV–V–I in major or i–iv–V–i in minor), every one of the 24 keys in turn, tempos spread over 70–180 BPM. The descriptors are those of `segue library add` (`AudioAnalysis` at 22,050 Hz).

            | measure | result | target (issue 6) |
            |---|---:|---:|
            | tempo Accuracy1 (±4 %) | \(percent(score.tempoAccuracy1)) | ≥ 95 % |
            | tempo Accuracy2 (±4 %, ½ ⅓ 2× 3× allowed) | \(percent(score.tempoAccuracy2)) | |
            | key exact | \(percent(score.keyExact)) | ≥ 90 % |
            | key, MIREX weighted | \(percent(score.keyWeighted)) | |

            Rendering and analysing the songs in memory (no files, no decoding): \(String(format: "%.2f", analysisSeconds)) s for \(Int(Double(set.count) * seconds)) s of audio.
            """
        if !misses.isEmpty {
            body += "\n\nMisses (truth → found): " + misses.prefix(20).joined(separator: "; ") + (misses.count > 20 ? "; …" : "") + "."
        }
        body += "\n" + throughputLines.joined(separator: "\n")
        if !noWrite { try BenchmarkReport.write(section: "Audio analysis (`segue-bench analysis`)", body: body) }
    }

    /// Tempo and key on the synthetic songs, rendered and analysed in memory on all cores, and the misses.
    static func syntheticAccuracy(_ set: [SyntheticSong]) -> (AnalysisAccuracy, [String]) {
        let results = Results(set.count)
        DispatchQueue.concurrentPerform(iterations: set.count) { i in
            let samples = set[i].render()
            let outcome = Result { () throws(AudioError) in try AudioAnalysis(samples: samples) }
            results.set(i, outcome.map { ($0.tempo.bpm, $0.key.tonic, $0.key.mode) })
        }
        var score = AnalysisAccuracy()
        var misses: [String] = []
        for (song, result) in zip(set, results.values) {
            guard case .success(let found)? = result else {
                misses.append("\(song.keyName) at \(Int(song.bpm)) BPM: analysis failed")
                continue
            }
            score.add(song, bpm: Double(found.0), key: (found.1, found.2))
            let keyRight = found.1 == song.tonic && found.2 == song.mode
            let tempoRight = AnalysisAccuracy.tempoMatches(truth: song.bpm, found: Double(found.0), octaves: false)
            if !keyRight || !tempoRight {
                misses.append(
                    "\(song.keyName) at \(Int(song.bpm)) BPM → \(SyntheticSong.keyName(tonic: found.1, mode: found.2)) at "
                        + String(format: "%.1f", found.0) + " BPM")
            }
        }
        return (score, misses)
    }

    /// `--truth-set DIR`: Segue and librosa on the rendered compositions, and the synthetic songs'
    /// figures from the same run, into one BENCHMARKS.md section.
    func runTruthSet(_ folder: String, synthetic: [SyntheticSong], startLoad: Double) throws {
        let truth = try CompositionTruthSet.load(folder: folder)
        print("Analysing \(truth.pieces.count) rendered compositions…")
        let sides = [TruthSetBench.segue(truth, folder: folder, tools: try FFmpegTools.locate()), TruthSetBench.librosa(truth, folder: folder)]
        let lines = TruthSetBench.lines(truth, folder: folder, sides: sides)
        print("Rendering and analysing \(synthetic.count) synthetic songs…")
        let (score, misses) = Self.syntheticAccuracy(synthetic)
        func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        var load = [0.0, 0.0, 0.0]
        _ = getloadavg(&load, 3)
        var body = [
            "",
            "`segue-bench analysis --truth-set` (\(BenchmarkReport.machine()), load average \(String(format: "%.2f", startLoad)) at the start and \(String(format: "%.2f", load[0])) at the end). Targets (issue 17): key exact at least 80 % and tempo within 4 % at least 85 % on the compositions, the synthetic songs' figures kept.",
        ]
        body += lines
        body += [
            "",
            "The synthetic songs in the same run (\(synthetic.count) of \(Int(seconds)) s, as in the section above): tempo within 4 % \(percent(score.tempoAccuracy1)) (octave errors allowed \(percent(score.tempoAccuracy2))), key exact \(percent(score.keyExact)) (MIREX weighted \(percent(score.keyWeighted)))."
                + (misses.isEmpty ? "" : " Misses: " + misses.prefix(10).joined(separator: "; ") + "."),
        ]
        for line in body where !line.isEmpty { print(line) }
        if !noWrite {
            try BenchmarkReport.write(
                section: "Key and tempo on rendered compositions (`segue-bench analysis --truth-set`)", body: body.joined(separator: "\n"))
        }
    }

    /// musicnn alone, Segue's and TensorFlow's, on the same audio: the first songs' FLAC files
    /// decoded to 16 kHz once, kept in memory for Segue and written as raw float32 for TensorFlow.
    func musicnnSideBySide(_ model: Musicnn, music: String, dir: String, tools: FFmpegTools) throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: music).sorted().prefix(musicnnSongs)
        let raw = (dir as NSString).appendingPathComponent("musicnn-16k")
        try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
        var audio: [[Float]] = []
        var paths: [String] = []
        for file in files {
            let samples = try AudioDecoder(tools: tools).decodeMono(
                (music as NSString).appendingPathComponent(file), sampleRate: MusicnnSpectrogram.sampleRate)
            let path = (raw as NSString).appendingPathComponent(file + ".f32")
            try samples.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
            audio.append(samples)
            paths.append(path)
        }
        print("musicnn inference on \(audio.count) songs (16 kHz)…")
        // Segue and TensorFlow take turns, three rounds, each row its median round: on a shared
        // machine a change of load during the run falls on both alike.
        var rounds: [[MusicnnBench.Timing]] = [[], [], []]
        var note = ""
        for _ in 0..<3 {
            rounds[0].append(MusicnnBench.swift(model, audio: audio, perFile: true))
            rounds[1].append(MusicnnBench.swift(model, audio: audio, perFile: false))
            guard note.isEmpty else { continue }
            switch MusicnnBench.tensorflow(files: paths) {
            case .success(let t): rounds[2].append(t)
            case .failure(let why): note = "TensorFlow row missing: \(why)."
            }
        }
        let timings = rounds.filter { !$0.isEmpty }.map { $0.sorted { $0.networkSeconds < $1.networkSeconds }[$0.count / 2] }
        var lines = [
            "",
            "musicnn alone (MSD_musicnn: log-mel spectrogram and the network over every 3 s patch, embedding and tags), the same \(audio.count) songs decoded to 16 kHz, in the same run; Segue and TensorFlow take turns for three rounds and each row is its median round (by network time):",
            "",
            "| implementation | patches | spectrograms | network | network, times real time |",
            "|---|---:|---:|---:|---:|",
        ]
        for t in timings {
            print(
                String(
                    format: "%@: %d patches, mel %.2f s, network %.2f s = %.0fx real time", t.label, t.patches, t.melSeconds, t.networkSeconds,
                    t.audioSeconds / t.networkSeconds))
            lines.append(
                String(
                    format: "| %@ | %d | %.2f s | %.2f s | **%.0fx** |", t.label, t.patches, t.melSeconds, t.networkSeconds,
                    t.audioSeconds / t.networkSeconds))
        }
        lines += ["", "Target (issue 6): Segue's musicnn inference at least as fast as TensorFlow's." + (note.isEmpty ? "" : " " + note)]
        return lines
    }

    /// Encodes mono samples as a 16-bit FLAC file through ffmpeg.
    static func writeFLAC(_ samples: [Float], rate: Int, to path: String, tools: FFmpegTools) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        process.arguments = ["-v", "error", "-y", "-f", "f32le", "-ar", String(rate), "-ac", "1", "-i", "pipe:0", "-c:a", "flac", path]
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        samples.withUnsafeBytes { pipe.fileHandleForWriting.write(Data($0)) }
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("ffmpeg could not write \(path)") }
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<(Float, Int, KeyDescriptor.Mode), AudioError>?]
        init(_ n: Int) { values = Array(repeating: nil, count: n) }
        func set(_ i: Int, _ r: Result<(Float, Int, KeyDescriptor.Mode), AudioError>) {
            lock.withLock { values[i] = r }
        }
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
