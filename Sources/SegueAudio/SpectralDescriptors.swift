import Foundation

/// Brightness and noisiness of the sound: spectral centroid, 85 % roll-off, flatness and
/// zero-crossing rate, averaged over the frames that are not silent.
public struct SpectralDescriptors: Sendable, Equatable, Codable {
    /// Hz.
    public var centroid: Float
    /// Hz below which 85 % of the spectral energy lies.
    public var rolloff: Float
    /// Geometric over arithmetic mean of the power spectrum: 0 for a pure tone, near 1 for white noise.
    public var flatness: Float
    /// Sign changes per sample.
    public var zeroCrossingRate: Float

    public init(spectrogram s: Spectrogram, samples: [Float]) {
        var centroidSum: Float = 0
        var rolloffSum: Float = 0
        var flatnessSum: Float = 0
        var counted: Float = 0
        for frame in s.frames {
            var power: Float = 0
            var weighted: Float = 0
            var logSum: Float = 0
            for (k, m) in frame.enumerated() where k > 0 {
                let p = m * m
                power += p
                weighted += p * s.frequency(ofBin: k)
                logSum += logf(p + 1e-12)
            }
            guard power > 1e-8 else { continue }  // silent frame
            let n = Float(frame.count - 1)
            centroidSum += weighted / power
            flatnessSum += expf(logSum / n) / (power / n)
            var cumulative: Float = 0
            for (k, m) in frame.enumerated() where k > 0 {
                cumulative += m * m
                if cumulative >= 0.85 * power {
                    rolloffSum += s.frequency(ofBin: k)
                    break
                }
            }
            counted += 1
        }
        let c = max(counted, 1)
        centroid = centroidSum / c
        rolloff = rolloffSum / c
        flatness = flatnessSum / c
        var crossings = 0
        for i in 1..<max(1, samples.count) where (samples[i - 1] >= 0) != (samples[i] >= 0) { crossings += 1 }
        zeroCrossingRate = samples.count > 1 ? Float(crossings) / Float(samples.count - 1) : 0
    }
}
