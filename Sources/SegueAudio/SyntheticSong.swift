import Foundation

/// A short song with a known tempo and key, rendered by Segue itself: kick, snare and hi-hat on the
/// beat grid, a bass line on the chord roots and sustained triads over a four-bar progression that
/// establishes the key (I–IV–V–I in major, i–iv–V–i with the harmonic-minor dominant in minor).
///
/// The tempo and key descriptors are measured on these (`segue-bench analysis --accuracy`): the
/// answer is known exactly, and every tempo and all 24 keys can be covered.
public struct SyntheticSong: Sendable, Equatable {
    public var bpm: Double
    /// Pitch class of the tonic, 0 = C … 11 = B.
    public var tonic: Int
    public var mode: KeyDescriptor.Mode
    public var seconds: Double
    /// Varies velocities, the chords' octave and the drum pattern's fills.
    public var seed: UInt64

    public init(bpm: Double, tonic: Int, mode: KeyDescriptor.Mode, seconds: Double = 30, seed: UInt64 = 1) {
        self.bpm = bpm
        self.tonic = ((tonic % 12) + 12) % 12
        self.mode = mode
        self.seconds = seconds
        self.seed = seed
    }

    /// The key as `KeyDescriptor.name` writes it (e.g. `A minor`).
    public var keyName: String { Self.keyName(tonic: tonic, mode: mode) }

    public static func keyName(tonic: Int, mode: KeyDescriptor.Mode) -> String {
        "\(KeyDescriptor.names[((tonic % 12) + 12) % 12]) \(mode.rawValue)"
    }

    /// The songs of the accuracy set: the 24 keys in turn, and `count` tempos evenly spread over
    /// 70–180 BPM, shuffled so that each key meets slow and fast ones.
    public static func accuracySet(count: Int = 72, seconds: Double = 30) -> [SyntheticSong] {
        // A step coprime with the count visits every tempo once.
        var step = 29
        while gcd(step, count) != 1 { step += 1 }
        return (0..<count).map { i in
            let key = i % 24
            let bpm = count > 1 ? 70 + 110 * Double((i * step) % count) / Double(count - 1) : 120
            return SyntheticSong(
                bpm: bpm, tonic: key % 12, mode: key < 12 ? .major : .minor, seconds: seconds, seed: UInt64(i + 1))
        }
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Mono samples at `rate`, peaking below full scale.
    public func render(rate: Int = AudioAnalysis.sampleRate) -> [Float] {
        let n = Int(seconds * Double(rate))
        var out = [Float](repeating: 0, count: n)
        var random = Generator(seed: seed)
        let beat = 60 / bpm
        let sr = Double(rate)

        // Scale degrees (semitones above the tonic) of each bar's chord root and its triad.
        let progression: [(root: Int, third: Int, fifth: Int)] =
            mode == .major
            ? [(0, 4, 7), (5, 4, 7), (7, 4, 7), (0, 4, 7)]
            : [(0, 3, 7), (5, 3, 7), (7, 4, 7), (0, 3, 7)]
        let chordOctave = 60 + (random.next() % 2 == 0 ? 0 : -12)

        func frequency(_ midi: Int) -> Double { 440 * pow(2, Double(midi - 69) / 12) }

        /// Adds a tone with harmonics and an exponential decay.
        func tone(_ midi: Int, at start: Double, length: Double, gain: Double, harmonics: Int, decay: Double) {
            let f = frequency(midi)
            let first = Int(start * sr)
            let count = min(Int(length * sr), n - first)
            guard first >= 0, count > 0 else { return }
            for i in 0..<count {
                let t = Double(i) / sr
                let attack = min(1, t / 0.01)
                let release = min(1, Double(count - i) / (0.02 * sr))
                let envelope = gain * attack * release * exp(-t / decay)
                var v = 0.0
                for h in 1...harmonics {
                    v += sin(2 * .pi * f * Double(h) * t) / Double(h)
                }
                out[first + i] += Float(envelope * v)
            }
        }

        func noise(at start: Double, length: Double, gain: Double, decay: Double, bright: Bool) {
            let first = Int(start * sr)
            let count = min(Int(length * sr), n - first)
            guard first >= 0, count > 0 else { return }
            var previous = 0.0
            for i in 0..<count {
                let t = Double(i) / sr
                let white = Double(random.next() % 20_001) / 10_000 - 1
                // A one-pole high-pass for the hats, a gentle low-pass for the snare.
                let v = bright ? white - previous : 0.5 * (white + previous)
                previous = white
                out[first + i] += Float(gain * exp(-t / decay) * v)
            }
        }

        func kick(at start: Double, gain: Double) {
            let first = Int(start * sr)
            let count = min(Int(0.25 * sr), n - first)
            guard first >= 0, count > 0 else { return }
            var phase = 0.0
            for i in 0..<count {
                let t = Double(i) / sr
                let f = 50 + 90 * exp(-t / 0.03)
                phase += 2 * .pi * f / sr
                out[first + i] += Float(gain * exp(-t / 0.12) * sin(phase))
            }
        }

        let beats = Int(seconds / beat)
        for b in 0..<beats {
            let t = Double(b) * beat
            let inBar = b % 4
            let bar = (b / 4) % progression.count
            let chord = progression[bar]
            let velocity = 0.85 + 0.15 * Double(random.next() % 100) / 100
            // Drums: kick on 1 and 3, snare on 2 and 4, hats on every eighth.
            if inBar == 0 || inBar == 2 { kick(at: t, gain: 0.9 * velocity) }
            if inBar == 1 || inBar == 3 { noise(at: t, length: 0.18, gain: 0.35 * velocity, decay: 0.05, bright: false) }
            noise(at: t, length: 0.05, gain: 0.12 * velocity, decay: 0.015, bright: true)
            noise(at: t + beat / 2, length: 0.05, gain: 0.08 * velocity, decay: 0.015, bright: true)
            // Bass: the chord root on every beat, two octaves down.
            let root = tonic + chord.root
            tone(36 + root % 12, at: t, length: beat * 0.9, gain: 0.35 * velocity, harmonics: 4, decay: 0.4)
            // Chords: the triad held for the bar.
            if inBar == 0 {
                for interval in [0, chord.third, chord.fifth] {
                    tone(
                        chordOctave + root % 12 + interval, at: t, length: beat * 4, gain: 0.12, harmonics: 3,
                        decay: beat * 3)
                }
            }
        }
        let peak = out.reduce(Float(0)) { max($0, abs($1)) }
        if peak > 0 {
            let scale = 0.8 / peak
            for i in out.indices { out[i] *= scale }
        }
        return out
    }

    /// SplitMix64, so a seed renders the same song everywhere.
    struct Generator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

/// How well the tempo and key descriptors do on songs with known answers.
public struct AnalysisAccuracy: Sendable, Equatable, Codable {
    public var songs = 0
    /// Tempo within ±4 % of the truth.
    public var tempoAccuracy1 = 0.0
    /// Tempo within ±4 % of the truth or of half, double, a third or three times it.
    public var tempoAccuracy2 = 0.0
    /// Key and mode exactly right.
    public var keyExact = 0.0
    /// MIREX weighting: 1 exact, 0.5 a fifth away, 0.3 relative major/minor, 0.2 parallel major/minor.
    public var keyWeighted = 0.0

    public init() {}

    /// The MIREX score of `found` for `truth`.
    public static func keyScore(truth: (tonic: Int, mode: KeyDescriptor.Mode), found: (tonic: Int, mode: KeyDescriptor.Mode)) -> Double {
        if truth == found { return 1 }
        if truth.mode == found.mode, (found.tonic - truth.tonic + 12) % 12 == 7 || (truth.tonic - found.tonic + 12) % 12 == 7 {
            return 0.5
        }
        // Relative: C major ↔ A minor.
        if truth.mode == .major, found.mode == .minor, found.tonic == (truth.tonic + 9) % 12 { return 0.3 }
        if truth.mode == .minor, found.mode == .major, found.tonic == (truth.tonic + 3) % 12 { return 0.3 }
        if truth.tonic == found.tonic { return 0.2 }
        return 0
    }

    /// Whether `found` BPM is within 4 % of `truth` (or, with `octaves`, of ½, ⅓, 2 or 3 times it).
    public static func tempoMatches(truth: Double, found: Double, octaves: Bool) -> Bool {
        let factors: [Double] = octaves ? [1, 2, 0.5, 3, 1.0 / 3] : [1]
        return factors.contains { abs(found - truth * $0) <= 0.04 * truth * $0 }
    }

    /// Adds one song's result.
    public mutating func add(_ song: SyntheticSong, bpm: Double, key: (tonic: Int, mode: KeyDescriptor.Mode)) {
        let n = Double(songs)
        func running(_ old: Double, _ new: Double) -> Double { (old * n + new) / (n + 1) }
        tempoAccuracy1 = running(tempoAccuracy1, Self.tempoMatches(truth: song.bpm, found: bpm, octaves: false) ? 1 : 0)
        tempoAccuracy2 = running(tempoAccuracy2, Self.tempoMatches(truth: song.bpm, found: bpm, octaves: true) ? 1 : 0)
        let score = Self.keyScore(truth: (song.tonic, song.mode), found: key)
        keyExact = running(keyExact, score == 1 ? 1 : 0)
        keyWeighted = running(keyWeighted, score)
        songs += 1
    }
}
