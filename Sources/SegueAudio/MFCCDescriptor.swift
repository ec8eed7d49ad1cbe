import Foundation

/// Timbre: mean and standard deviation of 13 mel-frequency cepstral coefficients (40 triangular
/// mel bands from 20 Hz to the Nyquist frequency, log energies, DCT-II with orthonormal scaling).
public struct MFCCDescriptor: Sendable, Equatable, Codable {
    public static let coefficients = 13
    public static let bands = 40

    public var mean: [Float]
    public var deviation: [Float]

    public init(spectrogram s: Spectrogram) {
        let filters = Self.melFilterbank(bins: s.frameSize / 2 + 1, sampleRate: s.sampleRate, frameSize: s.frameSize)
        var sum = [Double](repeating: 0, count: Self.coefficients)
        var sumSquares = [Double](repeating: 0, count: Self.coefficients)
        var n = 0.0
        var energies = [Float](repeating: 0, count: Self.bands)
        for frame in s.frames {
            var total: Float = 0
            for (b, filter) in filters.enumerated() {
                var e: Float = 0
                for (k, w) in filter { e += w * frame[k] * frame[k] }
                energies[b] = logf(e + 1e-10)
                total += e
            }
            guard total > 1e-8 else { continue }  // silence says nothing about timbre
            for c in 0..<Self.coefficients {
                var v: Float = 0
                for b in 0..<Self.bands { v += energies[b] * Self.dct[c * Self.bands + b] }
                v *= (c == 0 ? (1 / Float(Self.bands)).squareRoot() : (2 / Float(Self.bands)).squareRoot())
                sum[c] += Double(v)
                sumSquares[c] += Double(v) * Double(v)
            }
            n += 1
        }
        let count = max(n, 1)
        mean = sum.map { Float($0 / count) }
        deviation = zip(sum, sumSquares).map { s, q in Float(max(0, q / count - (s / count) * (s / count)).squareRoot()) }
    }

    /// The DCT-II basis, `dct[c * bands + b]` (computed once instead of per frame).
    static let dct: [Float] = (0..<(coefficients * bands)).map { i in
        let (c, b) = (i / bands, i % bands)
        return cosf(Float.pi * Float(c) * (Float(b) + 0.5) / Float(bands))
    }

    /// For each band, the spectrum bins it covers and their weights.
    static func melFilterbank(bins: Int, sampleRate: Int, frameSize: Int) -> [[(Int, Float)]] {
        func mel(_ f: Float) -> Float { 2595 * log10f(1 + f / 700) }
        func hz(_ m: Float) -> Float { 700 * (powf(10, m / 2595) - 1) }
        let low = mel(20)
        let high = mel(Float(sampleRate) / 2)
        let edges = (0..<(bands + 2)).map { hz(low + (high - low) * Float($0) / Float(bands + 1)) }
        let binHz = Float(sampleRate) / Float(frameSize)
        return (0..<bands).map { b in
            var filter: [(Int, Float)] = []
            for k in 0..<bins {
                let f = Float(k) * binHz
                let w: Float
                if f >= edges[b] && f <= edges[b + 1] {
                    w = (f - edges[b]) / max(edges[b + 1] - edges[b], 1e-6)
                } else if f > edges[b + 1] && f <= edges[b + 2] {
                    w = (edges[b + 2] - f) / max(edges[b + 2] - edges[b + 1], 1e-6)
                } else {
                    continue
                }
                if w > 0 { filter.append((k, w)) }
            }
            return filter
        }
    }
}
