import Foundation
import SegueMedia
import SegueStore
import SegueStoreSQLite
import SegueTestSupport
import Testing

@testable import SegueAudio

/// The reference outputs of the original musicnn (TensorFlow 2.15.1 running musicnn 0.1.0's
/// `models.py`), made by `scripts/musicnn_reference.py` on `MusicnnReferenceClip.all`.
struct MusicnnReference: Decodable {
    struct Clip: Decodable {
        var name: String
        var samples: Int
        var samples_sum: Double
        var frames: Int
        var patches: Int
        var log_mel_sum: Double
        var log_mel_frame_10: [Float]
        var mel_f16_first_patch: String?
        var first_patch_embedding: [Float]
        var embedding: [Float]
        var msd_tags: [Float]
        var mtt_tags: [Float]
    }
    var clips: [Clip]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func load() throws -> MusicnnReference {
        let url = root.appendingPathComponent("Tests/Fixtures/musicnn-reference.json")
        return try JSONDecoder().decode(MusicnnReference.self, from: Data(contentsOf: url))
    }

    /// The unpacked wheel (scripts/setup.sh); the tests fail, not skip, without it.
    static var weights: String {
        ProcessInfo.processInfo.environment["SEGUE_MUSICNN_DIR"] ?? root.appendingPathComponent(".local/musicnn/musicnn").path
    }
}

/// Loaded once for all tests (both models).
private let sharedModel: Result<Musicnn, AudioError> = Result { () throws(AudioError) in
    try Musicnn(directory: MusicnnReference.weights, mtt: true)
}

private func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct MusicnnTests {
    /// Absolute tolerance on embeddings (values of magnitude up to ~10) and tag scores (0…1).
    static let tolerance: Float = 1e-4

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
    }

    @Test func readsTheCheckpointIndexAndVerifiedTensors() throws {
        let checkpoint = try TensorFlowCheckpoint(prefix: Musicnn.prefix(MusicnnReference.weights, "MSD_musicnn"))
        #expect(checkpoint.shardCount == 1)
        #expect(checkpoint.entries["dense/kernel"]?.shape == [1506, 200])
        #expect(checkpoint.entries["conv2d/kernel"]?.shape == [7, 38, 1, 204])
        #expect(checkpoint.entries["conv2d_2/kernel"]?.shape == [128, 1, 1, 51])
        #expect(checkpoint.entries["dense_1/bias"]?.dataType == 1)
        let (shape, values) = try checkpoint.floats("batch_normalization_10/moving_variance")
        #expect(shape == [200])
        #expect(values.allSatisfy { $0 > 0 && $0.isFinite })
    }

    /// A copy of the checkpoint with one byte changed in a tensor, then in the index.
    @Test func detectsCorruptionAndNamesTheFile() throws {
        let source = Musicnn.prefix(MusicnnReference.weights, "MSD_musicnn")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("segue-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let prefix = folder.path + "/"
        let index = TensorFlowCheckpoint.indexPath(prefix: prefix)
        let data = TensorFlowCheckpoint.dataPath(prefix: prefix, shard: 0, of: 1)
        try FileManager.default.copyItem(atPath: TensorFlowCheckpoint.indexPath(prefix: source), toPath: index)
        try FileManager.default.copyItem(atPath: TensorFlowCheckpoint.dataPath(prefix: source, shard: 0, of: 1), toPath: data)

        let intact = try TensorFlowCheckpoint(prefix: prefix)
        let entry = try #require(intact.entries["dense/kernel"])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: data))
        bytes[entry.offset + entry.size / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: data))
        let corrupt = try TensorFlowCheckpoint(prefix: prefix)
        #expect(throws: AudioError.checkpoint(path: data, reason: "checksum mismatch in tensor dense/kernel: the file is corrupt")) {
            try corrupt.floats("dense/kernel")
        }
        _ = try corrupt.floats("dense/bias")  // the other tensors still read
        #expect(throws: AudioError.self) { try MusicnnNetwork(checkpoint: corrupt) }

        var indexBytes = try Data(contentsOf: URL(fileURLWithPath: index))
        indexBytes[100] ^= 0x40
        try indexBytes.write(to: URL(fileURLWithPath: index))
        do {
            _ = try TensorFlowCheckpoint(prefix: prefix)
            Issue.record("a corrupt index was read")
        } catch {
            #expect("\(error)".contains(index) && "\(error)".contains("checksum mismatch"))
        }

        try FileManager.default.removeItem(atPath: data)
        try Data(contentsOf: URL(fileURLWithPath: TensorFlowCheckpoint.indexPath(prefix: source))).write(to: URL(fileURLWithPath: index))
        #expect(throws: AudioError.checkpoint(path: data, reason: "no such file")) { try TensorFlowCheckpoint(prefix: prefix) }
        #expect(throws: AudioError.checkpoint(path: folder.path + "/nothing/.index", reason: "no such file")) {
            try TensorFlowCheckpoint(prefix: folder.path + "/nothing/")
        }
    }

    @Test func clipsAreTheOnesTheReferenceWasMadeFrom() throws {
        let reference = try MusicnnReference.load()
        for (clip, ref) in zip(MusicnnReferenceClip.all, reference.clips) {
            #expect(clip.name == ref.name)
            #expect(clip.samples.count == ref.samples)
            #expect(abs(clip.samples.reduce(0.0) { $0 + Double($1) } - ref.samples_sum) < 1e-6)
        }
    }

    /// The log-mel spectrogram against librosa's: frame counts exactly, one whole frame and the sum
    /// over all frames and bands within what float16 rounding of nearly tied mel values allows.
    @Test func spectrogramMatchesLibrosa() throws {
        let reference = try MusicnnReference.load()
        for (clip, ref) in zip(MusicnnReferenceClip.all, reference.clips) {
            let spectrogram = MusicnnSpectrogram(samples: clip.samples)
            #expect(spectrogram.frameCount == ref.frames, "\(clip.name)")
            #expect(spectrogram.patches.count == ref.patches, "\(clip.name)")
            let frame = Array(spectrogram.frames[(10 * 96)..<(11 * 96)])
            let worst = largestDifference(frame, ref.log_mel_frame_10)
            // A mel value within ~1e-7 of a float16 rounding boundary may round the other way:
            // one float16 step moves log10(10000·x + 1) by at most 2⁻¹⁰/ln 10 ≈ 4.3e-4.
            #expect(worst <= 4.3e-4, "\(clip.name): frame 10 differs by \(worst)")
            // NumPy's float32 log10 (SVML on AVX-512 machines) and glibc's differ by up to one ulp
            // (≤ 4.8e-7 here) on about a third of the values, mostly in the same direction: the sum
            // may drift by up to 1e-7 per value on that account alone.
            let sum = spectrogram.frames.reduce(0.0) { $0 + Double($1) }
            let bound = 1e-7 * Double(spectrogram.frames.count)
            print("musicnn \(clip.name): log-mel frame 10 worst \(worst), sum off by \(abs(sum - ref.log_mel_sum)) (bound \(bound))")
            #expect(abs(sum - ref.log_mel_sum) <= bound, "\(clip.name): sum \(sum) vs \(ref.log_mel_sum)")
        }
    }

    /// The network alone on exactly the original's input (its float16 mel values of the first patch).
    @Test func networkMatchesTensorFlowOnTheSameInput() throws {
        let model = try sharedModel.get()
        let reference = try MusicnnReference.load()
        var checked = 0
        for ref in reference.clips {
            guard let encoded = ref.mel_f16_first_patch, let bytes = Data(base64Encoded: encoded) else { continue }
            let patch: [Float] = bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / 2)).map {
                    let half = Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))
                    return log10(10000 * Float(half) + 1)
                }
            }
            let out = model.msd.run(patch: patch)
            let worst = largestDifference(out.embedding, ref.first_patch_embedding)
            print("musicnn \(ref.name): first patch from the original's input, embedding worst \(worst)")
            #expect(worst <= 5e-5, "\(ref.name): first patch embedding differs by \(worst)")
            checked += 1
        }
        #expect(checked == 2)
    }

    /// End to end from samples: embedding, MSD tags and MTT tags within `tolerance`.
    @Test func trackOutputsMatchTensorFlow() throws {
        let model = try sharedModel.get()
        let reference = try MusicnnReference.load()
        for (clip, ref) in zip(MusicnnReferenceClip.all, reference.clips) {
            let result = try model.analyze(samples: clip.samples)
            #expect(result.patches == ref.patches)
            let e = largestDifference(result.embedding, ref.embedding)
            let t = largestDifference(result.tags, ref.msd_tags)
            let m = largestDifference(try #require(result.mttTags), ref.mtt_tags)
            print("musicnn \(clip.name): embedding worst \(e), MSD tags worst \(t), MTT tags worst \(m)")
            #expect(e <= Self.tolerance, "\(clip.name): embedding differs by \(e)")
            #expect(t <= Self.tolerance, "\(clip.name): MSD tags differ by \(t)")
            #expect(m <= Self.tolerance, "\(clip.name): MTT tags differ by \(m)")
        }
    }

    /// The tags mean something: a drum-and-chords song and a sine sweep rank differently, and
    /// the names follow the scores.
    @Test func topTagsFollowTheScores() throws {
        let model = try sharedModel.get()
        let result = try model.analyze(samples: MusicnnReferenceClip.song.samples)
        let top = result.topTags(3)
        #expect(top.count == 3 && top[0].score >= top[1].score && top[1].score >= top[2].score)
        #expect(Musicnn.msdTags[result.tags.firstIndex(of: result.tags.max()!)!] == top[0].name)
        #expect(result.tags.count == 50 && result.embedding.count == 200)
    }

    @Test func silenceAndEmptyInput() throws {
        let model = try sharedModel.get()
        #expect(throws: AudioError.tooShort(seconds: 0)) { try model.analyze(samples: []) }
        let quiet = try model.analyze(samples: [Float](repeating: 0, count: 16_000))
        #expect(quiet.patches == 1 && quiet.embedding.allSatisfy(\.isFinite))
    }

    /// Issue 6: a file under three seconds goes through the library with musicnn (one patch, the
    /// audio repeated to fill it) instead of failing.
    @Test func shortFilesGetAnEmbedding() throws {
        let model = try sharedModel.get()
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tools = try FFmpegTools.locate()
        let file = dir.appendingPathComponent("music/short.flac")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        p.arguments = ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=330:duration=1.5:sample_rate=44100", file.path]
        try p.run()
        p.waitUntilExit()
        let store = try SQLiteLibraryStore(path: dir.appendingPathComponent("library.sqlite").path)
        let report = try LibraryIngest(store: store, tools: tools, musicnn: model).add([file.deletingLastPathComponent().path])
        #expect(report.analyzed == 1 && report.failed.isEmpty, "\(report.failed)")
        let track = try #require(try store.tracks().first)
        #expect(track.status == .done && abs(track.durationSeconds - 1.5) < 0.05)
        #expect(track.embedding?.count == MusicnnNetwork.embeddingSize && track.embedding!.allSatisfy(\.isFinite))
        #expect(track.tagScores?.count == 50)
    }

    /// The scratch memory carried from patch to patch changes nothing: a second patch run after a
    /// first gives what it gives on fresh memory.
    @Test func scratchMemoryIsReusedSafely() throws {
        let model = try sharedModel.get()
        let patches = MusicnnSpectrogram(samples: MusicnnReferenceClip.song.samples).patches
        try #require(patches.count >= 2)
        var scratch = MusicnnNetwork.Scratch()
        _ = model.msd.run(patch: patches[0], scratch: &scratch)
        let reused = model.msd.run(patch: patches[1], scratch: &scratch)
        let fresh = model.msd.run(patch: patches[1])
        #expect(reused.embedding == fresh.embedding && reused.logits == fresh.logits)
    }

    /// `LibraryIngest` with musicnn: the stored embedding and tags are the network's on the file
    /// decoded at 16 kHz, they survive the store, and a second add does not analyse again.
    @Test(arguments: LibraryBackend.allCases)
    func libraryKeepsTheEmbeddingAndTags(backend: LibraryBackend) throws {
        let model = try sharedModel.get()
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tools = try FFmpegTools.locate()
        let raw = dir.appendingPathComponent("song.f32")
        try MusicnnReferenceClip.song.write(into: dir.path)
        let flac = dir.appendingPathComponent("music/song.flac")
        try FileManager.default.createDirectory(at: flac.deletingLastPathComponent(), withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        p.arguments = ["-v", "error", "-y", "-f", "f32le", "-ar", "16000", "-ac", "1", "-i", raw.path, "-c:a", "flac", flac.path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)

        let (store, reopen) = try backend.make(in: dir)
        let ingest = LibraryIngest(store: store, tools: tools, musicnn: model)
        let report = try ingest.add([flac.deletingLastPathComponent().path])
        #expect(report.analyzed == 1 && report.failed.isEmpty)
        let track = try #require(try store.tracks().first)
        let expected = try model.analyze(samples: try AudioDecoder(tools: tools).decodeMono(flac.path, sampleRate: 16_000))
        #expect(track.embedding == expected.embedding)
        #expect(track.tagScores == expected.tags)
        let reopened = try reopen()
        #expect(try reopened.track(id: track.id)?.embedding == expected.embedding)
        #expect(try ingest.add([flac.path]).analyzed == 0)
        // Without musicnn, an analysis stores no embedding; with it back, the track is analysed again.
        try store.saveAnalysis(id: track.id, version: AudioAnalysis.version, json: try #require(track.analysisJSON))
        #expect(try store.track(id: track.id)?.embedding == nil)
        #expect(try ingest.add([flac.path]).analyzed == 1)
        #expect(try store.track(id: track.id)?.tagScores == expected.tags)
    }
}
