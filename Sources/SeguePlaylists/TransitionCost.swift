import Foundation

/// How rough the move from the end of one track to the start of the next is, and why.
///
/// Each part is 0 (seamless) to 1 (jarring); the total is their weighted sum. Defaults:
/// - tempo: the ratio of the two tempos, with half and double time allowed; within ±6 % counts as
///   mixable (cost under 0.25), rising to 1 at ±20 %.
/// - key (Camelot wheel): same key 0; one step around the wheel or the relative major/minor 0.2;
///   a diagonal move (one step and the other mode) 0.5; anything else 0.7 plus 0.05 per extra step.
/// - loudness: |ΔLUFS| / 8, capped at 1; energy: |Δenergy| × 2, capped at 1.
/// - embedding: cosine distance / 2 (0 same direction, 1 opposite).
public struct TransitionCost: Sendable, Equatable, Codable {
    public var tempo: Double
    public var key: Double
    public var loudness: Double
    public var energy: Double
    public var embedding: Double
    public var total: Double
    /// How the move sounds, in one word (see `Grade`).
    public var grade: Grade

    /// A transition in one word. The total alone would hide a single bad part (a 22 BPM jump between
    /// tracks that otherwise match costs 1.0, under the total's "rough" line), so the worst part counts too:
    /// - smooth: total under 0.75 and every part under 0.25 (mixable tempo, a neighbouring key);
    /// - rough: total 1.5 or more, or any part 0.6 or more (tempo more than about 12.5 % apart, a key
    ///   two or more steps around the wheel, 4.8 LU louder or softer, energy 0.3 apart);
    /// - fair: the rest.
    public enum Grade: String, Sendable, Equatable, Codable, CaseIterable {
        case smooth, fair, rough
    }

    /// The weight of each part in the total.
    public struct Weights: Sendable, Equatable, Codable {
        public var tempo = 1.0
        public var key = 1.0
        public var loudness = 0.5
        public var energy = 0.75
        public var embedding = 1.5

        public init() {}
    }

    public init(from a: PlaylistTrack, to b: PlaylistTrack, weights: Weights = Weights()) {
        tempo = Self.tempoCost(a.outro.bpm, b.intro.bpm)
        key = Self.keyCost(a.outro.camelot, b.intro.camelot)
        loudness = min(1, abs(a.loudnessLUFS - b.loudnessLUFS) / 8)
        energy = Double(min(1, abs(a.outro.energy - b.intro.energy) * 2))
        embedding = Self.cosineDistance(a.embedding, b.embedding) / 2
        total =
            weights.tempo * tempo + weights.key * key + weights.loudness * loudness + weights.energy * energy
            + weights.embedding * embedding
        grade = Self.grade(total: total, worstPart: max(tempo, key, loudness, energy, embedding))
    }

    /// The grade of a transition of this total whose worst part costs `worstPart`.
    public static func grade(total: Double, worstPart: Double) -> Grade {
        if total >= 1.5 || worstPart >= 0.6 { return .rough }
        if total >= 0.75 || worstPart >= 0.25 { return .fair }
        return .smooth
    }

    /// Relative tempo mismatch after choosing the best of ×½, ×1, ×2.
    public static func tempoDeviation(_ a: Float, _ b: Float) -> Double {
        guard a > 0, b > 0 else { return 0.2 }
        return [0.5, 1, 2].map { abs(Double(b) * $0 / Double(a) - 1) }.min()!
    }

    static func tempoCost(_ a: Float, _ b: Float) -> Double {
        let d = tempoDeviation(a, b)
        if d <= 0.06 { return d / 0.06 * 0.25 }
        return min(1, 0.25 + (d - 0.06) / 0.14 * 0.75)
    }

    static func keyCost(_ a: Camelot?, _ b: Camelot?) -> Double {
        guard let a, let b else { return 0.4 }  // unknown key: neither good nor bad
        let steps = a.steps(to: b)
        switch (steps, a.major == b.major) {
        case (0, true): return 0
        case (1, true), (0, false): return 0.2
        case (1, false): return 0.5
        default: return min(1, 0.7 + 0.05 * Double(steps - 2))
        }
    }

    public static func cosineDistance(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 1 }
        var dot: Float = 0
        var na: Float = 0
        var nb: Float = 0
        for i in a.indices {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        guard na > 0, nb > 0 else { return 1 }
        return Double(1 - dot / (na.squareRoot() * nb.squareRoot()))
    }
}
