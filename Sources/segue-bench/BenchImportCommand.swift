import ArgumentParser
import Foundation
import SegueBenchSupport
import SegueImport
import SegueModel
import SegueStore
import SegueStoreSQLite

/// `segue-bench import`: Spotify import throughput against DuckDB's `read_json_auto`, and chart
/// query latency, on a generated 250,000-record extended export.
struct BenchImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import throughput vs DuckDB, and top-chart latency.")

    @Option(help: "Records in the generated export.")
    var records: Int = 250_000

    @Option(help: "Repetitions of each import (the median is reported).")
    var runs: Int = 7

    @Option(help: "Work folder (default: a temporary folder).")
    var work: String?

    @Option(help: "Python path with duckdb installed (scripts/setup.sh --bench puts it in .local/python).")
    var pythonPath: String = ".local/python"

    @Flag(help: "Do not write BENCHMARKS.md.")
    var noWrite = false

    func run() throws {
        let dir = work ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-import-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if work == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let exportDir = (dir as NSString).appendingPathComponent("export")
        print("Generating a \(records)-record extended export…")
        // No byte order mark: DuckDB's JSON reader rejects files that start with one.
        try DemoExport(seed: 7, records: records, byteOrderMark: false).writeFolder(to: exportDir)
        let historyDir = (exportDir as NSString).appendingPathComponent("Spotify Extended Streaming History")
        let audioFiles = try FileManager.default.contentsOfDirectory(atPath: historyDir)
            .filter { $0.hasPrefix("Streaming_History_Audio_") }.sorted()
            .map { (historyDir as NSString).appendingPathComponent($0) }
        let bytes = try audioFiles.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        let megabytes = Double(bytes) / 1_048_576
        print(String(format: "%d files, %.1f MB", audioFiles.count, megabytes))

        func loadAverage() -> Double {
            var l = [0.0, 0.0, 0.0]
            return getloadavg(&l, 3) > 0 ? l[0] : 0
        }
        let me = try SegueExecutable.path()
        var segueTimes: [Double] = []
        var seguePeak = 0.0
        var lastData = ""
        var duckTimes: [Double] = []
        var duckPeak = 0.0
        var duckVersion = "not installed"
        var duckRows = 0
        var duckAvailable = true
        let script = "scripts/bench_import_duckdb.py"
        // Segue and DuckDB take turns (each run a fresh process), so a change in the machine's load
        // during the benchmark falls on both alike.
        for r in 0..<runs {
            let data = (dir as NSString).appendingPathComponent("segue-\(r)")
            try? FileManager.default.removeItem(atPath: data)
            let run = try ChildRun.run(me, ["import", "--data", data, "--format", "json"] + audioFiles)
            guard run.status == 0 else { throw ValidationError("segue import failed (exit \(run.status))") }
            segueTimes.append(run.seconds)
            seguePeak = max(seguePeak, run.peakMiB)
            lastData = data
            print(String(format: "segue import run %d: %.3f s", r + 1, run.seconds))

            // DuckDB anchor, same files, into a database file.
            guard duckAvailable else { continue }
            let db = (dir as NSString).appendingPathComponent("duck-\(r).duckdb")
            let duck = try ChildRun.run(
                "/usr/bin/env", ["python3", script, db, historyDir],
                environment: ["PYTHONPATH": pythonPath])
            guard duck.status == 0,
                let json = try? JSONSerialization.jsonObject(with: Data(duck.output.utf8)) as? [String: Any],
                let seconds = json["seconds"] as? Double
            else {
                print("DuckDB anchor unavailable (run scripts/setup.sh --bench): \(duck.output)")
                duckAvailable = false
                continue
            }
            try? FileManager.default.removeItem(atPath: db)
            duckTimes.append(seconds)
            duckPeak = max(duckPeak, duck.peakMiB)
            duckVersion = json["version"] as? String ?? "?"
            duckRows = json["rows"] as? Int ?? 0
            print(String(format: "duckdb load run %d: %.3f s (%d rows)", r + 1, seconds, duckRows))
        }

        // Re-import of the same files: everything is a duplicate and nothing changes.
        let again = try ChildRun.run(me, ["import", "--data", lastData, "--format", "json"] + audioFiles)
        print(String(format: "segue re-import (all duplicates): %.3f s", again.seconds))

        // Chart queries on the imported store.
        let store = try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: lastData))
        let profile = try store.profile(named: "default")
        let coldStart = DispatchTime.now()
        _ = try store.top(ChartQuery(kind: .artists, metric: .streams), profile: profile)
        let cold = Double(DispatchTime.now().uptimeNanoseconds - coldStart.uptimeNanoseconds) / 1e6
        let ranges: [(String, TimeRange)] = [
            ("all time", .all),
            ("2020", TimeRange(from: CalendarDay("2020-01-01"), to: CalendarDay("2020-12-31"))),
            ("2018-03", TimeRange(from: CalendarDay("2018-03-01"), to: CalendarDay("2018-03-31"))),
            ("one day", TimeRange(from: CalendarDay("2021-06-15"), to: CalendarDay("2021-06-15"))),
        ]
        var worst = 0.0
        var queryLines: [String] = []
        for (name, range) in ranges {
            var times: [Double] = []
            for kind in EntityKind.allCases {
                for metric in Metric.allCases {
                    let t0 = DispatchTime.now()
                    _ = try store.top(ChartQuery(kind: kind, metric: metric, range: range, limit: 50), profile: profile)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6)
                }
            }
            worst = max(worst, times.max() ?? 0)
            queryLines.append(String(format: "| %@ | %.2f | %.2f |", name, median(times), times.max() ?? 0))
        }
        let cli = try ChildRun.run(me, ["top", "--data", lastData, "--kind", "tracks", "--limit", "50", "--format", "json"])

        let otherHistories = try benchLastfm(dir: dir, store: lastData, me: me)

        let segueMedian = median(segueTimes)
        let duckMedian = median(duckTimes)
        let ratio = duckMedian > 0 ? duckMedian / segueMedian : 0
        var body = """

            Machine: \(BenchmarkReport.machine()). Export: \(TextTable.grouped(records)) records in \(audioFiles.count) files, \
            \(String(format: "%.1f", megabytes)) MB (generated by `segue demo export`, seed 7, without the byte order mark that DuckDB refuses). 1-minute load average when the report was written: \(String(format: "%.2f", loadAverage())). Median of \(runs) runs, each a fresh process; Segue and DuckDB take turns.

            | | seconds | records/s | MB/s | peak memory |
            |---|---:|---:|---:|---:|
            """
        body +=
            "\n"
            + String(
                format: "| segue import (parse, dedup, SQLite write, chart columns) | %.3f | %@ | %.0f | %.0f MiB |",
                segueMedian, TextTable.grouped(Int(Double(records) / segueMedian)), megabytes / segueMedian, seguePeak)
        if duckMedian > 0 {
            body +=
                "\n"
                + String(
                    format: "| DuckDB %@ `read_json_auto` into a table (anchor) | %.3f | %@ | %.0f | %.0f MiB |",
                    duckVersion, duckMedian, TextTable.grouped(Int(Double(duckRows) / duckMedian)), megabytes / duckMedian, duckPeak)
        }
        body +=
            "\n\n"
            + String(
                format: "Segue vs DuckDB throughput: **%.2fx** (target ≥ 2x). Re-import of the same files (all duplicates): %.3f s.",
                ratio, again.seconds)
        body +=
            "\n\nEvery run, seconds: segue " + segueTimes.map { String(format: "%.2f", $0) }.joined(separator: ", ")
            + "; DuckDB " + duckTimes.map { String(format: "%.2f", $0) }.joined(separator: ", ") + "."
        body +=
            "\n\nTop-50 chart latency over the imported profile (every kind × metric, milliseconds, warm):\n\n| range | median | max |\n|---|---:|---:|\n"
        body += queryLines.joined(separator: "\n")
        body +=
            "\n\n"
            + String(
                format:
                    "First query in a fresh store (reads and decodes the chart columns): %.1f ms. Whole `segue top` process (start, open, query, print): %.0f ms. Target: < 20 ms per query (worst warm: %.2f ms).",
                cold, cli.seconds * 1000, worst)
        body += "\n\n" + otherHistories
        print(body)
        if !noWrite {
            try BenchmarkReport.write(section: "Import (`segue-bench import`)", body: body)
            print("\nWrote BENCHMARKS.md")
        }
    }

    /// A Last.fm CSV of 500,000 scrobbles (ghan.nl's shape): a third are listens the Spotify export
    /// already has (20 s after their start, so they merge), the rest other listens of its tracks.
    /// Measures the parse alone, then `segue import` of the file into a copy of the imported store
    /// (merge included), then the chart queries over the merged profile.
    func benchLastfm(dir: String, store: String, me: String) throws -> String {
        let rows = 500_000
        let columns = try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: store))
            .musicColumns(profile: try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: store)).profile(named: "default"))
        let csvPath = (dir as NSString).appendingPathComponent("scrobbles.csv")
        var text = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"
        text.reserveCapacity(rows * 80)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let first = columns.endTimes.first ?? 1_500_000_000
        let span = max(1, (columns.endTimes.last ?? first) - first)
        for r in 0..<rows {
            let i = Int(next() % UInt64(columns.playCount))
            let t = Int(columns.trackOfPlay[i])
            let start: Int64
            if r % 3 == 0 {
                start = columns.endTimes[i] - Int64(max(0, columns.milliseconds[i]) / 1000) + 20
            } else {
                start = first + Int64(next() % UInt64(span))
            }
            let album = columns.trackAlbum[t] >= 0 ? columns.albumNames[Int(columns.trackAlbum[t])] : ""
            text +=
                "\(start),,\(TextTable.csvField(columns.artistNames[Int(columns.trackArtist[t])])),,\(TextTable.csvField(album)),,\(TextTable.csvField(columns.trackNames[t])),\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: csvPath))
        let megabytes = Double(text.utf8.count) / 1_048_576
        let now = Int64(Date().timeIntervalSince1970)
        var parseTimes: [Double] = []
        var parsedPlays = 0
        for _ in 0..<runs {
            let t0 = DispatchTime.now()
            guard let parsed = try HistoryImporter.parseListensFile(at: csvPath, now: now) else {
                throw ValidationError("the generated Last.fm CSV was not recognised")
            }
            parseTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9)
            parsedPlays = parsed.plays
        }
        var importTimes: [Double] = []
        var report: [String: Any] = [:]
        var merged = ""
        for r in 0..<runs {
            let copy = (dir as NSString).appendingPathComponent("merge-\(r)")
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: store, toPath: copy)
            let run = try ChildRun.run(me, ["import", "--data", copy, "--format", "json", csvPath])
            guard run.status == 0 else { throw ValidationError("segue import of the Last.fm CSV failed (exit \(run.status))") }
            importTimes.append(run.seconds)
            report = (try? JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any]) ?? [:]
            merged = copy
            print(String(format: "segue import of 500,000 scrobbles into the imported profile, run %d: %.3f s", r + 1, run.seconds))
        }
        let mergedCount = (report["mergedAcrossSources"] as? [String: Any])?["lastfm"] as? Int ?? 0
        let mergedStore = try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: merged))
        let profile = try mergedStore.profile(named: "default")
        _ = try mergedStore.top(ChartQuery(kind: .artists, metric: .streams), profile: profile)
        var worst = 0.0
        var times: [Double] = []
        for range in [TimeRange.all, TimeRange(from: CalendarDay("2020-01-01"), to: CalendarDay("2020-12-31"))] {
            for kind in EntityKind.allCases {
                for metric in Metric.allCases {
                    for sources in [SourceSet.all, SourceSet(.lastfm)] {
                        let t0 = DispatchTime.now()
                        _ = try mergedStore.top(ChartQuery(kind: kind, metric: metric, range: range, limit: 50, sources: sources), profile: profile)
                        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e6
                        times.append(ms)
                        worst = max(worst, ms)
                    }
                }
            }
        }
        let parseMedian = median(parseTimes)
        let importMedian = median(importTimes)
        return """
            ### Other histories: a Last.fm CSV of 500,000 scrobbles

            Generated from the export above (\(String(format: "%.1f", megabytes)) MB, ghan.nl's shape): a third are listens the export already has, 20 s after their start; the rest are other listens of its tracks. Median of \(runs) runs.

            | | seconds | rows/s | target |
            |---|---:|---:|---|
            | parse (recognise, read CSV, build the store's batch; \(TextTable.grouped(parsedPlays)) plays) | \(String(format: "%.3f", parseMedian)) | \(TextTable.grouped(Int(Double(rows) / parseMedian))) | ≥ 1,000,000 rows/s |
            | `segue import` into a copy of the \(TextTable.grouped(records))-record profile (parse, store, merge across sources, chart columns; whole process) | \(String(format: "%.3f", importMedian)) | \(TextTable.grouped(Int(Double(rows) / importMedian))) | ≤ 2 s |

            Merged with a Spotify play (counted once): \(TextTable.grouped(mergedCount)) scrobbles. Top-50 queries over the merged profile (all time and 2020, every kind × metric, all sources and Last.fm only): median \(String(format: "%.2f", median(times))) ms, worst \(String(format: "%.2f", worst)) ms (target < 20 ms).
            """
    }
}
