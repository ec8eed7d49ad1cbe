import Foundation
import SegueMedia
import Testing

@testable import SegueAudio

/// Descriptors checked on signals whose answer is known.
@Suite struct DescriptorTests {
    let rate = 22_050

    func sine(_ f: Float, seconds: Float, amplitude: Float = 0.1, rate: Int = 22_050) -> [Float] {
        (0..<Int(seconds * Float(rate))).map { amplitude * sinf(2 * .pi * f * Float($0) / Float(rate)) }
    }

    /// A chord of notes with a few decaying harmonics each, as an instrument would sound.
    func chord(_ midiNotes: [Int], seconds: Float = 6) -> [Float] {
        var out = [Float](repeating: 0, count: Int(seconds * Float(rate)))
        for note in midiNotes {
            let f = 440 * powf(2, Float(note - 69) / 12)
            for h in 1...4 {
                let amp: Float = 0.08 / Float(h)
                for i in out.indices { out[i] += amp * sinf(2 * .pi * f * Float(h) * Float(i) / Float(rate)) }
            }
        }
        return out
    }

    /// Short noise bursts every `period` seconds.
    func clicks(every period: Float, seconds: Float = 20) -> [Float] {
        var out = [Float](repeating: 0, count: Int(seconds * Float(rate)))
        var seed: UInt32 = 1
        var t: Float = 0.25
        while Int(t * Float(rate)) + 400 < out.count {
            let start = Int(t * Float(rate))
            for i in 0..<400 {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                out[start + i] = (Float(seed >> 8) / Float(1 << 24) - 0.5) * 0.8 * expf(-Float(i) / 80)
            }
            t += period
        }
        return out
    }

    @Test func loudnessOfAReferenceSine() throws {
        let l = try LoudnessDescriptor(samples: sine(1000, seconds: 5, amplitude: 0.1, rate: 48_000), sampleRate: 48_000)
        #expect(abs(l.integratedLUFS - -23.0) < 0.2, "\(l.integratedLUFS)")
        #expect(abs(l.peak - 0.1) < 0.001)
        let quieter = try LoudnessDescriptor(samples: sine(1000, seconds: 5, amplitude: 0.05, rate: 48_000), sampleRate: 48_000)
        #expect(abs((l.integratedLUFS - quieter.integratedLUFS) - 6.02) < 0.1)  // half the amplitude: −6 dB
    }

    @Test func spectralShapeOfToneAndNoise() {
        let tone = sine(1000, seconds: 2)
        let t = SpectralDescriptors(spectrogram: Spectrogram(samples: tone, sampleRate: rate), samples: tone)
        #expect(abs(t.centroid - 1000) < 30, "\(t.centroid)")
        #expect(abs(t.zeroCrossingRate - 2 * 1000 / Float(rate)) < 0.001)
        #expect(t.flatness < 0.01)
        var seed: UInt32 = 7
        let noise = (0..<(2 * rate)).map { _ -> Float in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            return Float(seed >> 8) / Float(1 << 24) - 0.5
        }
        let n = SpectralDescriptors(spectrogram: Spectrogram(samples: noise, sampleRate: rate), samples: noise)
        #expect(n.flatness > 0.4, "\(n.flatness)")
        #expect(abs(n.centroid - Float(rate) / 4) < 300, "\(n.centroid)")  // white noise: middle of 0…Nyquist
        #expect(n.rolloff > 0.8 * Float(rate) / 2)
    }

    @Test(arguments: [
        ([60, 64, 67], "C major", "8B"),  // C E G
        ([57, 60, 64], "A minor", "8A"),  // A C E
        ([67, 71, 74], "G major", "9B"),  // G B D
        ([62, 65, 69], "D minor", "7A"),  // D F A
    ])
    func keyOfChords(notes: [Int], key: String, camelot: String) {
        let k = KeyDescriptor(spectrogram: Spectrogram(samples: chord(notes), sampleRate: rate, frameSize: 4096, hop: 2048))
        #expect(k.name == key)
        #expect(k.camelot == camelot)
        #expect(k.confidence > 0.5)
    }

    @Test(
        arguments: [(0.5 as Float, 120 as Float), (0.6, 100), (0.4, 150), (0.75, 80), (Float(60.0 / 128), 128), (Float(60.0 / 90), 90)]
            as [(Float, Float)])
    func tempoOfClickTrains(period: Float, expected: Float) {
        let t = TempoDescriptor(spectrogram: Spectrogram(samples: clicks(every: period), sampleRate: rate, frameSize: 1024, hop: 256))
        #expect(abs(t.bpm - expected) < 1.5, "\(t.bpm) for \(expected)")
        #expect(t.confidence > 0.2)
    }

    @Test func decodesRealAudioThroughFFmpeg() throws {
        let tools = try FFmpegTools.locate()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segue-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("tone.flac").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        p.arguments = ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3:sample_rate=44100", "-ac", "2", file]
        try p.run()
        p.waitUntilExit()
        let samples = try AudioDecoder(tools: tools).decodeMono(file, sampleRate: rate)
        #expect(abs(samples.count - 3 * rate) < rate / 20)
        let d = SpectralDescriptors(spectrogram: Spectrogram(samples: samples, sampleRate: rate), samples: samples)
        #expect(abs(d.centroid - 440) < 30)
        #expect(throws: MediaError.self) {
            _ = try AudioDecoder(tools: tools).decodeMono(dir.appendingPathComponent("missing.mp3").path, sampleRate: rate)
        }
    }

    /// One ffmpeg run gives both rates, bit for bit what two `decodeMono` runs give (stereo input,
    /// so the down-mix is covered too); a broken file fails naming it.
    @Test func decodesBothRatesInOneRun() throws {
        let tools = try FFmpegTools.locate()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segue-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("two.flac").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        p.arguments = [
            "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=4:sample_rate=44100", "-f", "lavfi", "-i",
            "sine=frequency=660:duration=4:sample_rate=44100", "-filter_complex", "[0][1]amerge=inputs=2", file,
        ]
        try p.run()
        p.waitUntilExit()
        let both = try AnalysisDecoder(tools: tools).decode(file, musicnn: true)
        #expect(both.dsp == (try AudioDecoder(tools: tools).decodeMono(file, sampleRate: AudioAnalysis.sampleRate)))
        // The musicnn branch is mixed and resampled as musicnn's extractor did (issue 17): the mean of
        // the channels through resampy's kaiser_best, which the second decoder's path computes in Swift.
        let (mean, rate) = try SndfileDecoder().decodeMono(file)
        let original = Resampler.KaiserBest.resample(mean, from: rate, to: 16_000)
        let nn = try #require(both.musicnn)
        #expect(nn.count == original.count)
        // ffmpeg's filter is the same Kaiser sinc, not resampy's table: relative RMS error 1e-4 on real music.
        let error = zip(nn, original).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        let power = original.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect((error / power).squareRoot() < 1e-3, "relative RMS error \((error / power).squareRoot())")
        #expect(abs(both.musicnn!.count - 4 * 16_000) < 800 && abs(both.dsp.count - 4 * AudioAnalysis.sampleRate) < 1100)
        #expect(try AnalysisDecoder(tools: tools).decode(file, musicnn: false).musicnn == nil)
        let broken = dir.appendingPathComponent("broken.mp3").path
        try Data("not audio".utf8).write(to: URL(fileURLWithPath: broken))
        do {
            _ = try AnalysisDecoder(tools: tools).decode(broken, musicnn: true)
            Issue.record("a broken file decoded")
        } catch {
            #expect("\(error)".contains("broken.mp3"))
        }
    }

    /// Audio longer than the limit fails as too long (ffmpeg stops at the limit, so memory stays
    /// bounded), and a decoder that hangs (a FIFO nobody writes to) is stopped at the time limit.
    @Test func tooLongAndHangingFilesFailWithAReason() throws {
        let tools = try FFmpegTools.locate()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segue-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("long.flac").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        p.arguments = ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=150:sample_rate=22050", file]
        try p.run()
        p.waitUntilExit()
        var short = AnalysisDecoder(tools: tools)
        short.maximumSeconds = 120
        for musicnn in [true, false] {
            do {
                _ = try short.decode(file, musicnn: musicnn)
                Issue.record("150 s of audio passed a 120 s limit")
            } catch {
                #expect("\(error)".contains("long.flac") && "\(error)".contains("longer than 2 min"))
            }
        }
        #expect(try AnalysisDecoder(tools: tools).decode(file, musicnn: false).dsp.count > 149 * AudioAnalysis.sampleRate)

        let fifo = dir.appendingPathComponent("stuck.wav").path
        #expect(mkfifo(fifo, 0o600) == 0)
        var quick = AnalysisDecoder(tools: tools)
        quick.timeLimitSeconds = 1
        let started = Date()
        do {
            _ = try quick.decode(fifo, musicnn: true)
            Issue.record("a FIFO with no writer decoded")
        } catch {
            // Refused before any tool starts (not a regular file); the watchdog that stops a stuck
            // ffmpeg is tested with a real one in UntrustedMediaTests.
            #expect("\(error)".contains("stuck.wav") && "\(error)".contains("not a regular file"))
        }
        #expect(Date().timeIntervalSince(started) < 30)
    }
}

@Suite struct AnalysisTests {
    let rate = AudioAnalysis.sampleRate

    @Test func silenceAtTheEndsIsMeasured() {
        let tone = (0..<(2 * rate)).map { 0.3 * sinf(2 * .pi * 440 * Float($0) / Float(rate)) }
        let padded = [Float](repeating: 0, count: rate) + tone + [Float](repeating: 0, count: rate / 2)
        let e = EnergyDescriptor(samples: padded, sampleRate: rate)
        #expect(abs(e.leadingSilence - 1) < 0.06)
        #expect(abs(e.trailingSilence - 0.5) < 0.06)
        #expect(abs(e.rmsDecibels - 20 * log10f(Float(0.3) / Float(2).squareRoot())) < 0.5)
        #expect(EnergyDescriptor(samples: tone.map { $0 / 10 }, sampleRate: rate).energy < e.energy)
    }

    @Test func timbreSeparatesBrightFromDark() {
        func tone(_ f: Float) -> [Float] { (0..<(2 * rate)).map { 0.2 * sinf(2 * .pi * f * Float($0) / Float(rate)) } }
        let dark = MFCCDescriptor(spectrogram: Spectrogram(samples: tone(200), sampleRate: rate))
        let bright = MFCCDescriptor(spectrogram: Spectrogram(samples: tone(4000), sampleRate: rate))
        let again = MFCCDescriptor(spectrogram: Spectrogram(samples: tone(200), sampleRate: rate))
        #expect(dark.mean.count == 13 && dark.deviation.count == 13)
        #expect(dark == again)
        // The first coefficient after energy tilts with brightness.
        #expect(dark.mean[1] > bright.mean[1])
    }

    @Test func aWholeAnalysisHasEveryPartAndRefusesEmptyInput() throws {
        var samples = [Float](repeating: 0, count: 40 * rate)
        for beat in stride(from: rate / 4, to: samples.count - 400, by: rate / 2) {  // 120 BPM
            for i in 0..<400 { samples[beat + i] += 0.5 * expf(-Float(i) / 60) * sinf(Float(i) * 0.9) }
        }
        for i in samples.indices {  // an A minor chord underneath
            let t = Float(i) / Float(rate)
            samples[i] += 0.05 * (sinf(2 * .pi * 220 * t) + sinf(2 * .pi * 261.63 * t) + sinf(2 * .pi * 329.63 * t))
        }
        let a = try AudioAnalysis(samples: samples)
        #expect(a.version == AudioAnalysis.version)
        #expect(abs(a.tempo.bpm - 120) < 2)
        #expect(a.key.name == "A minor" && a.key.camelot == "8A")
        #expect(abs(a.intro.bpm - 120) < 2 && abs(a.outro.bpm - 120) < 2)
        #expect(a.featureVector.count == AudioAnalysis.featureNames.count)
        #expect(throws: AudioError.tooShort(seconds: 0)) { _ = try AudioAnalysis(samples: []) }
    }

    /// Issue 6: tracks under three seconds are padded, not dropped. A 1.5 s A major chord keeps
    /// its own duration, level and silence figures; key and loudness come from the padded audio.
    @Test func shortTracksArePaddedNotDropped() throws {
        for seconds in [1.0, 1.5, 2.5] as [Float] {
            let samples = (0..<Int(seconds * Float(rate))).map { i -> Float in
                let t = Float(i) / Float(rate)
                return 0.1 * (sinf(2 * .pi * 220 * t) + sinf(2 * .pi * 277.18 * t) + sinf(2 * .pi * 329.63 * t))
            }
            let a = try AudioAnalysis(samples: samples)
            #expect(abs(a.durationSeconds - seconds) < 0.001)
            #expect(a.key.name == "A major", "\(seconds) s: \(a.key.name)")
            #expect(a.loudness.integratedLUFS.isFinite && a.loudness.integratedLUFS > -30, "\(a.loudness.integratedLUFS)")
            #expect(a.energy.trailingSilence < 0.1 && a.energy.energy > 0)
            #expect(a.intro == a.outro && a.intro.camelot == a.key.camelot)
            // What the library stores must encode (no infinities or NaNs from the short input).
            _ = try JSONEncoder().encode(a)
        }
    }

    /// Sections read the whole track's spectra: the first frames are exactly those of a spectrogram
    /// of the first part alone, and every frame taken lies inside the part.
    @Test func sectionsTakeTheFramesInsideThem() {
        let samples = (0..<(10 * rate)).map { sinf(Float($0) * 0.05) * Float($0 % 977) / 977 }
        let whole = Spectrogram(samples: samples, sampleRate: rate, frameSize: 1024, hop: 256)
        let first = whole.framesInside(0..<(4 * rate))
        #expect(first.frames == Spectrogram(samples: Array(samples[0..<(4 * rate)]), sampleRate: rate, frameSize: 1024, hop: 256).frames)
        let last = whole.framesInside((6 * rate)..<samples.count)
        let firstFrame = (6 * rate + 255) / 256
        #expect(last.frames.count == whole.frames.count - firstFrame && last.frames.first == whole.frames[firstFrame])
        #expect(firstFrame * 256 >= 6 * rate && (firstFrame - 1) * 256 < 6 * rate)
        #expect(whole.framesInside(100..<900).frames.isEmpty)
    }
}

/// Songs rendered with a known tempo and key (the accuracy benchmark's material).
@Suite struct SyntheticSongTests {
    @Test(arguments: [
        SyntheticSong(bpm: 72, tonic: 9, mode: .minor, seconds: 20, seed: 3),
        SyntheticSong(bpm: 96, tonic: 0, mode: .major, seconds: 20, seed: 4),
        SyntheticSong(bpm: 128, tonic: 6, mode: .minor, seconds: 20, seed: 5),
        SyntheticSong(bpm: 140, tonic: 3, mode: .major, seconds: 20, seed: 6),
    ])
    func keyAndTempoAreFound(song: SyntheticSong) throws {
        let analysis = try AudioAnalysis(samples: song.render())
        #expect(analysis.key.name == song.keyName)
        #expect(AnalysisAccuracy.tempoMatches(truth: song.bpm, found: Double(analysis.tempo.bpm), octaves: true))
    }

    /// The descriptors over a set of songs (deterministic: the same songs, the same answers).
    @Test func accuracyOverASetOfSongs() throws {
        var score = AnalysisAccuracy()
        for song in SyntheticSong.accuracySet(count: 24, seconds: 15) {
            let analysis = try AudioAnalysis(samples: song.render())
            score.add(song, bpm: Double(analysis.tempo.bpm), key: (analysis.key.tonic, analysis.key.mode))
        }
        #expect(score.songs == 24)
        #expect(score.tempoAccuracy2 == 1)
        #expect(score.tempoAccuracy1 >= 0.85)
        #expect(score.keyExact >= 0.9)
    }

    @Test func theSetCoversEveryKeyAndTheTempoRange() {
        let set = SyntheticSong.accuracySet(count: 72, seconds: 5)
        #expect(Set(set.map(\.keyName)).count == 24)
        #expect(Set(set.map(\.bpm)).count == 72)
        #expect(set.map(\.bpm).min() == 70 && set.map(\.bpm).max() == 180)
        // The same seed renders the same samples.
        #expect(set[5].render() == set[5].render())
    }

    @Test func scoresFollowTheMIREXWeights() {
        #expect(AnalysisAccuracy.keyScore(truth: (0, .major), found: (0, .major)) == 1)
        #expect(AnalysisAccuracy.keyScore(truth: (0, .major), found: (7, .major)) == 0.5)
        #expect(AnalysisAccuracy.keyScore(truth: (0, .major), found: (5, .major)) == 0.5)
        #expect(AnalysisAccuracy.keyScore(truth: (0, .major), found: (9, .minor)) == 0.3)
        #expect(AnalysisAccuracy.keyScore(truth: (9, .minor), found: (0, .major)) == 0.3)
        #expect(AnalysisAccuracy.keyScore(truth: (0, .major), found: (0, .minor)) == 0.2)
        #expect(AnalysisAccuracy.keyScore(truth: (0, .major), found: (1, .major)) == 0)
        #expect(AnalysisAccuracy.tempoMatches(truth: 100, found: 103.9, octaves: false))
        #expect(!AnalysisAccuracy.tempoMatches(truth: 100, found: 200, octaves: false))
        #expect(AnalysisAccuracy.tempoMatches(truth: 100, found: 200, octaves: true))
    }
}
