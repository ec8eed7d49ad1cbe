import Foundation

/// How much is going on: RMS energy (mean over 50 ms blocks, in dBFS) and the silence at each end.
public struct EnergyDescriptor: Sendable, Equatable, Codable {
    /// Mean RMS of the non-silent blocks, dBFS.
    public var rmsDecibels: Float
    /// 0…1: the RMS level mapped from −40 dBFS (0) to −6 dBFS (1), a rough "energy" for playlists.
    public var energy: Float
    /// Seconds of silence (blocks below −60 dBFS) before the first sound and after the last.
    public var leadingSilence: Float
    public var trailingSilence: Float

    public static let silenceDecibels: Float = -60

    public init(samples: [Float], sampleRate: Int) {
        let block = max(1, sampleRate / 20)
        var levels: [Float] = []
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + block)
            var sum: Float = 0
            for i in start..<end { sum += samples[i] * samples[i] }
            let rms = (sum / Float(end - start)).squareRoot()
            levels.append(20 * log10f(max(rms, 1e-9)))
            start = end
        }
        let loud = levels.indices.filter { levels[$0] > Self.silenceDecibels }
        let blockSeconds = Float(block) / Float(sampleRate)
        guard let first = loud.first, let last = loud.last else {
            rmsDecibels = Self.silenceDecibels
            energy = 0
            leadingSilence = Float(samples.count) / Float(sampleRate)
            trailingSilence = 0
            return
        }
        rmsDecibels = loud.map { levels[$0] }.reduce(0, +) / Float(loud.count)
        energy = min(1, max(0, (rmsDecibels + 40) / 34))
        leadingSilence = Float(first) * blockSeconds
        trailingSilence = Float(levels.count - 1 - last) * blockSeconds
    }
}
