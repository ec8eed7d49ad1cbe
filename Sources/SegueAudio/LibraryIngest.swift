import Dispatch
import Foundation
import SegueMedia
import SegueStore

/// Adds audio files to the library and analyses them: walks folders, hashes content (the same
/// bytes twice are one track), reads tags with ffprobe, then decodes and analyses on every core,
/// moving each file through queued → decoding → analyzing → done | failed.
public struct LibraryIngest: Sendable {
    public static let extensions: Set<String> = ["mp3", "flac", "ogg", "oga", "opus", "m4a", "aac", "mp4", "wav", "wave", "aiff", "aif"]

    public var store: any LibraryStore
    public var tools: FFmpegTools
    /// Where embedded cover art is written, one square PNG per track content (nil: not extracted).
    public var artworkDirectory: String?
    /// musicnn, when its weights are installed (nil: DSP descriptors only).
    public var musicnn: Musicnn?

    public init(store: any LibraryStore, tools: FFmpegTools, artworkDirectory: String? = nil, musicnn: Musicnn? = nil) {
        self.store = store
        self.tools = tools
        self.artworkDirectory = artworkDirectory
        self.musicnn = musicnn
    }

    /// musicnn from the weights `Musicnn.locate()` finds, nil when none are installed.
    /// - Throws: `AudioError.checkpoint` when weights are there but unreadable or corrupt.
    public static func installedMusicnn() throws(AudioError) -> Musicnn? {
        guard let directory = Musicnn.locate() else { return nil }
        return try Musicnn(directory: directory)
    }

    /// The folder for embedded covers inside a data folder.
    public static func artworkDirectory(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent("library-art")
    }

    /// Where a track's embedded cover is (or would be) kept: named after its content hash, so the
    /// same file under two paths has one cover.
    public static func coverPath(_ track: LibraryTrack, in directory: String) -> String {
        (directory as NSString).appendingPathComponent("\(track.contentHash).png")
    }

    /// What `add` did.
    public struct Report: Sendable, Equatable, Codable {
        public var added = 0
        public var duplicates = 0
        public var analyzed = 0
        public var failed: [String: String] = [:]
        public var skipped: [String] = []
        /// Embedded covers extracted by this run.
        public var covers = 0
    }

    /// The audio files under `paths` (folders are walked recursively), sorted.
    public static func audioFiles(_ paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            if !isDirectory.boolValue {
                files.append(path)
                continue
            }
            let walker = FileManager.default.enumerator(atPath: path)
            while let relative = walker?.nextObject() as? String {
                let ext = (relative as NSString).pathExtension.lowercased()
                if extensions.contains(ext) { files.append((path as NSString).appendingPathComponent(relative)) }
            }
        }
        return (files.sorted(), missing)
    }

    /// A content hash: two 64-bit FNV-1a lanes over the bytes, plus the size.
    public static func contentHash(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw AudioError.analysisFailed("\(path): cannot read") }
        defer { try? handle.close() }
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { raw in
                for byte in raw {
                    a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
                    b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9e37
                }
            }
            size += chunk.count
        }
        return String(format: "%016llx%016llx-%llx", a, b, UInt64(size))
    }

    /// Adds and analyses the files under `paths`.
    /// - Parameter progress: called with (files done, files to analyse) as analyses finish.
    public func add(_ paths: [String], progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Report {
        var report = Report()
        let (files, missing) = Self.audioFiles(paths)
        report.skipped = missing.map { "\($0): no such file or folder" }
        var toAnalyze: [LibraryTrack] = []
        // Tags and content hashes on every core (ffprobe starts a process per file), then stored
        // in order, one at a time.
        final class Probes: @unchecked Sendable {
            var values: [Result<(AudioTags, String), any Error>?]
            let lock = NSLock()
            init(_ n: Int) { values = Array(repeating: nil, count: n) }
        }
        let probes = Probes(files.count)
        let tools = self.tools
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let probed = Result { () throws -> (AudioTags, String) in
                (try AudioTags.probe(files[i], tools: tools), try Self.contentHash(files[i]))
            }
            probes.lock.withLock { probes.values[i] = probed }
        }
        for (file, probed) in zip(files, probes.values) {
            do {
                guard let (tags, hash) = try probed?.get() else { continue }
                let candidate = LibraryTrack(
                    path: file, contentHash: hash, artist: tags.artist, title: tags.title,
                    album: tags.album, trackNumber: tags.trackNumber, durationSeconds: tags.durationSeconds)
                let (stored, isNew) = try store.add(candidate)
                if isNew { report.added += 1 } else { report.duplicates += 1 }
                if tags.hasCoverArt, let directory = artworkDirectory {
                    let cover = Self.coverPath(stored, in: directory)
                    if !FileManager.default.fileExists(atPath: cover) {
                        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                        if try CoverArt(tools: tools).extract(from: file, to: cover) { report.covers += 1 }
                    }
                }
                let stale = stored.analysisVersion != AudioAnalysis.version || stored.status == .failed
                    || (musicnn != nil && stored.embedding == nil)
                if stale && !toAnalyze.contains(where: { $0.id == stored.id }) { toAnalyze.append(stored) }
            } catch {
                report.failed[file] = "\(error)"
            }
        }
        let results = analyze(toAnalyze, progress: progress)
        for (track, error) in zip(toAnalyze, results) {
            if let error { report.failed[track.path] = error } else { report.analyzed += 1 }
        }
        return report
    }

    /// Analyses tracks on every core; returns an error message per track (nil when it succeeded).
    func analyze(_ tracks: [LibraryTrack], progress: @Sendable (Int, Int) -> Void) -> [String?] {
        final class Results: @unchecked Sendable {
            var errors: [String?]
            var done = 0
            let lock = NSLock()
            init(_ n: Int) { errors = Array(repeating: nil, count: n) }
        }
        let results = Results(tracks.count)
        let store = self.store
        let decoder = AnalysisDecoder(tools: tools)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let musicnn = self.musicnn
        // One file per core: sgemm on one thread each (a lone file gets every core).
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if musicnn != nil { Musicnn.setBLASThreads(tracks.count >= cores ? 1 : cores) }
        DispatchQueue.concurrentPerform(iterations: tracks.count) { i in
            let track = tracks[i]
            var message: String?
            do {
                // A file whose tags already say it is too long is not decoded at all.
                if track.durationSeconds > decoder.maximumSeconds {
                    throw MediaError.audioRejected(
                        "\(track.path): \(AnalysisDecoder.clock(track.durationSeconds)) long, longer than "
                            + "\(AnalysisDecoder.clock(decoder.maximumSeconds)), the longest audio Segue analyses (a mix or an audiobook?)")
                }
                try store.setStatus(id: track.id, .decoding, error: nil)
                // One ffmpeg run for both rates.
                let (samples, sixteen) = try decoder.decode(track.path, musicnn: musicnn != nil)
                try store.setStatus(id: track.id, .analyzing, error: nil)
                let analysis = try AudioAnalysis(samples: samples, musicnn: musicnn.flatMap { model in sixteen.map { (model, $0) } })
                let json = String(decoding: try encoder.encode(analysis), as: UTF8.self)
                try store.saveAnalysis(
                    id: track.id, version: AudioAnalysis.version, json: json, embedding: analysis.musicnn?.embedding,
                    tagScores: analysis.musicnn?.tags)
            } catch {
                // Every reason names its file (ffmpeg's already do).
                let reason = "\(error)"
                message = reason.contains(track.path) ? reason : "\(track.path): \(reason)"
                try? store.setStatus(id: track.id, .failed, error: message)
            }
            results.lock.lock()
            results.errors[i] = message
            results.done += 1
            let done = results.done
            results.lock.unlock()
            progress(done, tracks.count)
        }
        return results.errors
    }
}
