import Foundation

/// The musical key: a chroma profile (energy per pitch class) correlated with the Albrecht–Shanahan
/// major and minor key profiles in all twelve rotations, each profile spread over the harmonics a
/// sounding note puts into the chroma (`harmonicProfile`).
public struct KeyDescriptor: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable { case major, minor }

    /// Pitch class of the tonic, 0 = C … 11 = B.
    public var tonic: Int
    public var mode: Mode
    /// Correlation of the best profile (−1…1).
    public var confidence: Float
    /// The averaged chroma, normalised to sum 1.
    public var chroma: [Float]

    static let names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
    /// Below this the bins are wider than a semitone's spacing and smear bass notes over their
    /// neighbours (a 4096-point frame at 22,050 Hz resolves 5.4 Hz; C2 and C#2 are 3.9 Hz apart).
    static let lowestFrequency: Float = 100
    /// Albrecht & Shanahan (2013): how often each scale degree sounds in a corpus of major and minor
    /// pieces (durations). Krumhansl and Kessler's probe-tone ratings, used before, name the dominant
    /// on most real pieces: they rate the chromatic degrees too high and the tonic too low.
    static let majorNotes: [Float] = [0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081]
    static let minorNotes: [Float] = [0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052]
    static let majorProfile = harmonicProfile(majorNotes)
    static let minorProfile = harmonicProfile(minorNotes)

    /// What a key's notes put into a magnitude chroma: each pitch class's weight also lands on the
    /// classes of its first six harmonics (the octaves, the twelfth a fifth above, the major third
    /// two octaves up), harmonic `h` with weight `0.7^(h-1)`. Matching the plain note profile
    /// instead reads every note's third harmonic as its fifth, which pulls the answer a fifth up
    /// (to the dominant) on real instruments; the weight 0.7 was chosen on 44 rendered
    /// compositions (`scripts/truthset_compositions.py`, seed 17).
    static func harmonicProfile(_ notes: [Float], decay: Float = 0.7, harmonics: Int = 6) -> [Float] {
        var profile = [Float](repeating: 0, count: 12)
        for pc in 0..<12 {
            for h in 1...harmonics {
                let up = Int((12 * log2f(Float(h))).rounded())
                profile[(pc + up) % 12] += notes[pc] * powf(decay, Float(h - 1))
            }
        }
        return profile
    }

    /// "A minor", "F# major".
    public var name: String { "\(Self.names[tonic]) \(mode.rawValue)" }

    /// The Camelot wheel code DJs use: 8A is A minor, 8B is C major.
    public var camelot: String {
        // Position on the wheel of each major tonic (C = 8B); a minor key shares the number of its relative major.
        let majorNumber = [8, 3, 10, 5, 12, 7, 2, 9, 4, 11, 6, 1]
        if mode == .major { return "\(majorNumber[tonic])B" }
        return "\(majorNumber[(tonic + 3) % 12])A"
    }

    public init(spectrogram s: Spectrogram) {
        var chroma = [Float](repeating: 0, count: 12)
        // Bins between A1 (55 Hz) and about 5 kHz, each to its nearest pitch class.
        var classOfBin: [Int] = []
        for k in 0..<(s.frameSize / 2 + 1) {
            let f = s.frequency(ofBin: k)
            guard f >= Self.lowestFrequency, f <= 5000 else {
                classOfBin.append(-1)
                continue
            }
            let midi = 69 + 12 * log2f(f / 440)
            classOfBin.append(((Int(midi.rounded()) % 12) + 12) % 12)
        }
        for frame in s.frames {
            var frameChroma = [Float](repeating: 0, count: 12)
            var total: Float = 0
            for (k, m) in frame.enumerated() where classOfBin[k] >= 0 {
                frameChroma[classOfBin[k]] += m
                total += m
            }
            guard total > 1e-8 else { continue }
            for i in 0..<12 { chroma[i] += frameChroma[i] / total }
        }
        let sum = chroma.reduce(0, +)
        if sum > 0 { chroma = chroma.map { $0 / sum } }
        var best: (Int, Mode, Float) = (0, .major, -2)
        for tonic in 0..<12 {
            for (mode, profile) in [(Mode.major, Self.majorProfile), (Mode.minor, Self.minorProfile)] {
                let rotated = (0..<12).map { profile[($0 - tonic + 12) % 12] }
                let r = Self.correlation(chroma, rotated)
                if r > best.2 { best = (tonic, mode, r) }
            }
        }
        tonic = best.0
        mode = best.1
        confidence = best.2
        self.chroma = chroma
    }

    static func correlation(_ a: [Float], _ b: [Float]) -> Float {
        let n = Float(a.count)
        let ma = a.reduce(0, +) / n
        let mb = b.reduce(0, +) / n
        var num: Float = 0
        var da: Float = 0
        var db: Float = 0
        for i in a.indices {
            num += (a[i] - ma) * (b[i] - mb)
            da += (a[i] - ma) * (a[i] - ma)
            db += (b[i] - mb) * (b[i] - mb)
        }
        return da > 0 && db > 0 ? num / (da * db).squareRoot() : 0
    }
}
