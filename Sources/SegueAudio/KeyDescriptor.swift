import Foundation

/// The musical key: a chroma profile (energy per pitch class) correlated with the Krumhansl–Kessler
/// major and minor key profiles in all twelve rotations.
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
    // Krumhansl & Kessler (1982) probe-tone ratings.
    /// Below this the bins are wider than a semitone's spacing and smear bass notes over their
    /// neighbours (a 4096-point frame at 22,050 Hz resolves 5.4 Hz; C2 and C#2 are 3.9 Hz apart).
    static let lowestFrequency: Float = 100
    static let majorProfile: [Float] = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
    static let minorProfile: [Float] = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

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
