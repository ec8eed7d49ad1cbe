import Foundation

/// The clips the Swift musicnn is checked on against the original TensorFlow model: rendered by
/// Segue itself (no audio files to license or ship), the same samples in the tests and in
/// `scripts/musicnn_reference.py`, which receives them as raw float32 files.
public struct MusicnnReferenceClip: Sendable {
    public var name: String
    /// Mono at 16 kHz.
    public var samples: [Float]

    public static var all: [MusicnnReferenceClip] { [song, sweep, short] }

    /// Ten seconds of a synthetic song in A minor at 120 BPM: drums, bass and chords (three patches).
    public static var song: MusicnnReferenceClip {
        let song = SyntheticSong(bpm: 120, tonic: 9, mode: .minor, seconds: 10, seed: 7)
        return MusicnnReferenceClip(name: "song", samples: song.render(rate: MusicnnSpectrogram.sampleRate))
    }

    /// Seven seconds of a logarithmic sine sweep from 40 Hz to 7.5 kHz at half scale (two patches).
    public static var sweep: MusicnnReferenceClip {
        let rate = Double(MusicnnSpectrogram.sampleRate)
        let seconds = 7.0
        let low = 40.0
        let high = 7500.0
        let k = log(high / low) / seconds
        let samples = (0..<Int(seconds * rate)).map { i -> Float in
            let t = Double(i) / rate
            return Float(0.5 * sin(2 * Double.pi * low * (exp(k * t) - 1) / k))
        }
        return MusicnnReferenceClip(name: "sweep", samples: samples)
    }

    /// Two seconds of a faster song in E major: shorter than one patch, so it is repeat-padded.
    public static var short: MusicnnReferenceClip {
        let song = SyntheticSong(bpm: 140, tonic: 4, mode: .major, seconds: 2, seed: 3)
        return MusicnnReferenceClip(name: "short", samples: song.render(rate: MusicnnSpectrogram.sampleRate))
    }

    /// Writes the samples as raw little-endian float32 (`NAME.f32`) into `directory`.
    public func write(into directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("\(name).f32")
        try samples.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
    }
}
