import ArgumentParser
import Foundation
import SegueAudio
import SegueBenchSupport
import SegueMedia
import SegueServer
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite

/// `segue-bench workers`: whole-library analysis throughput, embedded (SQLite, in this process)
/// beside the same files as queued jobs on PostgreSQL run by 1, then 2, `segue worker` processes.
struct BenchWorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers",
        abstract: "Analysis throughput: embedded SQLite beside 1 and 2 `segue worker` processes on PostgreSQL.")

    @Option(help: "PostgreSQL database (each run gets a schema of its own, dropped at the end).")
    var database: String

    @Option(help: "Synthetic songs (every key in turn, tempos spread over 70-180 BPM).")
    var songs = 24

    @Option(help: "Seconds per song.")
    var seconds = 30.0

    @Option(help: "Files per queued job (as `segue library add --queue --files-per-job`).")
    var filesPerJob = 2

    @Option(help: "Job threads per worker process (`segue worker --workers`).")
    var threads = 2

    @Option(help: "Largest number of worker processes (runs 1, 2, … up to it).")
    var maxProcesses = 2

    @Flag(help: "Do not write BENCHMARKS.md.")
    var noWrite = false

    func validate() throws {
        guard songs >= 1, seconds >= 5 else { throw ValidationError("--songs must be at least 1 and --seconds at least 5") }
        guard (1...1000).contains(filesPerJob) else { throw ValidationError("--files-per-job must be 1 to 1000") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1 to 64") }
        guard (1...16).contains(maxProcesses) else { throw ValidationError("--max-processes must be 1 to 16") }
        do { _ = try PostgresLocation(url: database) } catch { throw ValidationError("--database: \(error)") }
        guard !database.contains("schema=") else {
            throw ValidationError("--database must not name a schema: each run makes its own and drops it")
        }
    }

    /// One measured run.
    struct Row {
        var label: String
        var files: Int
        var wall: Double
        /// From the first job's start to the last one's end (no process start-up), when queued.
        var busy: Double?
        var jobsPerProcess: [Int]
    }

    func run() throws {
        let load = BenchWorkersCommand.load()
        print(String(format: "load average at the start: %.2f %.2f %.2f", load[0], load[1], load[2]))
        let tools = try FFmpegTools.locate()
        let musicnn = try LibraryIngest.installedMusicnn()
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-workers-\(getpid())")
        try? FileManager.default.removeItem(atPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let music = (dir as NSString).appendingPathComponent("music")
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        let set = SyntheticSong.accuracySet(count: songs, seconds: seconds)
        print("Writing \(set.count) FLAC files of \(Int(seconds)) s…")
        for (i, song) in set.enumerated() {
            try BenchAnalysisCommand.writeFLAC(
                song.render(rate: 44_100), rate: 44_100, to: (music as NSString).appendingPathComponent(String(format: "song-%03d.flac", i)),
                tools: tools)
        }
        let audio = Double(set.count) * seconds
        var rows: [Row] = []

        // Embedded: `segue library add` in this process, one file per core, SQLite.
        let embedded = (dir as NSString).appendingPathComponent("embedded")
        let store = try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: embedded))
        let t0 = Date()
        let report = try LibraryIngest(store: store, tools: tools, musicnn: musicnn).add([music])
        guard report.analyzed == set.count else {
            throw ValidationError("the embedded run analysed \(report.analyzed) of \(set.count) files: \(report.failed)")
        }
        rows.append(
            Row(label: "embedded (SQLite, in process)", files: report.analyzed, wall: Date().timeIntervalSince(t0), busy: nil, jobsPerProcess: []))
        print(Self.line(rows.last!, audio: audio))

        for processes in 1...maxProcesses {
            rows.append(try queued(processes: processes, music: music, dir: dir, expected: set.count))
            print(Self.line(rows.last!, audio: audio))
        }
        let end = BenchWorkersCommand.load()
        print(String(format: "load average at the end: %.2f %.2f %.2f", end[0], end[1], end[2]))

        var body = """

            `segue-bench workers --database …` (\(Self.buildKind), \(BenchmarkReport.machine()), load average \(String(format: "%.2f", load[0])) at the start and \(String(format: "%.2f", end[0])) at the end): \(set.count) songs of \(Int(seconds)) s by `SyntheticSong` as 44.1 kHz FLAC files, analysed in full (ffprobe tags, ffmpeg decode, every DSP descriptor\(musicnn == nil ? "; musicnn weights not installed" : ", musicnn's embedding and tags")). Embedded: `LibraryIngest` in the bench's own process on SQLite, one file per core, as `segue library add` runs it. Queued: the files enqueued on PostgreSQL as analysis jobs of \(filesPerJob) files (as `segue library add --queue`), then N `segue worker --workers \(threads)` processes started on this machine; wall time from starting the workers (process start-up and loading the weights included) to the last job finished; busy time from the first job's start to the last job's end, as the job rows record them.

            | run | files | wall | tracks/s | s of audio per s | busy (jobs' own times) | jobs per process |
            |---|---:|---:|---:|---:|---:|---|
            """
        for row in rows {
            body +=
                "\n"
                + String(
                    format: "| %@ | %d | %.2f s | %.2f | **%.0f** | %@ | %@ |", row.label, row.files, row.wall, Double(row.files) / row.wall,
                    audio / row.wall, row.busy.map { String(format: "%.2f s", $0) } ?? "–",
                    row.jobsPerProcess.isEmpty ? "–" : row.jobsPerProcess.map(String.init).joined(separator: " / "))
        }
        body +=
            "\n\nThis machine has \(ProcessInfo.processInfo.activeProcessorCount) cores: one worker process already analyses on all of them (one file per core inside each job), so a second process on the same machine can only share them (a second machine is not measured here)."
        if !noWrite { try BenchmarkReport.write(section: "Analysis with 1 and 2 workers (`segue-bench workers`)", body: body) }
    }

    /// Enqueues the folder on a fresh schema, runs `processes` workers until every job is final.
    func queued(processes: Int, music: String, dir: String, expected: Int) throws -> Row {
        let url = database + (database.contains("?") ? "&" : "?") + "schema=segue_bench_workers_\(getpid())_\(processes)"
        let backend = try PostgresBackend(url: url)
        defer {
            do { try backend.dropSchema() } catch { printError("could not drop the bench schema: \(error)") }
            backend.close()
        }
        let jobs = PostgresJobStore(backend: backend)
        let (records, files, _) = try AnalyzeParameters.enqueue(paths: [music], filesPerJob: filesPerJob, on: jobs)
        let executable = try SegueExecutable.path()
        var workers: [Process] = []
        defer {
            for w in workers where w.isRunning { w.terminate() }
            for w in workers { w.waitUntilExit() }
        }
        let start = Date()
        for i in 0..<processes {
            let data = (dir as NSString).appendingPathComponent("worker-\(processes)-\(i)")
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let w = Process()
            w.executableURL = URL(fileURLWithPath: executable)
            w.arguments = ["worker", "--database", url, "--data", data, "--workers", String(threads)]
            // The log (on either stream) names each job the process finished.
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: Self.log(data)).creatingEmpty())
            w.standardOutput = log
            w.standardError = log
            try w.run()
            workers.append(w)
        }
        var finished: [JobRecord] = []
        while true {
            finished = try records.compactMap { try jobs.job(id: $0.id) }.filter(\.state.isFinal)
            if finished.count == records.count { break }
            if let dead = workers.first(where: { !$0.isRunning }) {
                throw ValidationError("a worker exited (status \(dead.terminationStatus)) before the jobs were done; see its log")
            }
            guard Date().timeIntervalSince(start) < 3_600 else { throw ValidationError("the workers did not finish within an hour") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let wall = Date().timeIntervalSince(start)
        if let failed = finished.first(where: { $0.state != .succeeded }) {
            throw ValidationError("job \(failed.id) ended \(failed.state.rawValue): \(failed.error ?? "")")
        }
        let done = try PostgresLibraryStore(backend: backend).tracks().filter { $0.status == .done }.count
        guard done == expected, files == expected else { throw ValidationError("\(done) of \(expected) files analysed on PostgreSQL") }
        let firstStart = finished.compactMap(\.startedMillis).min() ?? 0
        let lastEnd = finished.compactMap(\.finishedMillis).max() ?? 0
        // Which process ran each job: each worker logs the jobs it finished.
        let perProcess = (0..<processes).map { i -> Int in
            let log =
                (try? String(contentsOfFile: Self.log((dir as NSString).appendingPathComponent("worker-\(processes)-\(i)")), encoding: .utf8)) ?? ""
            let lines = log.split(separator: "\n").filter { $0.contains("job finished") }
            return records.filter { r in lines.contains { $0.contains(r.id) } }.count
        }
        return Row(
            label: "\(processes) `segue worker` process\(processes == 1 ? "" : "es") (PostgreSQL queue)", files: done, wall: wall,
            busy: Double(lastEnd - firstStart) / 1000, jobsPerProcess: perProcess)
    }

    #if DEBUG
        static let buildKind = "DEBUG build: not a benchmark figure"
    #else
        static let buildKind = "release build"
    #endif

    static func log(_ data: String) -> String { (data as NSString).appendingPathComponent("worker.log") }

    static func line(_ row: Row, audio: Double) -> String {
        String(
            format: "%@: %d files in %.2f s = %.2f tracks/s, %.0f s of audio per s%@", row.label, row.files, row.wall,
            Double(row.files) / row.wall, audio / row.wall, row.busy.map { String(format: " (busy %.2f s)", $0) } ?? "")
    }

    static func load() -> [Double] {
        var load = [0.0, 0.0, 0.0]
        _ = getloadavg(&load, 3)
        return load
    }
}

extension URL {
    /// Creates (or empties) the file and returns its URL.
    fileprivate func creatingEmpty() -> URL {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        return self
    }
}
