import Foundation

extension Resampler {
    /// The resampler musicnn's audio went through: resampy's `kaiser_best` filter as
    /// `librosa.load(path, sr=16000)` used it (librosa up to 0.9, resampy 0.4), so that audio the
    /// second decoder (libsndfile) returns at the file's own rate reaches musicnn as the original
    /// extractor would have made it. ffmpeg's branch gets the same filter from `aresample`
    /// (`AnalysisDecoder.musicnnMix`).
    ///
    /// The filter is a Kaiser-windowed sinc (β 12.9846), roll-off 0.9173 of the lower Nyquist
    /// frequency, 50 zero crossings either side, tabulated at 8192 steps per zero crossing and
    /// linearly interpolated between them, not normalised per phase: resampy's own table
    /// (`kaiser_best.npz`), which this formula reproduces to 2·10⁻¹⁶. Each output sample is computed
    /// as resampy computes it (the left wing over the samples at and before the output's position,
    /// the right wing after it, cut at the ends of the input), and the output has librosa's length,
    /// ⌈n · to / from⌉ (resampy makes ⌊…⌋ samples and librosa pads the rest with zeros).
    public enum KaiserBest {
        /// The Kaiser window's β.
        public static let beta = 12.984585247040012
        /// The pass band's edge as a fraction of the lower Nyquist frequency.
        public static let rolloff = 0.9173473712608761
        /// Zero crossings of the sinc on each side of the centre.
        public static let zeroCrossings = 50
        /// Table steps per zero crossing.
        public static let steps = 8192
        /// Rate pairs with at most this many distinct phases get every phase's weights computed
        /// once (44.1 → 16 kHz has 160); others compute them per output sample, as resampy does.
        static let cachedPhasesLimit = 4096

        /// The right half of the window, `zeroCrossings · steps + 1` values from the centre out.
        static let table: [Double] = {
            let count = zeroCrossings * steps
            let scale = 1 / besselI0(beta)
            return (0...count).map { j in
                let x = rolloff * Double(j) / Double(steps)
                let sinc = x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
                let r = Double(j) / Double(count)
                return rolloff * sinc * besselI0(beta * (1 - r * r).squareRoot()) * scale
            }
        }()

        /// The modified Bessel function of the first kind, order 0, by its power series (enough
        /// terms for double precision up to x ≈ 20; the window needs x ≤ β).
        static func besselI0(_ x: Double) -> Double {
            var sum = 1.0
            var term = 1.0
            let quarter = x * x / 4
            for k in 1..<80 {
                term *= quarter / Double(k * k)
                sum += term
                if term < sum * 1e-17 { break }
            }
            return sum
        }

        /// One output sample's weights: the left wing (`left` values for the input samples n, n-1,
        /// … stored reversed so the kernel reads forward) followed by the right wing (n+1, n+2, …).
        struct Kernel {
            var left: Int
            var weights: [Float]
        }

        /// The weights for an output whose position in the input is n + `fraction` (0 ≤ fraction < 1).
        static func kernel(fraction: Double, scale: Double, gain: Double) -> Kernel {
            let table = Self.table
            let step = Int(scale * Double(steps))
            func wing(_ frac: Double) -> [Double] {
                let position = frac * Double(steps)
                let offset = Int(position)
                let eta = position - Double(offset)
                let count = max(0, (table.count - offset) / step)
                return (0..<count).map { i in
                    let j = offset + i * step
                    let w0 = gain * table[j]
                    let w1 = j + 1 < table.count ? gain * table[j + 1] : w0
                    return w0 + eta * (w1 - w0)
                }
            }
            let frac = scale * fraction
            let left = wing(frac)
            let right = wing(scale - frac)
            return Kernel(left: left.count, weights: (left.reversed() + right).map { Float($0) })
        }

        /// `samples` at `from` Hz converted to `to` Hz.
        public static func resample(_ samples: [Float], from: Int, to: Int) -> [Float] {
            guard from > 0, to > 0, !samples.isEmpty else { return [] }
            if from == to { return samples }
            let ratio = Double(to) / Double(from)
            let count = Int(Double(samples.count) * Double(to) / Double(from))
            let padded = max(count, Int((Double(samples.count) * ratio).rounded(.up)))
            let scale = min(1, ratio)
            let gain = ratio < 1 ? ratio : 1
            // Output t sits at t · from / to in the input: n = ⌊t·m / l⌋, phase (t·m) mod l.
            let g = gcd(from, to)
            let l = to / g
            let m = from / g
            var cache: [Kernel?] = l <= cachedPhasesLimit ? Array(repeating: nil, count: l) : []
            var out = [Float](repeating: 0, count: padded)
            samples.withUnsafeBufferPointer { x in
                for t in 0..<count {
                    let position = t * m
                    let n = position / l
                    let phase = position % l
                    let kernel: Kernel
                    if cache.isEmpty {
                        kernel = Self.kernel(fraction: Double(phase) / Double(l), scale: scale, gain: gain)
                    } else if let known = cache[phase] {
                        kernel = known
                    } else {
                        kernel = Self.kernel(fraction: Double(phase) / Double(l), scale: scale, gain: gain)
                        cache[phase] = kernel
                    }
                    let start = n - kernel.left + 1
                    let first = max(0, start)
                    let end = min(x.count, start + kernel.weights.count)
                    guard first < end else { continue }
                    out[t] = kernel.weights.withUnsafeBufferPointer { w in
                        dot(w.baseAddress! + (first - start), x.baseAddress! + first, end - first)
                    }
                }
            }
            return out
        }

        static func gcd(_ a: Int, _ b: Int) -> Int {
            var (a, b) = (a, b)
            while b != 0 { (a, b) = (b, a % b) }
            return a
        }

        /// Σ a[i]·b[i] over `count` values, eight lanes at a time.
        @inline(__always)
        static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
            var lanes = SIMD8<Float>()
            var i = 0
            let ra = UnsafeRawPointer(a)
            let rb = UnsafeRawPointer(b)
            let stride = MemoryLayout<Float>.stride
            while i + 8 <= count {
                lanes +=
                    ra.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
                    * rb.loadUnaligned(fromByteOffset: i * stride, as: SIMD8<Float>.self)
                i += 8
            }
            var sum = lanes.sum()
            while i < count {
                sum += a[i] * b[i]
                i += 1
            }
            return sum
        }
    }
}
