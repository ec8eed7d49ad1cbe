import Foundation
import SegueMedia
import Testing

@testable import SegueAudio

/// Key and tempo on real compositions (issue 17): a few pieces from music21's corpus kept as
/// General MIDI files with their truth (`Tests/Fixtures/compositions`, written by
/// `scripts/truthset_compositions.py --midi-only`), rendered at test time by fluidsynth through the
/// TimGM6mb soundfont (both from `scripts/setup.sh`), decoded by ffmpeg and analysed as the library does.
@Suite struct CompositionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/compositions").path
    static let soundfont = ProcessInfo.processInfo.environment["SEGUE_SOUNDFONT"] ?? "/usr/share/sounds/sf2/TimGM6mb.sf2"

    /// Renders `midi` to a WAV file at 22,050 Hz with fluidsynth (found on PATH).
    static func render(_ midi: String, to wav: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["fluidsynth", "-ni", "-q", "-g", "0.5", "-r", "22050", "-F", wav, soundfont, midi]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "fluidsynth could not render \(midi) (scripts/setup.sh installs fluidsynth and timgm6mb-soundfont)")
    }

    @Test func keyAndTempoOfRenderedCompositions() throws {
        let set = try CompositionTruthSet.load(folder: Self.fixtures)
        #expect(set.pieces.count >= 5)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segue-compositions-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let decoder = AnalysisDecoder(tools: try FFmpegTools.locate())
        for piece in set.pieces {
            try Self.render((Self.fixtures as NSString).appendingPathComponent(piece.midi ?? ""), to: CompositionTruthSet.path(of: piece, in: dir))
        }
        let found = Found(set.pieces.count)
        DispatchQueue.concurrentPerform(iterations: set.pieces.count) { i in
            guard let samples = try? decoder.decode(CompositionTruthSet.path(of: set.pieces[i], in: dir), musicnn: false).dsp,
                let analysis = try? AudioAnalysis(samples: samples)
            else { return }
            found.set(i, analysis)
        }
        // Every key exactly; every tempo within 4 % up to its metrical level (half, double, a third,
        // three times), and at the meter's own beat on all but one piece (the issue's target is 85 %:
        // a fast 2/4 movement for strings may still read at its half notes).
        var tempoMisses: [String] = []
        for (piece, analysis) in zip(set.pieces, found.values) {
            guard let analysis else {
                Issue.record("\(piece.file) was not analysed")
                continue
            }
            let what = "\(piece.file) (\(piece.keyName), \(piece.bpm) BPM in \(piece.meter), \(piece.ensemble)\(piece.drums ? " + drums" : ""))"
            let bpm = Double(analysis.tempo.bpm)
            #expect(analysis.key.name == piece.keyName, "\(what): key \(analysis.key.name)")
            #expect(AnalysisAccuracy.tempoMatches(truth: piece.bpm, found: bpm, octaves: true), "\(what): \(bpm) BPM")
            if !AnalysisAccuracy.tempoMatches(truth: piece.bpm, found: bpm, octaves: false) { tempoMisses.append("\(what): \(bpm) BPM") }
            // A compound meter's beat is its dotted quarter: a jig's running eighths group by three,
            // and half their tempo (1.5 times the beat, no metrical level at all) is wrong.
            if ["6/8", "9/8", "12/8"].contains(piece.meter) {
                #expect(AnalysisAccuracy.tempoMatches(truth: piece.bpm, found: bpm, octaves: false), "\(what): \(bpm) BPM")
            }
        }
        #expect(tempoMisses.count <= 1, "\(tempoMisses)")
    }

    /// A truth set from elsewhere names files inside its folder only, and every field is checked.
    @Test(arguments: [
        (
            #"{"pieces": [{"file": "../../etc/passwd", "source": "x", "kind": "folk", "tonic": 0, "mode": "major", "bpm": 100, "meter": "4/4", "drums": false, "ensemble": "piano"}]}"#,
            "not a plain file name"
        ),
        (
            #"{"pieces": [{"file": "a.wav", "midi": "/tmp/a.mid", "source": "x", "kind": "folk", "tonic": 0, "mode": "major", "bpm": 100, "meter": "4/4", "drums": false, "ensemble": "piano"}]}"#,
            "'/tmp/a.mid'"
        ),
        (
            #"{"pieces": [{"file": "a.wav", "source": "x", "kind": "folk", "tonic": 12, "mode": "major", "bpm": 100, "meter": "4/4", "drums": false, "ensemble": "piano"}]}"#,
            "tonic 12"
        ),
        (
            #"{"pieces": [{"file": "a.wav", "source": "x", "kind": "folk", "tonic": 0, "mode": "dorian", "bpm": 100, "meter": "4/4", "drums": false, "ensemble": "piano"}]}"#,
            "pieces[0].mode is not valid"
        ),
        (
            #"{"pieces": [{"file": "a.wav", "source": "x", "kind": "folk", "tonic": 0, "mode": "major", "bpm": 0, "meter": "4/4", "drums": false, "ensemble": "piano"}]}"#,
            "tempo 0.0 BPM"
        ),
        (
            #"{"pieces": [{"file": "a.wav", "kind": "folk", "tonic": 0, "mode": "major", "bpm": 90, "meter": "4/4", "drums": false, "ensemble": "piano"}]}"#,
            "pieces[0].source is missing"
        ),
        ("[1, 2", "not valid JSON"),
    ])
    func hostileTruthSet(json: String, message: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segue-truth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(json.utf8).write(to: URL(fileURLWithPath: (dir as NSString).appendingPathComponent("truth.json")))
        do {
            _ = try CompositionTruthSet.load(folder: dir)
            Issue.record("loaded \(json)")
        } catch {
            #expect(error.description.contains(message) && error.description.contains("truth.json"), "\(error)")
        }
        #expect(throws: AudioError.self) { _ = try CompositionTruthSet.load(folder: (dir as NSString).appendingPathComponent("missing")) }
    }

    final class Found: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [AudioAnalysis?]
        init(_ n: Int) { values = Array(repeating: nil, count: n) }
        func set(_ i: Int, _ a: AudioAnalysis) { lock.withLock { values[i] = a } }
    }
}
