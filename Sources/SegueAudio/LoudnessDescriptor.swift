import CEBUR128

/// EBU R128 loudness through libebur128: integrated loudness (LUFS), loudness range (LU) and the
/// sample peak. Silence (every block under R128's absolute gate) has no integrated loudness: it is
/// reported at the gate, `silenceLUFS`, with a range of 0, so that it stays a number in JSON.
public struct LoudnessDescriptor: Sendable, Equatable, Codable {
    public var integratedLUFS: Double
    public var rangeLU: Double
    public var peak: Float
    /// EBU R128's absolute gate: the loudness given to audio that has none.
    public static let silenceLUFS = -70.0

    public init(samples: [Float], sampleRate: Int) throws(AudioError) {
        let mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_LRA.rawValue | EBUR128_MODE_SAMPLE_PEAK.rawValue)
        guard let state = ebur128_init(1, UInt(sampleRate), mode) else { throw .analysisFailed("libebur128 could not start") }
        var handle: UnsafeMutablePointer<ebur128_state>? = state
        defer { ebur128_destroy(&handle) }
        let added = samples.withUnsafeBufferPointer { ebur128_add_frames_float(state, $0.baseAddress, $0.count) }
        guard added == EBUR128_SUCCESS.rawValue else { throw .analysisFailed("libebur128 rejected the samples") }
        var integrated = 0.0
        var range = 0.0
        var samplePeak = 0.0
        ebur128_loudness_global(state, &integrated)
        ebur128_loudness_range(state, &range)
        ebur128_sample_peak(state, 0, &samplePeak)
        integratedLUFS = integrated.isFinite ? max(integrated, Self.silenceLUFS) : Self.silenceLUFS
        rangeLU = range.isFinite ? range : 0
        peak = Float(samplePeak)
    }
}

/// Why an analysis failed.
public enum AudioError: Error, Equatable, CustomStringConvertible {
    case analysisFailed(String)
    case tooShort(seconds: Double)
    /// A TensorFlow checkpoint (musicnn's weights) that is missing, truncated or corrupt.
    case checkpoint(path: String, reason: String)
    /// A truth set (`truth.json`) that cannot be read or names something it must not.
    case truthSet(path: String, reason: String)

    public var description: String {
        switch self {
        case .analysisFailed(let why): return "audio analysis failed: \(why)"
        case .tooShort(let s): return "no audio to analyse (\(s) s decoded)"
        case .checkpoint(let path, let reason): return "musicnn weights: \(path): \(reason)"
        case .truthSet(let path, let reason): return "\(path): \(reason)"
        }
    }
}
