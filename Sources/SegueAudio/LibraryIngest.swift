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
    /// The decoder the analysis uses (nil: `AnalysisDecoder(tools: tools)`, ffmpeg then libsndfile).
    public var decoder: AnalysisDecoder?

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
        /// Each file that failed, by path: one short sentence naming the file, for people.
        public var failed: [String: String] = [:]
        public var skipped: [String] = []
        /// Embedded covers extracted by this run.
        public var covers = 0
        /// The full story behind each failure and each cover that was not read, by path (tool
        /// logs, for the server log and `--verbose`); nil in reports written before it existed.
        public var details: [String: String]?

        /// Records `error` for `path`: the short sentence in `failed`, the detail in `details`.
        mutating func fail(_ path: String, _ error: any Error) {
            failed[path] = LibraryIngest.summary(of: error, path: path)
            note(path, "\(error)")
        }

        /// Adds `detail` to the details of `path`.
        public mutating func note(_ path: String, _ detail: String) {
            var all = details ?? [:]
            all[path] = all[path].map { $0 + "\n" + detail } ?? detail
            details = all
        }
    }

    /// One short sentence about `error` naming the file at `path` (by its name).
    public static func summary(of error: any Error, path: String) -> String {
        let name = (path as NSString).lastPathComponent
        if let error = error as? MediaError { return error.summary(file: name) }
        if let error = error as? AudioError { return "\(name) could not be analysed: \(error)".replacingOccurrences(of: path, with: name) }
        return "\(name) could not be added to the library."
    }

    /// Tags of `path` from ffprobe, or when ffprobe refuses the file (but its content is an accepted
    /// container), from the second decoder, libsndfile.
    static func probeTags(_ path: String, tools: FFmpegTools) throws -> AudioTags {
        do {
            return try AudioTags.probe(path, tools: tools)
        } catch .probeFailed(let why) {
            guard let info = try? SndfileDecoder().info(path) else { throw MediaError.probeFailed(why) }
            return AudioTags(
                durationSeconds: info.durationSeconds, artist: info.artist, title: info.title, album: info.album,
                trackNumber: info.trackNumber, hasCoverArt: false, container: try? AudioSniffer.sniff(file: path), codec: nil)
        }
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
                (try Self.probeTags(files[i], tools: tools), try Self.contentHash(files[i]))
            }
            probes.lock.withLock { probes.values[i] = probed }
        }
        for (file, probed) in zip(files, probes.values) {
            do {
                guard let probed else { continue }
                let tags: AudioTags
                let hash: String
                switch probed {
                case .success(let value): (tags, hash) = value
                case .failure(let error):
                    // Not readable as audio: still listed, as a failed track with its reason.
                    report.fail(file, error)
                    let candidate = LibraryTrack(path: file, contentHash: try Self.contentHash(file))
                    let (stored, isNew) = try store.add(candidate)
                    if isNew { report.added += 1 } else { report.duplicates += 1 }
                    if stored.status != .done { try store.setStatus(id: stored.id, .failed, error: report.failed[file]) }
                    continue
                }
                let candidate = LibraryTrack(
                    path: file, contentHash: hash, artist: tags.artist, title: tags.title,
                    album: tags.album, trackNumber: tags.trackNumber, durationSeconds: tags.durationSeconds, isrc: tags.isrc,
                    recordingMBID: tags.recordingMBID)
                let (stored, isNew) = try store.add(candidate)
                if isNew { report.added += 1 } else { report.duplicates += 1 }
                if tags.hasCoverArt, let directory = artworkDirectory {
                    let cover = Self.coverPath(stored, in: directory)
                    if !FileManager.default.fileExists(atPath: cover) {
                        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                        // A cover that cannot be read (too large, damaged) leaves the track without one.
                        do {
                            if try CoverArt(tools: tools).extract(from: file, to: cover) { report.covers += 1 }
                        } catch {
                            report.note(file, "cover not read: \(error)")
                        }
                    }
                }
                let stale =
                    stored.analysisVersion != AudioAnalysis.version || stored.status == .failed
                    || (musicnn != nil && stored.embedding == nil)
                if stale && !toAnalyze.contains(where: { $0.id == stored.id }) { toAnalyze.append(stored) }
            } catch {
                if report.failed[file] == nil { report.fail(file, error) }
            }
        }
        let results = analyze(toAnalyze, progress: progress)
        for (track, outcome) in zip(toAnalyze, results) {
            if let (summary, detail) = outcome {
                report.failed[track.path] = summary
                report.note(track.path, detail)
            } else {
                report.analyzed += 1
            }
        }
        return report
    }

    /// Analyses tracks on every core; returns per track nil when it succeeded, or a short message
    /// naming the file (also stored as the track's error) and the full detail.
    func analyze(_ tracks: [LibraryTrack], progress: @Sendable (Int, Int) -> Void) -> [(String, String)?] {
        final class Results: @unchecked Sendable {
            var errors: [(String, String)?]
            var done = 0
            let lock = NSLock()
            init(_ n: Int) { errors = Array(repeating: nil, count: n) }
        }
        let results = Results(tracks.count)
        let store = self.store
        let decoder = self.decoder ?? AnalysisDecoder(tools: tools)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let musicnn = self.musicnn
        // One file per core: sgemm on one thread each (a lone file gets every core).
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if musicnn != nil { Musicnn.setBLASThreads(tracks.count >= cores ? 1 : cores) }
        DispatchQueue.concurrentPerform(iterations: tracks.count) { i in
            let track = tracks[i]
            var message: (String, String)?
            do {
                // A file whose tags already say it is too long is not decoded at all.
                if track.durationSeconds > decoder.maximumSeconds {
                    throw MediaError.audioRejected(
                        "\((track.path as NSString).lastPathComponent): \(AnalysisDecoder.clock(track.durationSeconds)) long, longer than "
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
                // A short sentence naming the file for people; the tool's log for the detail.
                let summary = Self.summary(of: error, path: track.path)
                let detail = "\(error)"
                message = (summary, detail.contains(track.path) ? detail : "\(track.path): \(detail)")
                try? store.setStatus(id: track.id, .failed, error: summary)
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
