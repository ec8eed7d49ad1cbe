import Foundation

/// Tempo in beats per minute from the autocorrelation of an onset-strength envelope (half-wave
/// rectified spectral flux of the log spectrum, averaged per octave band so that the beat-carrying
/// low bands count as much as the many high bins). Each candidate lag scores the autocorrelation
/// summed over its multiples (a comb), weighted by a log-normal prior around 135 BPM, so that the
/// right octave wins over its double and half.
public struct TempoDescriptor: Sendable, Equatable, Codable {
    public var bpm: Float
    /// How much the chosen lag stands out from the autocorrelation around it (0…1).
    public var confidence: Float

    public static let range: ClosedRange<Float> = 60...200
    /// Centre of the tempo prior (log-normal, one octave wide).
    static let preferredBPM: Float = 135
    /// Band edges in Hz for the onset envelope (about an octave each).
    static let bandEdges: [Float] = [30, 80, 160, 320, 640, 1280, 2560, 5120, 11_025]

    public init(spectrogram s: Spectrogram) {
        let envelope = Self.onsetEnvelope(s)
        guard envelope.count > 8 else {
            bpm = 0
            confidence = 0
            return
        }
        let rate = s.frameRate
        let minLag = max(1, Int((60 * rate / Self.range.upperBound).rounded(.down)))
        let maxLag = min(envelope.count - 1, Int((60 * rate / Self.range.lowerBound).rounded(.up)))
        guard minLag < maxLag else {
            bpm = 0
            confidence = 0
            return
        }
        let mean = envelope.reduce(0, +) / Float(envelope.count)
        let e = envelope.map { $0 - mean }
        // Lags up to four times the longest beat, for the comb below.
        let acfLength = min(e.count - 1, 4 * maxLag + 2)
        var acf = [Float](repeating: 0, count: max(maxLag + 2, acfLength + 1))
        for lag in 1...acfLength where lag < e.count {
            var sum: Float = 0
            for i in lag..<e.count { sum += e[i] * e[i - lag] }
            acf[lag] = sum / Float(e.count - lag)
        }
        var bestLag = minLag
        var bestScore = -Float.infinity
        for lag in minLag...maxLag {
            let candidate = 60 * rate / Float(lag)
            // Log-normal prior, one octave wide, centred a little above the middle of 70-180 BPM:
            // with the comb it settles the octave (chosen on 48 development songs, not the report set).
            let octaves = log2f(candidate / Self.preferredBPM)
            let prior = expf(-0.5 * octaves * octaves)
            // A comb over the lag's multiples: a beat is also periodic at two, three and four beats.
            var comb: Float = 0
            for k in 1...4 where k * lag < acf.count { comb += acf[k * lag] / Float(k) }
            let score = comb * prior
            if score > bestScore {
                bestScore = score
                bestLag = lag
            }
        }
        // Refine the lag with a parabola through the neighbours.
        var lag = Float(bestLag)
        if bestLag > 1 && bestLag + 1 < acf.count {
            let a = acf[bestLag - 1]
            let b = acf[bestLag]
            let c = acf[bestLag + 1]
            let d = a - 2 * b + c
            if d < 0 { lag += 0.5 * (a - c) / d }
        }
        bpm = 60 * rate / lag
        let peak = acf[bestLag]
        let zeroLag = e.reduce(0) { $0 + $1 * $1 } / Float(e.count)
        confidence = zeroLag > 0 ? max(0, min(1, peak / zeroLag)) : 0
    }

    static func onsetEnvelope(_ s: Spectrogram) -> [Float] {
        guard s.frames.count > 1 else { return [] }
        // Spectral flux per band, each band's flux averaged over its bins, then summed: without the
        // bands, hi-hats and cymbals (most of the bins) outvote the kick, snare and bass that carry
        // the beat, and a slow song reads at double tempo.
        let bins = s.frames[0].count
        var bandOfBin = [Int](repeating: -1, count: bins)
        var binsInBand = [Int](repeating: 0, count: Self.bandEdges.count - 1)
        for k in 0..<bins {
            let f = s.frequency(ofBin: k)
            guard let band = Self.bandEdges.indices.dropLast().first(where: { f >= Self.bandEdges[$0] && f < Self.bandEdges[$0 + 1] })
            else { continue }
            bandOfBin[k] = band
            binsInBand[band] += 1
        }
        var previous = s.frames[0].map { logf(1 + 100 * $0) }
        var envelope: [Float] = [0]
        envelope.reserveCapacity(s.frames.count)
        var bandFlux = [Float](repeating: 0, count: binsInBand.count)
        for frame in s.frames.dropFirst() {
            let current = frame.map { logf(1 + 100 * $0) }
            for b in bandFlux.indices { bandFlux[b] = 0 }
            for k in current.indices where bandOfBin[k] >= 0 {
                bandFlux[bandOfBin[k]] += max(0, current[k] - previous[k])
            }
            var flux: Float = 0
            for b in bandFlux.indices where binsInBand[b] > 0 { flux += bandFlux[b] / Float(binsInBand[b]) }
            envelope.append(flux)
            previous = current
        }
        // A short triangular smoothing widens each onset over a few frames, so a beat period that
        // falls between two lags still lines up with itself.
        let kernel: [Float] = [1, 2, 3, 2, 1]
        var smoothed = [Float](repeating: 0, count: envelope.count)
        for i in envelope.indices {
            var sum: Float = 0
            for (j, w) in kernel.enumerated() {
                let k = i + j - 2
                if k >= 0 && k < envelope.count { sum += w * envelope[k] }
            }
            smoothed[i] = sum / 9
        }
        return smoothed
    }
}
