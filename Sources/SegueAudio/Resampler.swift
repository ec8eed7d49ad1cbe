import Foundation

/// Band-limited resampling of mono audio: a Hann-windowed sinc, low-passed below the lower of the
/// two Nyquist frequencies, `halfWidth` input zero crossings either side of each output sample.
/// Used for audio that the second decoder (libsndfile) returns at the file's own rate.
public enum Resampler {
    /// `samples` at `from` Hz converted to `to` Hz.
    public static func resample(_ samples: [Float], from: Int, to: Int, halfWidth: Int = 8) -> [Float] {
        guard from > 0, to > 0, !samples.isEmpty else { return [] }
        if from == to { return samples }
        let ratio = Double(to) / Double(from)
        // Cut-off as a fraction of the input rate: just below the lower Nyquist frequency.
        let cutoff = 0.5 * min(1, ratio) * 0.95
        let count = Int((Double(samples.count) * ratio).rounded(.down))
        // Input samples either side of the centre that the kernel spans.
        let span = Int((Double(halfWidth) / (2 * cutoff)).rounded(.up))
        var out = [Float](repeating: 0, count: count)
        samples.withUnsafeBufferPointer { x in
            for j in 0..<count {
                let centre = Double(j) / ratio
                let first = max(0, Int(centre.rounded(.down)) - span + 1)
                let last = min(x.count - 1, Int(centre.rounded(.down)) + span)
                guard first <= last else { continue }
                var sum = 0.0
                var weight = 0.0
                for i in first...last {
                    let t = Double(i) - centre
                    let a = 2 * cutoff * t
                    let sinc = a == 0 ? 1 : sin(Double.pi * a) / (Double.pi * a)
                    let window = 0.5 + 0.5 * cos(Double.pi * t / Double(span))
                    let w = sinc * window
                    sum += w * Double(x[i])
                    weight += w
                }
                // Normalised by the kernel's sum, so DC passes unchanged.
                out[j] = weight != 0 ? Float(sum / weight) : 0
            }
        }
        return out
    }
}
