import Foundation
import SegueModel
import SegueStore

/// Imports listening histories into a play store: Spotify data exports (extended streaming history
/// and account data), and the listens of Last.fm, ListenBrainz, Apple Music and YouTube Music
/// exports, each file recognised by its content (`HistoryFormat.sniff`).
///
/// The source-specific parts are "which files" (`HistorySource`) and "one record" (`SpotifyRecord`,
/// or a reader under `Histories/` that turns a file into `Listen`s);
/// this type owns the rest: parsing files ahead on another thread while the store writes, counting
/// every record, and running the whole import as one transaction.
public struct HistoryImporter: Sendable {
    public var limits: ImportLimits
    /// Threads that parse files while the store writes (one per core, up to four, by default).
    public var parseThreads: Int
    /// Plays in the first chunk handed to the store while a file is still being parsed (later
    /// chunks of the file grow fourfold each).
    public var chunkSize: Int

    /// Seconds since 1970 (injected for tests): listens dated later than a day after it are rejected.
    public var now: Int64

    public init(
        limits: ImportLimits = ImportLimits(), parseThreads: Int = ParseAhead.defaultWorkers,
        chunkSize: Int = ParseAhead.defaultChunkSize, now: Int64 = Int64(Date().timeIntervalSince1970)
    ) {
        self.now = now
        self.limits = limits
        self.parseThreads = parseThreads
        self.chunkSize = max(1, chunkSize)
    }

    /// One file, parsed: its plays in file order and what was rejected.
    struct ParsedFile: Sendable {
        var name: String
        var format: String
        var records: Int
        var batch: PlayBatch
        /// The plays, rebuilt from the batch (for tests).
        var plays: [Play] { batch.plays }
        var rejections: [String: Int]
        var examples: [RejectedRecord]
        var rejected: Int
        /// Invalid ISRCs and recording MBIDs dropped from kept records.
        var droppedIdentifiers = 0
    }

    /// Parses one history file's bytes. Returns nil when the content is not streaming history and
    /// `required` is false (a file found by walking a folder or an archive).
    static func parse(_ bytes: [UInt8], name: String, required: Bool) throws -> ParsedFile? {
        try bytes.withUnsafeBufferPointer { try parse($0, name: name, required: required, strings: StringInterner()) }
    }

    /// - Parameter emit: when given, receives the plays in chunks as they are parsed (the writer
    ///   starts on a file before its parse ends): `chunkSize` plays, then four times as many each
    ///   time; the returned batch holds the rest.
    static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, name: String, required: Bool, strings: StringInterner,
        chunkSize: Int = .max, emit: ((PlayBatch) -> Void)? = nil
    ) throws -> ParsedFile? {
        do {
            var scanner = JSONScanner(buffer, file: name)
            var builder = BatchBuilder(strings: strings)
            var rejections: [String: Int] = [:]
            var examples: [RejectedRecord] = []
            var rejected = 0
            var format: String?
            builder.batch.reserveCapacity(min(chunkSize, buffer.count / 400))
            var limit = chunkSize
            let records: Int
            do {
                records = try scanner.forEachRecord { s, index in
                    let record = try SpotifyRecord.read(&s, strings: strings)
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
                    case .success(let play):
                        builder.append(play)
                        if let emit, builder.batch.count >= limit {
                            emit(builder.take())
                            // Later chunks grow: the first one gets the writer going, larger ones
                            // resolve each distinct track fewer times.
                            limit = limit > Int.max / 4 ? Int.max : limit * 4
                        }
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
                name: name, format: format ?? "empty", records: records, batch: builder.batch, rejections: rejections,
                examples: examples, rejected: rejected)
        }
    }

    /// Builds a file's `PlayBatch` from interned records: items keyed by interned ids, words mapped
    /// from interner ids to batch indexes through an array.
    struct BatchBuilder {
        var batch = PlayBatch()
        let strings: StringInterner
        private var items: [StringInterner.ItemKey: Int32] = [:]
        /// Interner id → batch word index + 1 (0: not in the batch yet).
        private var wordOf: [Int32] = []

        init(strings: StringInterner) {
            self.strings = strings
            batch.tokenSource = strings.itemTokenSource
        }

        private func text(_ id: Int32) -> String? { id == StringInterner.none ? nil : strings[id] }

        /// The batch so far; the builder starts a new one.
        mutating func take() -> PlayBatch {
            let full = batch
            batch = PlayBatch()
            batch.tokenSource = strings.itemTokenSource
            batch.reserveCapacity(full.count)
            items.removeAll(keepingCapacity: true)
            for i in wordOf.indices where wordOf[i] != 0 { wordOf[i] = 0 }
            return full
        }

        mutating func word(_ id: Int32) -> Int32 {
            guard id != StringInterner.none else { return PlayBatch.noWord }
            let i = Int(id)
            if i >= wordOf.count { wordOf.append(contentsOf: repeatElement(0, count: i + 256 - wordOf.count)) }
            let known = wordOf[i]
            if known != 0 { return known - 1 }
            let index = batch.addWord(strings[id])
            wordOf[i] = index + 1
            return index
        }

        mutating func append(_ p: SpotifyRecord.RecordPlay) {
            // The item is its URI when known, else creator and title (as `Play.itemKey`), under the
            // names this record gives it: each variant of a track's names is an item of its own.
            let key = StringInterner.ItemKey(
                kindAndURI: UInt64(p.kind.rawValue) << 62 | UInt64(UInt32(bitPattern: p.uri)), title: p.title,
                creator: p.creator, album: p.album)
            let item: Int32
            if let known = items[key] {
                item = known
            } else {
                item = batch.addItem(
                    PlayBatch.Item(
                        kind: p.kind, title: text(p.title) ?? "", creator: text(p.creator) ?? "", album: text(p.album),
                        uri: text(p.uri)),
                    token: strings.itemToken(key))
                items[key] = item
            }
            batch.append(
                item: item, endTime: p.endTime, milliseconds: p.msPlayed, reasonStart: word(p.reasonStart),
                reasonEnd: word(p.reasonEnd), platform: word(p.platform), country: word(p.country), flags: p.flags,
                offlineTimestamp: p.offlineTimestamp)
        }
    }

    /// Imports everything under `paths` into `profile`, all or nothing (`start(paths:)`, then
    /// `StartedImport.run`).
    ///
    /// - Parameters:
    ///   - progress: called after each file with the files done and the total.
    ///   - isCancelled: asked before each chunk of plays is stored; when it says yes the import
    ///     stops with `ImportError.cancelled` and the store is unchanged.
    /// - Throws: `ImportError` naming the file (and offset or record) at fault; the store is unchanged.
    public func run(
        paths: [String], store: any PlayStore, profile: Profile,
        progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in },
        isCancelled: @Sendable () -> Bool = { false }
    ) throws -> ImportReport {
        try start(paths: paths).run(store: store, profile: profile, progress: progress, isCancelled: isCancelled)
    }

    /// Finds the history files under `paths` and starts parsing them on background threads at once,
    /// so a caller can open its store (create, migrate) while the first chunks are parsed.
    ///
    /// - Throws: `ImportError` for a path that is missing or is not a ZIP, a folder or JSON, or an
    ///   archive that is unsafe or too large (nothing is parsed then).
    public func start(paths: [String]) throws -> StartedImport {
        var skipped: [SkippedFile] = []
        var files: [HistoryFile] = []
        let source = HistorySource(limits: limits)
        for path in paths { files += try source.files(at: path, skipped: &skipped) }
        let loader = ParseAhead(files: files, limits: limits, workers: parseThreads, chunkSize: chunkSize, now: now)
        loader.start()
        return StartedImport(paths: paths, files: files, skipped: skipped, loader: loader)
    }
}

/// An import whose files are found and being parsed, waiting for a store (`run`). Dropping it
/// without running stops the parse.
public final class StartedImport {
    private let paths: [String]
    private let files: [HistoryFile]
    private let skipped: [SkippedFile]
    private let loader: ParseAhead
    private var ran = false

    init(paths: [String], files: [HistoryFile], skipped: [SkippedFile], loader: ParseAhead) {
        self.paths = paths
        self.files = files
        self.skipped = skipped
        self.loader = loader
    }

    deinit { loader.cancel() }

    /// Stores the parsed files into `profile`, all or nothing (once per started import).
    ///
    /// - Parameters:
    ///   - progress: called after each file with the files done and the total.
    ///   - isCancelled: asked before each chunk of plays is stored; when it says yes the import
    ///     stops with `ImportError.cancelled` and the store is unchanged.
    /// - Throws: `ImportError` naming the file (and offset or record) at fault; the store is unchanged.
    public func run(
        store: any PlayStore, profile: Profile,
        progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in },
        isCancelled: @Sendable () -> Bool = { false }
    ) throws -> ImportReport {
        precondition(!ran, "a started import runs once")
        ran = true
        var report = ImportReport()
        report.skipped = skipped
        // Plays per source in the charts before, to tell afterwards how many stored plays were
        // found to be one listen with a play from another source.
        let before = try store.musicColumns(profile: profile).playsBySource()
        var added: [UInt8: Int] = [:]
        let files = self.files
        let loader = self.loader
        defer { loader.cancel() }
        try store.importPlays(into: profile) { sink in
            for index in files.indices {
                var counts = ImportCounts()
                func store(_ batch: PlayBatch) throws {
                    if isCancelled() { throw ImportError.cancelled }
                    let isNew = try sink.add(batch)
                    let kinds = batch.itemKinds
                    for i in 0..<batch.count {
                        guard isNew[i] else {
                            counts.duplicates += 1
                            continue
                        }
                        switch kinds[Int(batch.itemOfPlay[i])] {
                        case .music:
                            counts.musicPlays += 1
                            added[batch.sources[i], default: 0] += 1
                            let ms = Int(batch.milliseconds[i])
                            if ms >= 0 && ms < streamThresholdMilliseconds { counts.shortPlays += 1 }
                            if ms < 0 { counts.withoutLength += 1 }
                        case .episode: counts.episodes += 1
                        case .audiobookChapter: counts.audiobookChapters += 1
                        }
                    }
                }
                guard let parsed = try loader.result(index, chunk: store) else {
                    report.skipped.append(SkippedFile(file: files[index].name, reason: "not listening history"))
                    progress(index + 1, files.count)
                    continue
                }
                try store(parsed.batch)
                counts.records = parsed.records
                counts.rejected = parsed.rejected
                counts.rejections = parsed.rejections
                counts.droppedIdentifiers = parsed.droppedIdentifiers
                report.files.append(
                    FileImportReport(file: parsed.name, format: parsed.format, counts: counts, examples: parsed.examples))
                report.total.add(counts)
                progress(index + 1, files.count)
            }
        }
        if report.files.isEmpty, let first = paths.first, paths.count == 1 {
            throw ImportError.noHistoryFound(path: first)
        }
        if !added.isEmpty {
            let after = try store.musicColumns(profile: profile).playsBySource()
            for source in PlaySource.allCases {
                let raw = source.rawValue
                let merged = (before[raw] ?? 0) + (added[raw] ?? 0) - (after[raw] ?? 0)
                if merged > 0 { report.mergedAcrossSources[source.name] = merged }
            }
        }
        return report
    }
}

/// Loads and parses files on background threads while the caller stores them in order: the JSON
/// scan and the database write overlap, and on a machine with more than one core several files are
/// parsed at once. A file's plays reach the caller in chunks while it is still being parsed, so the
/// writer starts within a few milliseconds. Each worker interns strings in its own table (batches
/// share `String`s across that worker's files without locks).
public final class ParseAhead: @unchecked Sendable {
    private let files: [HistoryFile]
    private let limits: ImportLimits
    private let lock = NSCondition()
    /// Per file being parsed or waiting: chunks not yet taken, and the outcome once the parse ends.
    private var pending: [Int: (chunks: [PlayBatch], outcome: Result<HistoryImporter.ParsedFile?, any Error>?)] = [:]
    private var next = 0
    private var consumed = 0
    private var loadedBytes = 0
    private var started = false
    private var cancelled = false
    private let workers: Int
    /// How many files may be parsed ahead of the one the caller stores (bounds memory to a few files).
    private let lookahead: Int
    /// Plays per chunk handed over while a file is parsed.
    private let chunkSize: Int
    /// Small enough that the writer starts a few milliseconds after the parse begins.
    public static let defaultChunkSize = 1024

    /// Seconds since 1970: listens later than a day after this are rejected.
    private let now: Int64

    init(
        files: [HistoryFile], limits: ImportLimits, workers: Int = ParseAhead.defaultWorkers,
        chunkSize: Int = ParseAhead.defaultChunkSize, now: Int64 = Int64(Date().timeIntervalSince1970)
    ) {
        self.now = now
        self.files = files
        self.limits = limits
        self.chunkSize = chunkSize
        self.workers = max(1, min(workers, files.count))
        self.lookahead = self.workers + 1
    }

    /// One parsing thread per core, up to four.
    public static var defaultWorkers: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) }

    /// The parse of file `index` (files must be asked for in order); `chunk` receives the file's
    /// plays that were handed over early, in order, before this returns the rest.
    func result(
        _ index: Int, chunk: (PlayBatch) throws -> Void = { _ in }
    ) throws -> HistoryImporter.ParsedFile? {
        lock.lock()
        startLocked()
        while true {
            while pending[index]?.chunks.isEmpty ?? true && pending[index]?.outcome == nil { lock.wait() }
            let entry = pending[index]!
            if !entry.chunks.isEmpty {
                pending[index]!.chunks.removeAll()
                lock.unlock()
                do {
                    for batch in entry.chunks { try chunk(batch) }
                } catch {
                    cancel()
                    throw error
                }
                lock.lock()
                continue
            }
            pending[index] = nil
            consumed = index + 1
            lock.broadcast()
            lock.unlock()
            return try entry.outcome!.get()
        }
    }

    /// Starts the parsing threads (the first `result` does so too).
    func start() {
        lock.lock()
        startLocked()
        lock.unlock()
    }

    private func startLocked() {
        guard !started else { return }
        started = true
        for _ in 0..<workers {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 22
            thread.start()
        }
    }

    /// Stops the background parse (after an error or when the import is done).
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }

    private func work() {
        let strings = StringInterner()
        while true {
            lock.lock()
            while !cancelled && next < files.count && next - consumed >= lookahead { lock.wait() }
            guard !cancelled, next < files.count else {
                lock.unlock()
                return
            }
            let index = next
            next += 1
            pending[index] = ([], nil)
            lock.unlock()
            let file = files[index]
            let outcome = Result { () throws -> HistoryImporter.ParsedFile? in
                let bytes = try file.load()
                lock.lock()
                loadedBytes += bytes.count
                let total = loadedBytes
                lock.unlock()
                if total > limits.maxTotalBytes {
                    throw ImportError.archiveTooLarge(archive: file.name, limit: limits.maxTotalBytes)
                }
                let head = bytes.withBuffer { Array($0.prefix(HistoryFormat.sniffBytes)) }
                if let format = HistoryFormat.sniff(head), format != .spotify {
                    let listens = try HistoryFormat.parseListens(bytes, format: format, file: file.name, now: now)
                    return HistoryImporter.parsedFile(listens)
                }
                return try bytes.withBuffer {
                    try HistoryImporter.parse(
                        $0, name: file.name, required: file.role == .history, strings: strings,
                        chunkSize: chunkSize
                    ) { batch in
                        self.lock.lock()
                        self.pending[index]!.chunks.append(batch)
                        self.lock.broadcast()
                        self.lock.unlock()
                    }
                }
            }
            lock.lock()
            pending[index]!.outcome = outcome
            if case .failure = outcome { cancelled = true }
            lock.broadcast()
            lock.unlock()
        }
    }
}
