import Foundation

/// musicnn's input: the log-compressed mel spectrogram its models were trained on, cut into
/// 187-frame patches (three seconds).
///
/// It follows musicnn 0.1.0's `batch_data` with the librosa of its day: 16 kHz mono, centred frames
/// of 512 samples (the signal reflected at both ends) every 256 samples, periodic Hann window,
/// power spectrum, 96 Slaney mel bands with Slaney area normalisation from 0 Hz to 8 kHz, each mel
/// value rounded to half precision (the original casts to `float16`), then `log10(10000·x + 1)` in
/// single precision. The FFT runs in double precision as NumPy's does, so the values that reach the
/// half-precision rounding are the same to about one part in 10⁷.
public struct MusicnnSpectrogram: Sendable {
    public static let sampleRate = 16_000
    public static let fftSize = 512
    public static let hop = 256
    public static let bands = 96
    /// Frames per patch: librosa's `time_to_frames(3 s) + 1`.
    public static let patchFrames = 187

    /// `frames[t * bands + m]`: log-compressed mel band `m` of frame `t`.
    public let frames: [Float]
    public var frameCount: Int { frames.count / Self.bands }

    /// The spectrogram of mono samples at 16 kHz.
    public init(samples: [Float]) {
        let n = samples.count
        guard n > 0 else {
            frames = []
            return
        }
        let count = 1 + n / Self.hop
        let half = Self.fftSize / 2
        let filters = Self.melFilters
        let window = Self.window
        var fft = RealFFT(size: Self.fftSize)
        var out = [Float](repeating: 0, count: count * Self.bands)
        var frame = [Double](repeating: 0, count: Self.fftSize)
        var power = [Float](repeating: 0, count: half + 1)
        for t in 0..<count {
            for i in 0..<Self.fftSize {
                frame[i] = window[i] * Double(samples[Self.reflect(t * Self.hop + i - half, count: n)])
            }
            fft.powerSpectrum(frame, into: &power)
            for m in 0..<Self.bands {
                let f = filters[m]
                var sum = 0.0
                for k in f.first..<(f.first + f.weights.count) { sum += Double(f.weights[k - f.first]) * Double(power[k]) }
                out[t * Self.bands + m] = Self.compress(Float(sum))
            }
        }
        frames = out
    }

    /// The half-precision rounding and log compression of one mel value. Values beyond half
    /// precision's range (65504) saturate there rather than becoming infinite.
    @inline(__always)
    static func compress(_ x: Float) -> Float {
        let half = Float(Float16(min(x, 65504)))
        return log10(10000 * half + 1)
    }

    /// The patches the network sees, `patchFrames × bands` values each: back to back from the
    /// first frame (musicnn's default, no overlap), the frames after the last whole patch dropped as
    /// the original does. Shorter input is repeated until it fills one patch (the "repeat-pad" the
    /// models were trained with), so short tracks still get an answer.
    public var patches: [[Float]] {
        let size = Self.patchFrames * Self.bands
        guard frameCount > 0 else { return [] }
        if frameCount < Self.patchFrames {
            var patch: [Float] = []
            patch.reserveCapacity(size)
            while patch.count < size { patch.append(contentsOf: frames.prefix(size - patch.count)) }
            return [patch]
        }
        return stride(from: 0, through: frameCount - Self.patchFrames, by: Self.patchFrames).map {
            Array(frames[($0 * Self.bands)..<(($0 + Self.patchFrames) * Self.bands)])
        }
    }

    /// NumPy's "reflect" padding: index -1 reads sample 1, index n reads sample n - 2.
    @inline(__always)
    static func reflect(_ i: Int, count n: Int) -> Int {
        guard n > 1 else { return 0 }
        let period = 2 * (n - 1)
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    }

    /// The periodic Hann window.
    static let window: [Double] = (0..<fftSize).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(fftSize)) }

    /// One mel band's triangle: its first FFT bin and the weights from there.
    struct Filter {
        var first: Int
        var weights: [Float]
    }

    /// librosa's `filters.mel(sr=16000, n_fft=512, n_mels=96)` (Slaney scale and normalisation),
    /// computed in double precision and stored in single, as librosa stores it.
    static let melFilters: [Filter] = {
        let bins = fftSize / 2 + 1
        let maxMel = hzToMel(Double(sampleRate) / 2)
        let points = (0..<(bands + 2)).map { i -> Double in
            i == bands + 1 ? maxMel : Double(i) * (maxMel / Double(bands + 1))
        }.map(melToHz)
        return (0..<bands).map { m -> Filter in
            let lower = points[m]
            let centre = points[m + 1]
            let upper = points[m + 2]
            let norm = 2 / (upper - lower)
            let weights = (0..<bins).map { k -> Float in
                let f = Double(k) * Double(sampleRate) / Double(fftSize)
                let rising = (f - lower) / (centre - lower)
                let falling = (upper - f) / (upper - centre)
                let triangle = Float(max(0, min(rising, falling)))
                return Float(Double(triangle) * norm)
            }
            let first = weights.firstIndex { $0 != 0 } ?? 0
            let last = weights.lastIndex { $0 != 0 } ?? 0
            return Filter(first: first, weights: Array(weights[first...last]))
        }
    }()

    /// The Slaney mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
    static func hzToMel(_ hz: Double) -> Double {
        let step = 200.0 / 3
        let logStep = log(6.4) / 27
        return hz >= 1000 ? 1000 / step + log(hz / 1000) / logStep : hz / step
    }

    static func melToHz(_ mel: Double) -> Double {
        let step = 200.0 / 3
        let logStep = log(6.4) / 27
        let minLogMel = 1000 / step
        return mel >= minLogMel ? 1000 * exp(logStep * (mel - minLogMel)) : step * mel
    }
}

/// A radix-2 FFT of real frames in double precision, returning the power spectrum as librosa
/// forms it: the complex bins rounded to single precision, their magnitude squared in single.
struct RealFFT {
    let size: Int
    private let cosines: [Double]
    private let sines: [Double]
    private let bitReversed: [Int]
    private var re: [Double]
    private var im: [Double]

    init(size: Int) {
        precondition(size > 1 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        cosines = (0..<(size / 2)).map { cos(-2 * Double.pi * Double($0) / Double(size)) }
        sines = (0..<(size / 2)).map { sin(-2 * Double.pi * Double($0) / Double(size)) }
        let bits = size.trailingZeroBitCount
        bitReversed = (0..<size).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        }
        re = Array(repeating: 0, count: size)
        im = Array(repeating: 0, count: size)
    }

    /// `power[k] = |X_k|²` for k in 0...size/2.
    mutating func powerSpectrum(_ frame: [Double], into power: inout [Float]) {
        for i in 0..<size {
            re[bitReversed[i]] = frame[i]
            im[i] = 0
        }
        var length = 2
        while length <= size {
            let halfLength = length / 2
            let stride = size / length
            var start = 0
            while start < size {
                for j in 0..<halfLength {
                    let wr = cosines[j * stride]
                    let wi = sines[j * stride]
                    let a = start + j
                    let b = a + halfLength
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                }
                start += length
            }
            length *= 2
        }
        for k in 0...(size / 2) {
            let magnitude = Float(re[k]).hypot(Float(im[k]))
            power[k] = magnitude * magnitude
        }
    }
}

extension Float {
    @inline(__always)
    fileprivate func hypot(_ other: Float) -> Float { Foundation.hypot(self, other) }
}
