import Foundation
import SegueModel
import SegueStore

/// Imports Spotify data exports (extended streaming history and account data) into a play store.
///
/// The source-specific parts are "which files" (`HistorySource`) and "one record" (`SpotifyRecord`);
/// this type owns the rest: parsing files ahead on another thread while the store writes, counting
/// every record, and running the whole import as one transaction.
public struct SpotifyHistoryImporter: Sendable {
    public var limits: ImportLimits

    public init(limits: ImportLimits = ImportLimits()) {
        self.limits = limits
    }

    /// One file, parsed: its plays in file order and what was rejected.
    struct ParsedFile: Sendable {
        var name: String
        var format: String
        var records: Int
        var batch: PlayBatch
        var plays: [Play] { batch.plays }
        var rejections: [String: Int]
        var examples: [RejectedRecord]
        var rejected: Int
    }

    /// Parses one history file's bytes. Returns nil when the content is not streaming history and
    /// `required` is false (a file found by walking a folder or an archive).
    static func parse(_ bytes: [UInt8], name: String, required: Bool) throws -> ParsedFile? {
        try bytes.withUnsafeBufferPointer { try parse($0, name: name, required: required) }
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, name: String, required: Bool) throws -> ParsedFile? {
        do {
            var scanner = JSONScanner(buffer, file: name)
            var plays: [Play] = []
            var rejections: [String: Int] = [:]
            var examples: [RejectedRecord] = []
            var rejected = 0
            var format: String?
            plays.reserveCapacity(buffer.count / 400)
            let records: Int
            do {
                records = try scanner.forEachRecord { s, index in
                    let record = try SpotifyRecord.read(&s)
                    if format == nil {
                        if record.hasExtendedKeys {
                            format = "extended"
                        } else if record.hasAccountKeys {
                            format = "account"
                        } else {
                            throw ImportError.wrongShape(
                                file: name, record: index,
                                reason: "neither extended history (ts, ms_played) nor account data (endTime, msPlayed)")
                        }
                    }
                    switch record.play() {
                    case .success(let play): plays.append(play)
                    case .failure(let rejection):
                        rejected += 1
                        rejections[rejection.reason, default: 0] += 1
                        if examples.count < 20 { examples.append(RejectedRecord(record: index, reason: rejection.reason)) }
                    }
                }
            } catch let error as ImportError {
                // A file found by walking that is not history is left alone; one that claims to be is an error.
                if !required, format == nil { return nil }
                throw error
            }
            return ParsedFile(
                name: name, format: format ?? "empty", records: records, batch: PlayBatch(plays), rejections: rejections,
                examples: examples, rejected: rejected)
        }
    }

    /// Imports everything under `paths` into `profile`, all or nothing.
    ///
    /// - Parameter progress: called after each file with the files done and the total.
    /// - Throws: `ImportError` naming the file (and offset or record) at fault; the store is unchanged.
    public func run(
        paths: [String], store: any PlayStore, profile: Profile,
        progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> ImportReport {
        var report = ImportReport()
        var files: [HistoryFile] = []
        let source = HistorySource(limits: limits)
        for path in paths { files += try source.files(at: path, skipped: &report.skipped) }

        let limits = self.limits
        let loader = ParseAhead(files: files, limits: limits)
        defer { loader.cancel() }
        try store.importPlays(into: profile) { sink in
            for index in files.indices {
                guard let parsed = try loader.result(index) else {
                    report.skipped.append(SkippedFile(file: files[index].name, reason: "not listening history"))
                    progress(index + 1, files.count)
                    continue
                }
                var counts = ImportCounts()
                counts.records = parsed.records
                counts.rejected = parsed.rejected
                counts.rejections = parsed.rejections
                let isNew = try sink.add(parsed.batch)
                for (play, new) in zip(parsed.batch.plays, isNew) {
                    guard new else {
                        counts.duplicates += 1
                        continue
                    }
                    switch play.kind {
                    case .music:
                        counts.musicPlays += 1
                        if play.msPlayed < streamThresholdMilliseconds { counts.shortPlays += 1 }
                    case .episode: counts.episodes += 1
                    case .audiobookChapter: counts.audiobookChapters += 1
                    }
                }
                report.files.append(
                    FileImportReport(file: parsed.name, format: parsed.format, counts: counts, examples: parsed.examples))
                report.total.add(counts)
                progress(index + 1, files.count)
            }
        }
        if report.files.isEmpty, let first = paths.first, paths.count == 1 {
            throw ImportError.noHistoryFound(path: first)
        }
        return report
    }
}

/// Loads and parses the next file on a background thread while the caller stores the current one:
/// on two cores the JSON scan and the database write overlap.
final class ParseAhead: @unchecked Sendable {
    private let files: [HistoryFile]
    private let limits: ImportLimits
    private let lock = NSCondition()
    private var results: [Int: Result<SpotifyHistoryImporter.ParsedFile?, any Error>] = [:]
    private var next = 0
    private var consumed = 0
    private var loadedBytes = 0
    private var started = false
    private var cancelled = false
    /// How many parsed files may wait for the consumer (bounds memory to a few files).
    private let lookahead = 2

    init(files: [HistoryFile], limits: ImportLimits) {
        self.files = files
        self.limits = limits
    }

    /// The parse of file `index` (files must be asked for in order).
    func result(_ index: Int) throws -> SpotifyHistoryImporter.ParsedFile? {
        lock.lock()
        if !started {
            started = true
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 22
            thread.start()
        }
        while results[index] == nil { lock.wait() }
        let r = results.removeValue(forKey: index)!
        consumed = index + 1
        lock.broadcast()
        lock.unlock()
        return try r.get()
    }

    /// Stops the background parse (after an error or when the import is done).
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }

    private func work() {
        while true {
            lock.lock()
            while !cancelled && next < files.count && next - consumed >= lookahead { lock.wait() }
            guard !cancelled, next < files.count else {
                lock.unlock()
                return
            }
            let index = next
            next += 1
            lock.unlock()
            let file = files[index]
            let outcome = Result { () throws -> SpotifyHistoryImporter.ParsedFile? in
                let bytes = try file.load()
                lock.lock()
                loadedBytes += bytes.count
                let total = loadedBytes
                lock.unlock()
                if total > limits.maxTotalBytes {
                    throw ImportError.archiveTooLarge(archive: file.name, limit: limits.maxTotalBytes)
                }
                return try bytes.withBuffer {
                    try SpotifyHistoryImporter.parse($0, name: file.name, required: file.role == .history)
                }
            }
            lock.lock()
            results[index] = outcome
            lock.broadcast()
            lock.unlock()
            if case .failure = outcome { return }
        }
    }
}
