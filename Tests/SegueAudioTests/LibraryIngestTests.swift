import Foundation
import SegueMedia
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite
import SegueTestSupport
import Testing

@testable import SegueAudio

/// Where the ingest tests keep the library: SQLite always, PostgreSQL when the run has one.
enum LibraryBackend: String, CaseIterable, Sendable {
    case sqlite, postgres

    static var allCases: [LibraryBackend] { TestPostgres.isEnabled ? [.sqlite, .postgres] : [.sqlite] }

    /// A new, empty library; `reopen` opens it again as another process would.
    func make(in dir: URL) throws -> (store: any LibraryStore, reopen: () throws -> any LibraryStore) {
        switch self {
        case .sqlite:
            let path = dir.appendingPathComponent("library.sqlite").path
            return (try SQLiteLibraryStore(path: path), { try SQLiteLibraryStore(path: path) })
        case .postgres:
            let url = try TestPostgres.freshSchemaURL()
            return (
                PostgresLibraryStore(backend: try PostgresBackend(url: url)),
                {
                    PostgresLibraryStore(backend: try PostgresBackend(url: url))
                }
            )
        }
    }
}

@Suite struct LibraryIngestTests {
    func ffmpeg(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try FFmpegTools.locate().ffmpeg)
        p.arguments = ["-v", "error", "-y"] + args
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    /// Issue 6's bad inputs: a zero-length file, a truncated MP3, pure silence, a file with no
    /// audio stream, beside a good file. Each ends done or failed with a reason naming it; the good
    /// file is analysed; nothing crashes or hangs.
    @Test func badInputsEndDoneOrFailedWithAReason() throws {
        let dir = try Fixtures.folder()
        let music = dir.appendingPathComponent("music")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        try Data().write(to: music.appendingPathComponent("empty.mp3"))
        let whole = dir.appendingPathComponent("whole.mp3")
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=10", "-c:a", "libmp3lame", whole.path])
        let bytes = try Data(contentsOf: whole)
        try bytes.prefix(bytes.count * 2 / 5).write(to: music.appendingPathComponent("truncated.mp3"))
        try ffmpeg(["-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "10", music.appendingPathComponent("silence.flac").path])
        try ffmpeg([
            "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=2", "-c:v", "mpeg4", music.appendingPathComponent("picture only.m4a").path,
        ])
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=660:duration=6", music.appendingPathComponent("good.ogg").path])

        let store = try LibraryBackend.sqlite.make(in: dir).store
        let report = try LibraryIngest(store: store, tools: try FFmpegTools.locate()).add([music.path])
        let tracks = try store.tracks()
        let byName = Dictionary(uniqueKeysWithValues: tracks.map { (($0.path as NSString).lastPathComponent, $0) })
        for t in tracks {
            let name = (t.path as NSString).lastPathComponent
            #expect(t.status == .done || t.status == .failed, "\(name): \(t.status)")
            if t.status == .failed { #expect(t.error?.contains(name) == true, "\(name): \(t.error ?? "no reason")") }
        }
        for (path, reason) in report.failed { #expect(reason.contains((path as NSString).lastPathComponent), "\(reason)") }
        #expect(byName["good.ogg"]?.status == .done)
        #expect(byName["truncated.mp3"]?.status == .done, "the first 4 s of a truncated MP3 are still music")
        #expect(byName["silence.flac"]?.status == .done, "silence is analysed: \(byName["silence.flac"]?.error ?? "")")
        if let json = byName["silence.flac"]?.analysisJSON {
            let silence = try JSONDecoder().decode(AudioAnalysis.self, from: Data(json.utf8))
            #expect(silence.loudness.integratedLUFS == LoudnessDescriptor.silenceLUFS && silence.loudness.rangeLU == 0)
        }
        #expect(byName["picture only.m4a"]?.status == .failed || report.failed.keys.contains { $0.hasSuffix("picture only.m4a") })
        #expect(byName["empty.mp3"]?.status == .failed || report.failed.keys.contains { $0.hasSuffix("empty.mp3") })
        print("bad inputs:", report.failed.map { "\(($0.key as NSString).lastPathComponent): \($0.value)" }.sorted())
    }

    @Test(arguments: LibraryBackend.allCases)
    func addsAnalysesAndSkipsDuplicatesAndBrokenFiles(backend: LibraryBackend) throws {
        let dir = try Fixtures.folder()
        let music = dir.appendingPathComponent("music/Artist")
        try FileManager.default.createDirectory(at: music, withIntermediateDirectories: true)
        // A 120 BPM pulse over an A minor chord, tagged; a copy of it; an untagged tone; a broken file.
        let pulse = "aevalsrc='0.4*sin(2*PI*220*t)*exp(-20*mod(t\\,0.5))+0.05*(sin(2*PI*220*t)+sin(2*PI*261.63*t)+sin(2*PI*329.63*t))':s=22050:d=12"
        try ffmpeg([
            "-f", "lavfi", "-i", pulse, "-metadata", "artist=Ana", "-metadata", "title=Pulse", "-metadata", "album=Demo",
            "-metadata", "track=3/10", music.appendingPathComponent("pulse.flac").path,
        ])
        try FileManager.default.copyItem(at: music.appendingPathComponent("pulse.flac"), to: music.appendingPathComponent("pulse copy.flac"))
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=1000:duration=4", music.appendingPathComponent("tone.ogg").path])
        try Data("not audio".utf8).write(to: music.appendingPathComponent("broken.mp3"))
        try Data("notes".utf8).write(to: music.appendingPathComponent("notes.txt"))

        let store = try backend.make(in: dir).store
        let ingest = LibraryIngest(store: store, tools: try FFmpegTools.locate())
        let report = try ingest.add([dir.appendingPathComponent("music").path, dir.appendingPathComponent("missing").path])
        // The broken file is listed too, as a failed track with its reason (issue 17).
        #expect(report.added == 3 && report.duplicates == 1 && report.analyzed == 2)
        #expect(report.failed.keys.map { ($0 as NSString).lastPathComponent } == ["broken.mp3"])
        #expect(report.skipped.count == 1)

        let all = try store.tracks()
        let broken = try #require(all.first { $0.path.hasSuffix("broken.mp3") })
        #expect(broken.status == .failed && broken.error?.hasPrefix("broken.mp3 ") == true)
        let tracks = all.filter { $0.id != broken.id }
        #expect(tracks.count == 2 && tracks.allSatisfy { $0.status == .done && $0.analysisVersion == AudioAnalysis.version })
        let pulseTrack = try #require(tracks.first { $0.title == "Pulse" })
        #expect(pulseTrack.artist == "Ana" && pulseTrack.album == "Demo" && pulseTrack.trackNumber == 3)
        #expect(abs(pulseTrack.durationSeconds - 12) < 0.1)
        let analysis = try JSONDecoder().decode(AudioAnalysis.self, from: Data(try #require(pulseTrack.analysisJSON).utf8))
        #expect(abs(analysis.tempo.bpm - 120) < 2, "\(analysis.tempo.bpm)")
        #expect(analysis.key.name == "A minor")

        // Adding again changes nothing and analyses nothing.
        let again = try ingest.add([dir.appendingPathComponent("music").path])
        #expect(again.added == 0 && again.duplicates == 4 && again.analyzed == 0)
    }
}
