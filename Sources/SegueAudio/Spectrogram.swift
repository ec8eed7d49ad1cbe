import CKissFFT
import Foundation

/// Magnitude spectra of Hann-windowed frames (KissFFT's real FFT), the input of the spectral,
/// key and tempo descriptors.
public struct Spectrogram: Sendable {
    public let frameSize: Int
    public let hop: Int
    public let sampleRate: Int
    /// `frames[f][k]`: magnitude of bin `k` (0…frameSize/2) in frame `f`.
    public let frames: [[Float]]

    public init(samples: [Float], sampleRate: Int, frameSize: Int = 2048, hop: Int = 512) {
        precondition(frameSize % 2 == 0)
        self.frameSize = frameSize
        self.hop = hop
        self.sampleRate = sampleRate
        guard samples.count >= frameSize, let fft = kiss_fftr_alloc(Int32(frameSize), 0, nil, nil) else {
            frames = []
            return
        }
        defer { free(UnsafeMutableRawPointer(fft)) }
        let window = (0..<frameSize).map { 0.5 - 0.5 * cos(2 * Float.pi * Float($0) / Float(frameSize)) }
        var input = [Float](repeating: 0, count: frameSize)
        var output = [kiss_fft_cpx](repeating: kiss_fft_cpx(), count: frameSize / 2 + 1)
        var result: [[Float]] = []
        result.reserveCapacity((samples.count - frameSize) / hop + 1)
        var start = 0
        while start + frameSize <= samples.count {
            for i in 0..<frameSize { input[i] = samples[start + i] * window[i] }
            kiss_fftr(fft, input, &output)
            result.append(output.map { ($0.r * $0.r + $0.i * $0.i).squareRoot() })
            start += hop
        }
        frames = result
    }

    private init(frameSize: Int, hop: Int, sampleRate: Int, frames: [[Float]]) {
        self.frameSize = frameSize
        self.hop = hop
        self.sampleRate = sampleRate
        self.frames = frames
    }

    /// The frames that lie wholly inside `samples[range]` of the samples this was made from (frame
    /// `f` covers `f·hop ..< f·hop + frameSize`). From the start of the signal these are exactly the
    /// frames of a spectrogram of that part alone; elsewhere they stay on this grid, up to `hop - 1`
    /// samples later than a spectrogram of the part would start.
    public func framesInside(_ range: Range<Int>) -> Spectrogram {
        let first = (max(range.lowerBound, 0) + hop - 1) / hop
        let end = range.upperBound >= frameSize ? min(frames.count, (range.upperBound - frameSize) / hop + 1) : 0
        return Spectrogram(frameSize: frameSize, hop: hop, sampleRate: sampleRate, frames: first < end ? Array(frames[first..<end]) : [])
    }

    /// The centre frequency of bin `k` in Hz.
    public func frequency(ofBin k: Int) -> Float { Float(k) * Float(sampleRate) / Float(frameSize) }

    /// Frames per second.
    public var frameRate: Float { Float(sampleRate) / Float(hop) }
}
