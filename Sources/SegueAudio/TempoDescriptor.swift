import Foundation

/// Tempo in beats per minute, in two steps:
///
/// 1. The pulse: the lag whose autocorrelation and Fourier magnitude are both high (their product,
///    weighted by a broad prior). The autocorrelation also peaks at two and three times the period,
///    the Fourier magnitude at half and a third of it; their product keeps the pulse itself. The
///    envelope searched is half energy flux (half-wave rectified spectral flux of the log spectrum,
///    averaged per octave band so that the beat-carrying low bands count as much as the many high
///    bins) and half tonal novelty (how much the pitch-class profile changes), each standardised:
///    legato strings and choirs have weak, smeared energy onsets (and a sampled sustain can flutter
///    on its own), but every new chord or note moves the pitch classes.
/// 2. The metrical level, on the energy flux: a pulse too fast for a beat (over 200 BPM) is divided
///    by 2 or by 3, whichever grouping its accents show (the eighth notes of a jig group by three:
///    its beat is the dotted quarter). From there the answer moves up to half or a third of the
///    tempo while the beat grid is accented (every second or third onset of the grid is clearly
///    stronger than the others), weighed by a tempo prior: around 85 BPM for legato music
///    (strings, choirs, organ: few sharp onsets), around 110 BPM for percussive music. Without this
///    step a slow chorale reads at the tempo of its eighth notes, a slow 6/8 at three times its
///    dotted quarters.
public struct TempoDescriptor: Sendable, Equatable, Codable {
    public var bpm: Float
    /// How much the chosen lag stands out from the autocorrelation around it (0…1).
    public var confidence: Float

    public static let range: ClosedRange<Float> = 60...200
    /// The pulse search (step 1) looks at 40–240 BPM with a log-normal prior around 120, an octave wide.
    static let pulseRange: ClosedRange<Float> = 40...240
    static let pulseCentre: Float = 120
    /// Step 2's priors (log-normal, an octave wide) and the accent a level up must show; chosen on 44
    /// rendered compositions (`scripts/truthset_compositions.py`, seed 17) and the synthetic songs.
    static let legatoCentre: Float = 85
    static let percussiveCentre: Float = 110
    static let accentNeeded: Float = 1.4
    /// Below this share of the onset flux in the loudest tenth of the frames, music counts as legato.
    static let legatoPeakiness: Float = 0.3
    /// Band edges in Hz for the onset envelope (about an octave each).
    static let bandEdges: [Float] = [30, 80, 160, 320, 640, 1280, 2560, 5120, 11_025]
    /// The bins the pitch-class profile for tonal novelty reads, in Hz.
    static let chromaRange: ClosedRange<Float> = 100...5000
    /// The share of tonal novelty in the pulse envelope (the rest is energy flux); chosen on the
    /// seed-17 compositions, the same from 0.4 to 0.6 on both truth sets.
    static let tonalWeight: Float = 0.5

    public init(spectrogram s: Spectrogram) {
        let (flux, peakiness) = Self.onsetFlux(s)
        let envelope = Self.smoothed(flux)
        let novelty = Self.tonalNovelty(s)
        let pulseEnvelope = Self.smoothed(
            zip(Self.standardized(flux), Self.standardized(novelty)).map { (1 - Self.tonalWeight) * $0 + Self.tonalWeight * $1 })
        let rate = s.frameRate
        let minLag = max(2, Int((60 * rate / Self.pulseRange.upperBound).rounded(.down)))
        let maxLag = min(envelope.count / 2, Int((60 * rate / Self.pulseRange.lowerBound).rounded(.up)))
        guard envelope.count > 8, minLag < maxLag else {
            bpm = 0
            confidence = 0
            return
        }
        let mean = pulseEnvelope.reduce(0, +) / Float(pulseEnvelope.count)
        let e = pulseEnvelope.map { $0 - mean }
        var acf = [Float](repeating: 0, count: maxLag + 2)
        for lag in 1..<acf.count where lag < e.count {
            var sum: Float = 0
            for i in lag..<e.count { sum += e[i] * e[i - lag] }
            acf[lag] = sum / Float(e.count - lag)
        }
        // Step 1: the pulse, where autocorrelation and Fourier magnitude agree.
        let lags = Array(minLag...maxLag)
        let peakACF = lags.map { acf[$0] }.max() ?? 0
        let fourier = lags.map { Self.fourierMagnitude(e, period: Float($0)) }
        let peakFourier = fourier.max() ?? 0
        var bestLag = minLag
        var bestScore = -Float.infinity
        for (i, lag) in lags.enumerated() where peakACF > 0 && peakFourier > 0 {
            let salience = max(0, acf[lag]) / peakACF * fourier[i] / peakFourier
            let score = salience * Self.prior(60 * rate / Float(lag), centre: Self.pulseCentre)
            if score > bestScore {
                bestScore = score
                bestLag = lag
            }
        }
        // Refine the lag with a parabola through the neighbours, when it is a peak.
        var lag = Float(bestLag)
        if bestLag > 1 && bestLag + 1 < acf.count {
            let a = acf[bestLag - 1]
            let b = acf[bestLag]
            let c = acf[bestLag + 1]
            let d = a - 2 * b + c
            if d < 0 && b >= a && b >= c { lag += 0.5 * (a - c) / d }
        }
        // Step 2: the metrical level.
        var tempo = 60 * rate / lag
        while tempo * 2 <= Self.range.upperBound { tempo *= 2 }
        while tempo > Self.range.upperBound {
            let period = 60 * rate / tempo
            let byThree = Self.accent(envelope, period: period, grouping: 3, rate: rate)
            let byTwo = Self.accent(envelope, period: period, grouping: 2, rate: rate)
            tempo /= byThree > byTwo && tempo / 3 >= 56 ? 3 : 2
        }
        let centre = peakiness < Self.legatoPeakiness ? Self.legatoCentre : Self.percussiveCentre
        while true {
            var best: (score: Float, factor: Float)?
            for factor: Float in [2, 3] where tempo / factor >= 56 {
                let accent = Self.accent(envelope, period: 60 * rate / tempo, grouping: Int(factor), rate: rate)
                let score = accent * Self.prior(tempo / factor, centre: centre) / Self.prior(tempo, centre: centre)
                if score > (best?.score ?? -1) { best = (score, factor) }
            }
            guard let best, best.score > Self.accentNeeded else { break }
            tempo /= best.factor
        }
        bpm = tempo
        let chosen = min(acf.count - 1, max(1, Int((60 * rate / tempo).rounded())))
        let zeroLag = e.reduce(0) { $0 + $1 * $1 } / Float(e.count)
        confidence = zeroLag > 0 ? max(0, min(1, acf[chosen] / zeroLag)) : 0
    }

    /// Log-normal weight, an octave wide, of a tempo around `centre`.
    static func prior(_ bpm: Float, centre: Float) -> Float {
        let octaves = log2f(bpm / centre)
        return expf(-0.5 * octaves * octaves)
    }

    /// The magnitude of the envelope's Fourier component at one cycle per `period` frames.
    static func fourierMagnitude(_ e: [Float], period: Float) -> Float {
        let step = 2 * Float.pi / period
        var re: Float = 0
        var im: Float = 0
        for (i, v) in e.enumerated() {
            let phase = step * Float(i)
            re += v * cosf(phase)
            im -= v * sinf(phase)
        }
        return (re * re + im * im).squareRoot() / Float(e.count)
    }

    /// How accented a beat grid of `period` frames is in groups of `grouping`: in windows of six
    /// seconds, the grid is laid on its strongest phase and split into `grouping` interleaved
    /// grids; the strongest one's mean onset over the others' (the median over the windows). About
    /// 1 when every beat is alike; well above 1 when every second (third) beat is a stronger one,
    /// that is when the grid is a subdivision of a slower beat.
    static func accent(_ envelope: [Float], period: Float, grouping: Int, rate: Float) -> Float {
        let window = Int(6 * rate)
        var ratios: [Float] = []
        // Whole windows only (a short envelope is one window).
        var start = 0
        while start == 0 || start + window <= envelope.count {
            let part = envelope[start..<min(envelope.count, start + window)]
            start += window
            guard Float(part.count) >= 2 * Float(grouping) * period, period >= 1 else { continue }
            func grid(_ phase: Int) -> [Float] {
                var out: [Float] = []
                var k = 0
                while true {
                    let i = Int((Float(phase) + period * Float(k)).rounded())
                    guard i < part.count else { break }
                    out.append(part[part.startIndex + i])
                    k += 1
                }
                return out
            }
            var bestPhase = 0
            var bestMean = -Float.infinity
            for phase in 0..<Int(period.rounded(.up)) {
                let g = grid(phase)
                let m = g.reduce(0, +) / Float(max(1, g.count))
                if m > bestMean {
                    bestMean = m
                    bestPhase = phase
                }
            }
            let onGrid = grid(bestPhase)
            let means = (0..<grouping).map { j -> Float in
                let members = stride(from: j, to: onGrid.count, by: grouping).map { onGrid[$0] }
                return members.reduce(0, +) / Float(max(1, members.count))
            }
            let top = means.max() ?? 0
            let rest = (means.reduce(0, +) - top) / Float(grouping - 1)
            ratios.append(top / max(rest, 1e-9))
        }
        guard !ratios.isEmpty else { return 1 }
        return ratios.sorted()[ratios.count / 2]
    }

    /// The onset flux per frame, and its peakiness: the share of the flux in the loudest tenth of
    /// the frames (about 0.2 for strings or a choir, 0.4 and up for piano, guitar or drums).
    static func onsetFlux(_ s: Spectrogram) -> (flux: [Float], peakiness: Float) {
        guard s.frames.count > 1 else { return ([], 0) }
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
        let sorted = envelope.dropFirst().sorted(by: >)
        let total = sorted.reduce(0, +)
        let peakiness = total > 0 ? sorted.prefix(sorted.count / 10).reduce(0, +) / total : 0
        return (envelope, peakiness)
    }

    /// Tonal novelty per frame: the half-wave rectified change of the log pitch-class profile (the
    /// magnitudes of the bins in `chromaRange` summed per nearest pitch class, as shares of the
    /// frame's total), so a new chord or a new note counts however softly it starts.
    static func tonalNovelty(_ s: Spectrogram) -> [Float] {
        guard s.frames.count > 1 else { return [] }
        let classOfBin = s.frames[0].indices.map { k -> Int in
            let f = s.frequency(ofBin: k)
            guard Self.chromaRange.contains(f) else { return -1 }
            let midi = Int((69 + 12 * log2f(f / 440)).rounded())
            return ((midi % 12) + 12) % 12
        }
        func profile(_ frame: [Float]) -> [Float] {
            var c = [Float](repeating: 0, count: 12)
            for (k, m) in frame.enumerated() where classOfBin[k] >= 0 { c[classOfBin[k]] += m }
            let total = c.reduce(0, +) + 1e-9
            return c.map { logf(1 + 100 * $0 / total) }
        }
        var previous = profile(s.frames[0])
        var novelty: [Float] = [0]
        novelty.reserveCapacity(s.frames.count)
        for frame in s.frames.dropFirst() {
            let current = profile(frame)
            var change: Float = 0
            for i in 0..<12 { change += max(0, current[i] - previous[i]) }
            novelty.append(change)
            previous = current
        }
        return novelty
    }

    /// `x` less its median, over its standard deviation (unchanged when it is flat), so two
    /// envelopes of different units can be added.
    static func standardized(_ x: [Float]) -> [Float] {
        guard !x.isEmpty else { return [] }
        let sorted = x.sorted()
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let mean = x.reduce(0, +) / Float(n)
        let deviation = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(n)).squareRoot()
        return x.map { deviation > 0 ? ($0 - median) / deviation : $0 - median }
    }

    /// A short triangular smoothing: it widens each onset over a few frames, so a beat period that
    /// falls between two lags still lines up with itself.
    static func smoothed(_ envelope: [Float]) -> [Float] {
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
