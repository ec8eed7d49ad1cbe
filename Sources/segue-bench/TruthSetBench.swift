import Foundation
import SegueAudio
import SegueBenchSupport
import SegueMedia

/// Key and tempo on a truth set of rendered compositions (`segue-bench analysis --truth-set DIR`,
/// the folder `scripts/truthset_compositions.py` writes): Segue's answers through the same decoder
/// and analysis as `segue library add`, and librosa's on the same files (`scripts/truthset_librosa.py`).
enum TruthSetBench {
    /// One side's answers, in the order of the set's pieces (nil: no answer for that file).
    struct Answers {
        var label: String
        var found: [(bpm: Double, tonic: Int, mode: KeyDescriptor.Mode)?]
        var note = ""
    }

    /// The figures of one side.
    struct Score {
        var pieces = 0
        var keyExact = 0
        var relations: [KeyRelation: Int] = [:]
        var drumsExact = 0
        var drumPieces = 0
        var tempo1 = 0
        var tempo2 = 0
        var answered = 0

        init(_ set: CompositionTruthSet, _ answers: Answers) {
            for (piece, found) in zip(set.pieces, answers.found) {
                pieces += 1
                if piece.drums { drumPieces += 1 }
                guard let found else { continue }
                answered += 1
                let relation = KeyRelation(truth: (piece.tonic, piece.mode), found: (found.tonic, found.mode))
                relations[relation, default: 0] += 1
                if relation == .exact {
                    keyExact += 1
                    if piece.drums { drumsExact += 1 }
                }
                if AnalysisAccuracy.tempoMatches(truth: piece.bpm, found: found.bpm, octaves: false) { tempo1 += 1 }
                if AnalysisAccuracy.tempoMatches(truth: piece.bpm, found: found.bpm, octaves: true) { tempo2 += 1 }
            }
        }

        func share(_ n: Int, of total: Int) -> String {
            total == 0 ? "–" : String(format: "%d of %d (%.1f %%)", n, total, 100 * Double(n) / Double(total))
        }
    }

    /// Segue's answers: each file decoded (ffmpeg, 22,050 Hz mono) and analysed as the library does.
    static func segue(_ set: CompositionTruthSet, folder: String, tools: FFmpegTools) -> Answers {
        let decoder = AnalysisDecoder(tools: tools)
        let results = Box(set.pieces.count)
        DispatchQueue.concurrentPerform(iterations: set.pieces.count) { i in
            let path = CompositionTruthSet.path(of: set.pieces[i], in: folder)
            guard let samples = try? decoder.decode(path, musicnn: false).dsp,
                let analysis = try? AudioAnalysis(samples: samples)
            else { return }
            results.set(i, (Double(analysis.tempo.bpm), analysis.key.tonic, analysis.key.mode))
        }
        return Answers(label: "Segue", found: results.values)
    }

    /// librosa's answers through `scripts/truthset_librosa.py` (librosa from `.local/opinion`), or
    /// none with the reason.
    static func librosa(_ set: CompositionTruthSet, folder: String) -> Answers {
        let script = "scripts/truthset_librosa.py"
        let path = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".local/opinion")
        guard FileManager.default.fileExists(atPath: script),
            let run = try? ChildRun.run("/usr/bin/env", ["python3", script, folder], environment: ["PYTHONPATH": path]),
            run.status == 0,
            let json = try? JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any],
            let files = json["files"] as? [String: [String: Any]]
        else {
            return Answers(
                label: "librosa", found: set.pieces.map { _ in nil },
                note: "librosa unavailable or failed (run from the repository; scripts/setup.sh --bench installs it into .local/opinion)")
        }
        let version = json["librosa"] as? String ?? "?"
        let found = set.pieces.map { piece -> (Double, Int, KeyDescriptor.Mode)? in
            guard let row = files[piece.file], let bpm = row["bpm"] as? Double, let key = row["key"] as? String,
                let parsed = parseKey(key)
            else { return nil }
            return (bpm, parsed.0, parsed.1)
        }
        return Answers(label: "librosa \(version) (KK template on chroma_cqt; beat_track)", found: found)
    }

    /// "A minor" → (9, .minor).
    static func parseKey(_ text: String) -> (Int, KeyDescriptor.Mode)? {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let mode = KeyDescriptor.Mode(rawValue: String(parts[1])) else { return nil }
        let names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
        guard let tonic = names.firstIndex(of: String(parts[0])) else { return nil }
        return (tonic, mode)
    }

    /// The BENCHMARKS.md lines: one table with a column per side, then Segue's misses.
    static func lines(_ set: CompositionTruthSet, folder: String, sides: [Answers]) -> [String] {
        let scores = sides.map { Score(set, $0) }
        let kinds = Dictionary(grouping: set.pieces, by: \.kind).map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
        let drums = set.pieces.filter(\.drums).count
        var out = [
            "",
            "Truth set: \(set.pieces.count) pieces from music21's corpus (\(kinds)) rendered through a General MIDI soundfont by `scripts/truthset_compositions.py` (seed \(set.seed.map(String.init) ?? "?"); \(drums) with a drum part; tempos \(Int(set.pieces.map(\.bpm).min() ?? 0))–\(Int(set.pieces.map(\.bpm).max() ?? 0)) BPM in the meter's beat; key signature, a key analysis of the notes and the bass's first and last note agree).",
            "",
            "| measure | " + sides.map(\.label).joined(separator: " | ") + " |",
            "|---|" + sides.map { _ in "---:|" }.joined(),
        ]
        func row(_ name: String, _ value: (Score) -> String) { out.append("| \(name) | " + scores.map(value).joined(separator: " | ") + " |") }
        row("key exact") { "**" + $0.share($0.keyExact, of: $0.pieces) + "**" }
        for relation in KeyRelation.allCases where relation != .exact {
            row("key: \(relation.rawValue) named") { $0.share($0.relations[relation] ?? 0, of: $0.pieces) }
        }
        row("key exact, pieces with drums") { $0.share($0.drumsExact, of: $0.drumPieces) }
        row("tempo within 4 %") { "**" + $0.share($0.tempo1, of: $0.pieces) + "**" }
        row("tempo within 4 %, ½ ⅓ 2× 3× allowed") { $0.share($0.tempo2, of: $0.pieces) }
        for side in sides where !side.note.isEmpty { out += ["", side.note + "."] }
        if let segue = sides.first {
            var misses: [String] = []
            for (piece, found) in zip(set.pieces, segue.found) {
                guard let found else {
                    misses.append("\(piece.file): no answer")
                    continue
                }
                let key = KeyRelation(truth: (piece.tonic, piece.mode), found: (found.tonic, found.mode))
                let tempoRight = AnalysisAccuracy.tempoMatches(truth: piece.bpm, found: found.bpm, octaves: false)
                guard key != .exact || !tempoRight else { continue }
                misses.append(
                    "\(piece.file) (\(piece.keyName), \(Int(piece.bpm)) in \(piece.meter)\(piece.drums ? ", drums" : "")) → "
                        + SyntheticSong.keyName(tonic: found.tonic, mode: found.mode) + (key == .exact ? "" : " (\(key.rawValue))")
                        + String(format: ", %.1f BPM", found.bpm))
            }
            if !misses.isEmpty { out += ["", "Segue's misses (truth → found): " + misses.joined(separator: "; ") + "."] }
        }
        return out
    }

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [(bpm: Double, tonic: Int, mode: KeyDescriptor.Mode)?]
        init(_ n: Int) { values = Array(repeating: nil, count: n) }
        func set(_ i: Int, _ v: (Double, Int, KeyDescriptor.Mode)) { lock.withLock { values[i] = v } }
    }
}
