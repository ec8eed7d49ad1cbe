import ArgumentParser
import Foundation
import SegueAudio
import SegueLibrary
import SegueMedia
import SegueModel
import SegueServer
import SegueStore

/// `segue library add|list|show`: the music library and its analysis.
struct LibraryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library", abstract: "Add audio files and folders, and see what analysis found.",
        subcommands: [Add.self, List.self, Show.self])

    static func open(_ store: StoreOptions, _ database: DatabaseOptions) throws -> any LibraryStore {
        try database.openLibrary(store)
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add files or folders (recursively) and analyse them.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "text or json.") var format: ImportCommand.ReportFormat = .text
        @Flag(help: "Queue the files for running workers (`segue worker`, `segue serve`) instead of analysing here.")
        var queue = false
        @Option(help: "With --queue: files per job (each job analyses its files on all of a worker's cores).")
        var filesPerJob = 8
        @Flag(help: "Print the full reason behind each failure (the decoder's messages).")
        var verbose = false
        @Argument(help: "Audio files or folders.") var paths: [String]

        func validate() throws {
            guard (1...1000).contains(filesPerJob) else { throw ValidationError("--files-per-job must be 1 to 1000") }
        }

        func run() throws {
            if queue { return try enqueue() }
            let ingest = LibraryIngest(
                store: try LibraryCommand.open(store, database), tools: try FFmpegTools.locate(),
                artworkDirectory: LibraryIngest.artworkDirectory(inDataDirectory: store.dataDirectory),
                musicnn: try LibraryIngest.installedMusicnn())
            let showProgress = format == .text && isatty(2) != 0
            let report = try ingest.add(paths) { done, total in
                if showProgress {
                    let width = 30
                    let filled = total > 0 ? width * done / total : width
                    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                    FileHandle.standardError.write(Data("\ranalysing \(bar) \(done)/\(total)".utf8))
                }
            }
            if showProgress { printError("") }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(
                    "Added \(report.added), duplicates \(report.duplicates), analysed \(report.analyzed), "
                        + "covers \(report.covers), failed \(report.failed.count).")
                for (file, error) in report.failed.sorted(by: { $0.key < $1.key }) {
                    printError("failed: \(error)")
                    if verbose, let detail = report.details?[file] { printError("  \(file): \(detail)") }
                }
                if verbose {
                    for (file, detail) in (report.details ?? [:]).sorted(by: { $0.key < $1.key }) where report.failed[file] == nil {
                        printError("note: \(file): \(detail)")
                    }
                }
                for s in report.skipped { printError("skipped: \(s)") }
            }
            if !report.failed.isEmpty || !report.skipped.isEmpty { throw ExitCode(1) }
        }

        private func enqueue() throws {
            let (jobs, files, missing) = try AnalyzeParameters.enqueue(
                paths: paths, filesPerJob: filesPerJob, on: try database.openJobs(dataDirectory: store.dataDirectory))
            if format == .json {
                let rows: [[String: Any]] = jobs.map { ["id": $0.id, "kind": $0.kind, "state": $0.state.rawValue] }
                let body: [String: Any] = ["jobs": rows, "files": files, "missing": missing]
                print(String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
            } else {
                print("Queued \(files) file(s) in \(jobs.count) job(s) for the workers of \(database.describe(store)).")
                for job in jobs { print(job.id) }
            }
            for m in missing { printError("skipped: \(m): no such file or folder") }
            if !missing.isEmpty { throw ExitCode(1) }
        }
    }

    /// The per-track summary other tools read: `tags` are musicnn's five highest-scoring MSD tags
    /// (empty without the weights); the full form adds every descriptor, `tag_scores` and `embedding`.
    static func summary(_ t: LibraryTrack, full: Bool) -> [String: Any] {
        let scores = t.tagScores.flatMap { $0.count == Musicnn.msdTags.count ? Array(zip(Musicnn.msdTags, $0)) : nil } ?? []
        var row: [String: Any] = [
            "id": t.id, "path": t.path, "duration_s": t.durationSeconds, "status": t.status.rawValue,
            "tags": scores.sorted { $0.1 > $1.1 }.prefix(5).map(\.0),
        ]
        if full, let embedding = t.embedding {
            row["embedding"] = embedding.map(Double.init)
            row["tag_scores"] = Dictionary(uniqueKeysWithValues: scores.map { ($0.0, Double($0.1)) })
        }
        row["artist"] = t.artist
        row["title"] = t.title
        row["album"] = t.album
        row["isrc"] = t.isrc
        row["recording_mbid"] = t.recordingMBID
        row["error"] = t.error
        if let a = t.analysis {
            row["bpm"] = a.tempo.bpm
            row["bpm_confidence"] = a.tempo.confidence
            row["key"] = a.key.name
            row["camelot"] = a.key.camelot
            row["loudness_lufs"] = a.loudness.integratedLUFS
            row["energy"] = a.energy.energy
            if full {
                row["analysis_version"] = a.version
                row["descriptors"] = Dictionary(uniqueKeysWithValues: zip(AudioAnalysis.featureNames, a.featureVector))
                row["analysis"] = t.analysisJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
            }
        }
        return row
    }

    /// `2024-05-06` (UTC).
    static func day(_ t: Int64) -> String {
        var seconds = time_t(t)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }

    static func printJSON(_ value: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: data, as: UTF8.self))
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the library.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "text or json.") var format: ImportCommand.ReportFormat = .text

        func run() throws {
            let tracks = try LibraryCommand.open(store, database).tracks()
            // Each file's plays in the profile's listening history (matched by ISRC or recording MBID, else by names).
            let plays = try database.openStore(store)
            let index = try plays.existingProfile(named: store.profile).map { ListeningIndex(try plays.musicColumns(profile: $0)) }
            func listening(_ t: LibraryTrack) -> TrackListening? {
                index?.listening(artist: t.artist, title: t.title, album: t.album, isrc: t.isrc, mbid: t.recordingMBID)
            }
            func withListening(_ t: LibraryTrack) -> [String: Any] {
                var row = LibraryCommand.summary(t, full: false)
                let l = listening(t)
                row["plays"] = l?.plays ?? 0
                if let l { row["last_played"] = LibraryCommand.day(l.lastPlayed) }
                return row
            }
            if format == .json { return try LibraryCommand.printJSON(tracks.map(withListening)) }
            let rows = tracks.map { t -> [String] in
                let s = withListening(t)
                // Tags and titles come from the files: shown with control characters escaped.
                return [
                    String(t.id), TerminalText.escape(t.artist ?? "–"), TerminalText.escape(t.title ?? (t.path as NSString).lastPathComponent),
                    (s["bpm"] as? Float).map { String(format: "%.1f", $0) } ?? "", (s["camelot"] as? String) ?? "",
                    (s["loudness_lufs"] as? Double).map { String(format: "%.1f", $0) } ?? "",
                    String(s["plays"] as? Int ?? 0), (s["last_played"] as? String) ?? "", t.status.rawValue,
                    TerminalText.escape(((s["tags"] as? [String]) ?? []).prefix(3).joined(separator: ", ")),
                    // One line: a stored reason is one sentence, but older ones held tool logs.
                    TerminalText.escape(String((t.error ?? "").split(whereSeparator: \.isNewline).first ?? "").prefix(120).description),
                ]
            }
            print(
                TextTable.render(
                    header: ["#", "Artist", "Title", "BPM", "Key", "LUFS", "Plays", "Last played", "Status", "Tags", "Reason"], rows: rows,
                    rightAligned: [0, 3, 5, 6]),
                terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every descriptor of one track (by id).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "json (default: every descriptor, tag scores, embedding) or text (a summary).")
        var format: ImportCommand.ReportFormat = .json
        @Argument(help: "Track id.") var id: Int64

        func run() throws {
            guard let track = try LibraryCommand.open(store, database).track(id: id) else {
                printError("error: no track \(id) in the library")
                throw ExitCode(1)
            }
            let summary = LibraryCommand.summary(track, full: true)
            guard format == .text else { return try LibraryCommand.printJSON(summary) }
            print(
                "\(TerminalText.escape(track.artist ?? "–")) – \(TerminalText.escape(track.title ?? (track.path as NSString).lastPathComponent))  [\(track.status.rawValue)]"
            )
            for key in ["bpm", "key", "camelot", "loudness_lufs", "energy"] { if let v = summary[key] { print("\(key): \(v)") } }
            if let scores = summary["tag_scores"] as? [String: Double] {
                let top = scores.sorted { $0.value > $1.value }.prefix(10).map { String(format: "%@ %.2f", $0.key, $0.value) }
                print("tags: " + top.joined(separator: ", "))
            }
        }
    }
}
