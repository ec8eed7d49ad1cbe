import Foundation
import SegueMedia
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueAudio

/// Issue 17, parts 4 and 5: a file ffmpeg refuses is decoded by libsndfile; every file given is
/// listed, analysed or failed, with a one-sentence reason naming it.
@Suite struct SecondDecoderTests {
    func ffmpeg(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-v", "error", "-y", "-nostdin"] + args
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    /// ffmpeg and ffprobe that refuse every file (the first decoder told to refuse, as Debian's
    /// ffmpeg 5.1 refuses some valid Ogg Vorbis files), with the real prlimit.
    static let refusingTools = FFmpegTools(ffmpeg: "/bin/false", ffprobe: "/bin/false")

    @Test func resamplingKeepsPitchAndLevel() {
        let rate = 44_100
        let tone = (0..<rate).map { Float(0.5 * sin(2 * Double.pi * 1000 * Double($0) / Double(rate))) }
        let out = Resampler.resample(tone, from: rate, to: 22_050)
        #expect(out.count == 22_050)
        // Zero crossings of a 1 kHz tone over one second: about 2000.
        let crossings = zip(out.dropLast(), out.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
        #expect(abs(crossings - 2000) <= 4, "\(crossings)")
        let rms = sqrt(out[1000..<21000].map { Double($0 * $0) }.reduce(0, +) / 20000)
        #expect(abs(rms - 0.5 / 2.0.squareRoot()) < 0.01, "\(rms)")
        #expect(Resampler.resample([Float](repeating: 0.25, count: 1000), from: 48_000, to: 16_000).allSatisfy { abs($0 - 0.25) < 1e-3 })
        #expect(Resampler.resample([], from: 44_100, to: 22_050).isEmpty)
        // Above the new Nyquist frequency (8 kHz at 16 kHz): filtered out, not folded back.
        let high = (0..<rate).map { Float(0.5 * sin(2 * Double.pi * 15_000 * Double($0) / Double(rate))) }
        let filtered = Resampler.resample(high, from: rate, to: 16_000)
        let left = sqrt(filtered[1000..<15000].map { Double($0 * $0) }.reduce(0, +) / 14000)
        #expect(left < 0.05, "\(left)")
    }

    /// An Ogg Vorbis song the first decoder refuses is analysed through libsndfile, keeps its
    /// tags, and is listed as done; its tempo and key come out as with ffmpeg.
    @Test func aFileOnlyTheSecondDecoderReadsIsAnalysed() throws {
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let song = dir.appendingPathComponent("soundtrack.ogg")
        try ffmpeg([
            "-f", "lavfi", "-i", "sine=frequency=440:duration=8:sample_rate=44100", "-c:a", "libvorbis", "-metadata", "artist=Composer",
            "-metadata", "title=Main Theme", song.path,
        ])
        let refused = try LibraryBackend.sqlite.make(in: dir.appendingPathComponent("refused-lib").creatingFolder()).store
        let viaSndfile = try LibraryIngest(store: refused, tools: Self.refusingTools).add([song.path])
        #expect(viaSndfile.analyzed == 1 && viaSndfile.failed.isEmpty, "\(viaSndfile)")
        let track = try #require(try refused.tracks().first)
        #expect(track.status == .done && track.artist == "Composer" && track.title == "Main Theme")
        #expect(abs(track.durationSeconds - 8) < 0.1)
        // Without the second decoder, the same file fails, and is still listed with its reason.
        let none = try LibraryBackend.sqlite.make(in: dir.appendingPathComponent("none-lib").creatingFolder()).store
        var ingest = LibraryIngest(store: none, tools: Self.refusingTools)
        ingest.decoder = AnalysisDecoder(tools: Self.refusingTools, fallback: nil)
        let report = try ingest.add([song.path])
        #expect(report.analyzed == 0 && report.failed.count == 1)
        #expect(try none.tracks().first?.status == .failed)
        // The same file through ffmpeg: the two decoders agree on what the analysis hears.
        let real = try LibraryBackend.sqlite.make(in: dir.appendingPathComponent("real-lib").creatingFolder()).store
        _ = try LibraryIngest(store: real, tools: try FFmpegTools.locate()).add([song.path])
        func analysis(_ store: any LibraryStore) throws -> AudioAnalysis {
            let json = try #require(try store.tracks().first?.analysisJSON)
            return try JSONDecoder().decode(AudioAnalysis.self, from: Data(json.utf8))
        }
        let a = try analysis(refused)
        let b = try analysis(real)
        #expect(a.key.name == b.key.name)
        #expect(abs(a.loudness.integratedLUFS - b.loudness.integratedLUFS) < 0.5)
    }

    /// A garbage .mp3 and a text file named .flac: each is listed as failed with one short sentence
    /// naming it (the decoder's log only in the details), beside a good file that is analysed.
    @Test func everyFileIsListedWithAShortReason() throws {
        let dir = try Fixtures.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let music = try dir.appendingPathComponent("music").creatingFolder()
        try Data(repeating: 0x42, count: 40_000).write(to: music.appendingPathComponent("garbage.mp3"))
        try Data(("ID3" + String(repeating: "\u{4}\0\0\0\0\0 junk ", count: 2000)).utf8).write(to: music.appendingPathComponent("fake.mp3"))
        try Data("just some notes\n".utf8).write(to: music.appendingPathComponent("notes.flac"))
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=660:duration=5", music.appendingPathComponent("good.flac").path])
        let store = try LibraryBackend.sqlite.make(in: dir).store
        let report = try LibraryIngest(store: store, tools: try FFmpegTools.locate()).add([music.path])
        #expect(report.analyzed == 1)
        #expect(Set(report.failed.keys.map { ($0 as NSString).lastPathComponent }) == ["garbage.mp3", "fake.mp3", "notes.flac"])
        for (path, reason) in report.failed {
            let name = (path as NSString).lastPathComponent
            #expect(reason.hasPrefix(name + " ") && reason.count < 160 && !reason.contains("\n") && !reason.contains(dir.path), "\(reason)")
            #expect(report.details?[path]?.isEmpty == false)
        }
        let tracks = try store.tracks()
        #expect(tracks.count == 4)
        for t in tracks where t.status == .failed {
            #expect(t.error == report.failed[t.path], "\(t.error ?? "nil")")
        }
        #expect(tracks.filter { $0.status == .done }.map { ($0.path as NSString).lastPathComponent } == ["good.flac"])
    }
}

extension URL {
    /// Creates this folder (and its parents) and returns it.
    func creatingFolder() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
