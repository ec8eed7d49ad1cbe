import Foundation

/// Everything Segue hears in one track, assembled in one place and versioned: a new `version`
/// means stored analyses are out of date and get redone.
public struct AudioAnalysis: Sendable, Equatable, Codable {
    /// Bump when any descriptor changes what it computes. 3: musicnn's embedding and tags.
    public static let version = 3
    /// The rate the DSP descriptors run at.
    public static let sampleRate = 22_050

    public var version: Int
    public var durationSeconds: Float
    public var tempo: TempoDescriptor
    public var key: KeyDescriptor
    public var loudness: LoudnessDescriptor
    public var energy: EnergyDescriptor
    public var spectral: SpectralDescriptors
    public var mfcc: MFCCDescriptor
    /// Tempo, key and energy of the first and last 30 seconds, where transitions happen.
    public var intro: Section
    public var outro: Section
    /// musicnn's embedding and MSD tag scores, when the weights are installed. The library keeps
    /// them in their own columns, so they are left out of the JSON.
    public var musicnn: Musicnn.Result?

    enum CodingKeys: String, CodingKey {
        case version, durationSeconds, tempo, key, loudness, energy, spectral, mfcc, intro, outro
    }

    /// A part of the track.
    public struct Section: Sendable, Equatable, Codable {
        public var bpm: Float
        public var key: String
        public var camelot: String
        public var energy: Float
    }

    /// Analyses mono samples at `AudioAnalysis.sampleRate`, and with musicnn the same audio at
    /// `MusicnnSpectrogram.sampleRate` (16 kHz).
    /// - Throws: `AudioError.tooShort` under three seconds.
    public init(samples: [Float], musicnn: (model: Musicnn, samples: [Float])? = nil) throws(AudioError) {
        let rate = Self.sampleRate
        let seconds = Float(samples.count) / Float(rate)
        guard seconds >= 3 else { throw .tooShort(seconds: Double(seconds)) }
        version = Self.version
        durationSeconds = seconds
        let spectrum = Spectrogram(samples: samples, sampleRate: rate, frameSize: 2048, hop: 512)
        let keySpectrum = Spectrogram(samples: samples, sampleRate: rate, frameSize: 4096, hop: 2048)
        tempo = TempoDescriptor(spectrogram: Spectrogram(samples: samples, sampleRate: rate, frameSize: 1024, hop: 256))
        key = KeyDescriptor(spectrogram: keySpectrum)
        loudness = try LoudnessDescriptor(samples: samples, sampleRate: rate)
        energy = EnergyDescriptor(samples: samples, sampleRate: rate)
        spectral = SpectralDescriptors(spectrogram: spectrum, samples: samples)
        mfcc = MFCCDescriptor(spectrogram: spectrum)
        let span = min(samples.count, 30 * rate)
        intro = Self.section(Array(samples[0..<span]))
        outro = Self.section(Array(samples[(samples.count - span)...]))
        self.musicnn = try musicnn.map { input throws(AudioError) in try input.model.analyze(samples: input.samples) }
    }

    static func section(_ samples: [Float]) -> Section {
        let rate = sampleRate
        let t = TempoDescriptor(spectrogram: Spectrogram(samples: samples, sampleRate: rate, frameSize: 1024, hop: 256))
        let k = KeyDescriptor(spectrogram: Spectrogram(samples: samples, sampleRate: rate, frameSize: 4096, hop: 2048))
        let e = EnergyDescriptor(samples: samples, sampleRate: rate)
        return Section(bpm: t.bpm, key: k.name, camelot: k.camelot, energy: e.energy)
    }

    /// The fixed-length feature vector for similarity, with `featureNames` naming each index.
    public var featureVector: [Float] {
        [tempo.bpm, Float(key.tonic), key.mode == .major ? 1 : 0, Float(loudness.integratedLUFS), Float(loudness.rangeLU),
         energy.energy, spectral.centroid, spectral.rolloff, spectral.flatness, spectral.zeroCrossingRate]
            + mfcc.mean + mfcc.deviation
    }

    public static let featureNames: [String] =
        ["bpm", "key_tonic", "key_major", "loudness_lufs", "loudness_range_lu", "energy", "spectral_centroid",
         "spectral_rolloff", "spectral_flatness", "zero_crossing_rate"]
        + (0..<MFCCDescriptor.coefficients).map { "mfcc_mean_\($0)" }
        + (0..<MFCCDescriptor.coefficients).map { "mfcc_deviation_\($0)" }
}
