import Foundation

/// Everything Segue hears in one track, assembled in one place and versioned: a new `version`
/// means stored analyses are out of date and get redone.
public struct AudioAnalysis: Sendable, Equatable, Codable {
    /// Bump when any descriptor changes what it computes. 3: musicnn's embedding and tags. 4: the
    /// intro and outro read the whole track's spectra (the outro's frames on the track's frame grid),
    /// and tracks under three seconds are padded instead of failing. 5: the key matches harmonic
    /// Albrecht–Shanahan profiles; the tempo chooses its metrical level from the beat grid's accents.
    /// 6: the tempo's pulse also hears note changes (tonal novelty); a pulse too fast for a beat is
    /// divided by three when it groups by three (compound meters).
    public static let version = 6
    /// Shorter input is padded with silence to this many seconds for the spectral descriptors.
    public static let minimumSeconds = 3
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
    ///
    /// Audio under `minimumSeconds` is padded with silence to that length for tempo, key, loudness
    /// and the spectral shape (musicnn repeats it to fill a patch); the duration, energy, silence and
    /// zero-crossing rate are those of the audio itself.
    /// - Throws: `AudioError.tooShort` when there are no samples at all.
    public init(samples: [Float], musicnn: (model: Musicnn, samples: [Float])? = nil) throws(AudioError) {
        let rate = Self.sampleRate
        guard !samples.isEmpty else { throw .tooShort(seconds: 0) }
        version = Self.version
        durationSeconds = Float(samples.count) / Float(rate)
        let minimum = Self.minimumSeconds * rate
        let padded = samples.count >= minimum ? samples : samples + [Float](repeating: 0, count: minimum - samples.count)
        let spectrum = Spectrogram(samples: padded, sampleRate: rate, frameSize: 2048, hop: 512)
        let keySpectrum = Spectrogram(samples: padded, sampleRate: rate, frameSize: 4096, hop: 2048)
        let tempoSpectrum = Spectrogram(samples: padded, sampleRate: rate, frameSize: 1024, hop: 256)
        tempo = TempoDescriptor(spectrogram: tempoSpectrum)
        key = KeyDescriptor(spectrogram: keySpectrum)
        loudness = try LoudnessDescriptor(samples: padded, sampleRate: rate)
        energy = EnergyDescriptor(samples: samples, sampleRate: rate)
        spectral = SpectralDescriptors(spectrogram: spectrum, samples: samples)
        mfcc = MFCCDescriptor(spectrogram: spectrum)
        // The first and last 30 seconds, from the frames of the spectra above that lie inside them
        // (no second FFT pass). A track of 30 s or less is its own intro and outro.
        let span = min(padded.count, 30 * rate)
        if span == padded.count {
            intro = Section(bpm: tempo.bpm, key: key.name, camelot: key.camelot, energy: energy.energy)
            outro = intro
        } else {
            func section(_ range: Range<Int>) -> Section {
                let t = TempoDescriptor(spectrogram: tempoSpectrum.framesInside(range))
                let k = KeyDescriptor(spectrogram: keySpectrum.framesInside(range))
                let e = EnergyDescriptor(samples: Array(padded[range]), sampleRate: rate)
                return Section(bpm: t.bpm, key: k.name, camelot: k.camelot, energy: e.energy)
            }
            intro = section(0..<span)
            outro = section((padded.count - span)..<padded.count)
        }
        self.musicnn = try musicnn.map { input throws(AudioError) in try input.model.analyze(samples: input.samples) }
    }

    /// The fixed-length feature vector for similarity, with `featureNames` naming each index.
    public var featureVector: [Float] {
        [
            tempo.bpm, Float(key.tonic), key.mode == .major ? 1 : 0, Float(loudness.integratedLUFS), Float(loudness.rangeLU),
            energy.energy, spectral.centroid, spectral.rolloff, spectral.flatness, spectral.zeroCrossingRate,
        ]
            + mfcc.mean + mfcc.deviation
    }

    public static let featureNames: [String] =
        [
            "bpm", "key_tonic", "key_major", "loudness_lufs", "loudness_range_lu", "energy", "spectral_centroid",
            "spectral_rolloff", "spectral_flatness", "zero_crossing_rate",
        ]
        + (0..<MFCCDescriptor.coefficients).map { "mfcc_mean_\($0)" }
        + (0..<MFCCDescriptor.coefficients).map { "mfcc_deviation_\($0)" }
}
