import Foundation
import SegueMedia
import Testing

@testable import SegueAudio

/// The original musicnn's embeddings of real music files (`scripts/musicnn_reference.py files`:
/// `librosa.load(sr=16000)` as musicnn's own extractor loads a file, then TensorFlow), made on
/// soundtracks that Debian ships; `Tests/Fixtures/musicnn-real-music.md` says how.
struct MusicnnRealReference: Decodable {
    struct Track: Decodable {
        /// The file, relative to `MusicnnRealMusicTests.musicRoot`.
        var name: String
        var samples: Int
        var patches: Int
        var embedding: [Float]
        var msd_tags: [Float]
    }
    var tracks: [Track]

    /// The committed fixture, or the file `$SEGUE_MUSICNN_REAL_REFERENCE` names (a larger set made
    /// by the same script, for the figures in BENCHMARKS.md).
    static func load() throws -> MusicnnRealReference {
        let path =
            ProcessInfo.processInfo.environment["SEGUE_MUSICNN_REAL_REFERENCE"]
            ?? MusicnnReference.root.appendingPathComponent("Tests/Fixtures/musicnn-real-music.json").path
        return try JSONDecoder().decode(MusicnnRealReference.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// Issue 17, part 6: on real music decoded the way users' files are (ffmpeg, or libsndfile when
/// ffmpeg refuses the file), Segue's embedding agrees with the original's.
@Suite struct MusicnnRealMusicTests {
    /// Where Debian installs the music (`drascula-music`, in scripts/setup.sh).
    static let musicRoot = "/usr/share"
    /// Issue 17's target for every track.
    static let minimumCosine = 0.98

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0
        var na = 0.0
        var nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return dot / (na * nb).squareRoot()
    }

    /// Decodes every reference track with `decoder`, runs musicnn, and checks the cosine similarity
    /// of the embeddings; prints each track's and the median and worst.
    func check(_ decoder: AnalysisDecoder, label: String) throws {
        try check(label: label) { path throws in try #require(try decoder.decode(path, musicnn: true).musicnn) }
    }

    func check(label: String, decode: (String) throws -> [Float]) throws {
        let model = try Musicnn(directory: MusicnnReference.weights)
        let reference = try MusicnnRealReference.load()
        try #require(!reference.tracks.isEmpty)
        var cosines: [Double] = []
        for track in reference.tracks {
            let path = (Self.musicRoot as NSString).appendingPathComponent(track.name)
            guard FileManager.default.fileExists(atPath: path) else {
                Issue.record("\(path) is missing: scripts/setup.sh installs the Debian package that ships it")
                continue
            }
            let samples = try decode(path)
            let result = try model.analyze(samples: samples)
            let similarity = Self.cosine(result.embedding, track.embedding)
            let tags = zip(result.tags, track.msd_tags).map { abs($0 - $1) }.max() ?? 0
            print(
                "musicnn real music (\(label)) \(track.name): cosine \(String(format: "%.5f", similarity)), tags worst \(tags), samples \(samples.count - track.samples) off"
            )
            // librosa makes ceil(n · 16000 / rate) samples; the resamplers may differ by a few at the end.
            #expect(abs(samples.count - track.samples) <= 16, "\(track.name): \(samples.count) samples, the original \(track.samples)")
            #expect(result.patches == track.patches, "\(track.name)")
            #expect(similarity >= Self.minimumCosine, "\(track.name): cosine \(similarity)")
            cosines.append(similarity)
        }
        let sorted = cosines.sorted()
        if !sorted.isEmpty {
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            print(
                "musicnn real music (\(label)): \(sorted.count) tracks, median cosine \(String(format: "%.5f", median)), worst \(String(format: "%.5f", sorted[0]))"
            )
        }
    }

    /// The path almost every file takes: one ffmpeg run.
    @Test func embeddingAgreesWithTensorFlowThroughFFmpeg() throws {
        try check(AnalysisDecoder(tools: try FFmpegTools.locate()), label: "ffmpeg")
    }

    /// The second decoder's path (libsndfile and `Resampler.KaiserBest`), for files ffmpeg refuses.
    @Test func embeddingAgreesWithTensorFlowThroughTheSecondDecoder() throws {
        try check(AnalysisDecoder(tools: SecondDecoderTests.refusingTools), label: "libsndfile")
    }

    /// `Resampler.KaiserBest` against resampy 0.4.3's `kaiser_best` as librosa 0.9.2 calls it
    /// (`librosa.resample(x, orig_sr=…, target_sr=…, res_type='kaiser_best')` on the same float32
    /// signal; the values were printed by that call): 44.1 kHz (160 phases) and 48 kHz (one) to
    /// 16 kHz, both ends of the signal included, and librosa's ⌈n · to / from⌉ length.
    @Test func kaiserBestMatchesResampy() {
        let long = (0..<4410).map { i -> Float in
            let t = Double(i)
            return Float(sin(0.05 * t) + 0.5 * sin(2.9 * t) + 0.3 * cos(0.37 * t + 1))
        }
        let y = Resampler.KaiserBest.resample(long, from: 44_100, to: 16_000)
        #expect(y.count == 1600)
        let expected: [(Int, Float)] = [
            (0, 0.10590784251689911), (1, 0.026336707174777985), (2, -0.0380847342312336), (100, 0.70622718334198),
            (777, 0.220531165599823), (1598, -0.004508445505052805), (1599, 0.36927542090415955),
        ]
        for (index, value) in expected where index < y.count {
            #expect(abs(y[index] - value) < 2e-6, "44.1 kHz sample \(index): \(y[index]), resampy \(value)")
        }
        let short = (0..<1001).map { i -> Float in Float(sin(0.05 * Double(i)) + 0.5 * sin(2.9 * Double(i))) }
        let z = Resampler.KaiserBest.resample(short, from: 48_000, to: 16_000)
        #expect(z.count == 334)
        let expectedShort: [(Int, Float)] = [
            (0, 0.02538095973432064), (1, 0.14662319421768188), (150, -0.487255722284317), (332, -0.45688584446907043), (333, 0),
        ]
        for (index, value) in expectedShort where index < z.count {
            #expect(abs(z[index] - value) < 2e-6, "48 kHz sample \(index): \(z[index]), resampy \(value)")
        }
    }

    /// What made the drift: above its roll-off (0.917 × 8 kHz ≈ 7.34 kHz) the original's resampler
    /// removes what ffmpeg's default one passed into musicnn's top mel bands, and it hears stereo as
    /// the mean of the channels. Through both of Segue's paths, a 7.8 kHz tone comes out more than
    /// 40 dB down while 1 kHz passes at unit gain (a stereo file at the level of one channel).
    @Test func bothPathsCutWhatTheOriginalCuts() throws {
        let rate = 44_100
        func rms(_ x: [Float]) -> Double {
            let middle = x[(x.count / 4)..<(3 * x.count / 4)]
            return (middle.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(middle.count)).squareRoot()
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segue-kaiser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tools = try FFmpegTools.locate()
        for hz in [1000, 7800] {
            // ffmpeg's sine source has amplitude 1/8.
            let input = 0.125 / 2.0.squareRoot()
            let tone = (0..<(2 * rate)).map { Float(0.125 * sin(2 * Double.pi * Double(hz) * Double($0) / Double(rate))) }
            let file = dir.appendingPathComponent("\(hz).wav").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
            p.arguments = [
                "-v", "error", "-f", "lavfi", "-i", "sine=frequency=\(hz):duration=2:sample_rate=\(rate)", "-af", "pan=stereo|c0=c0|c1=c0", "-c:a",
                "pcm_f32le", file,
            ]
            try p.run()
            p.waitUntilExit()
            let levels = [
                ("Resampler.KaiserBest", rms(Resampler.KaiserBest.resample(tone, from: rate, to: 16_000))),
                ("ffmpeg", rms(try #require(try AnalysisDecoder(tools: tools).decode(file, musicnn: true).musicnn))),
                ("libsndfile", rms(try #require(try AnalysisDecoder(tools: SecondDecoderTests.refusingTools).decode(file, musicnn: true).musicnn))),
            ]
            for (label, level) in levels {
                if hz < 7000 {
                    #expect(abs(level / input - 1) < 0.01, "\(label) at \(hz) Hz: \(level), the input \(input)")
                } else {
                    #expect(20 * log10(level / input) < -40, "\(label) at \(hz) Hz: \(20 * log10(level / input)) dB")
                }
            }
        }
    }
}
