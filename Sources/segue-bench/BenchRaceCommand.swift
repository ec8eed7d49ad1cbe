import ArgumentParser
import Foundation
import SegueBenchSupport
import SegueCharts
import SegueGraphics
import SegueImport
import SegueMedia
import SegueModel
import SegueRender
import SegueStoreSQLite

/// `segue-bench race`: a 1080x1920, 30 fps, top-10, 600-frame race from a demo export, end to end
/// (query, render, encode with libx264) and render-only, beside bar_chart_race 0.1.0 drawing the same
/// cumulative data to the same size and frame count.
struct BenchRaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "race", abstract: "Race rendering speed vs bar_chart_race (matplotlib).")

    @Option(help: "Records in the generated demo export.")
    var records: Int = 60_000

    @Option(help: "Frames in the race.")
    var frames: Int = 600

    @Option(help: "Frames per second.")
    var fps: Double = 30

    @Option(help: "Frame size.")
    var size: String = "story"

    @Option(help: "First day of the race (the demo export spans 2016-2025).", transform: CalendarDay.argument)
    var from: CalendarDay = CalendarDay(year: 2021, month: 1, day: 1)

    @Option(help: "libx264 presets to measure end to end (comma-separated; the first is the headline).")
    var presets: String = "ultrafast,superfast,veryfast"

    @Option(help: "Repetitions of the Segue measurements (the median is reported).")
    var runs: Int = 3

    @Option(help: "Work folder (default: a temporary folder).")
    var work: String?

    @Option(help: "Python path with bar_chart_race 0.1.0, matplotlib and pandas.")
    var pythonPath: String = ".local/python"

    @Option(help: "The anchor script.")
    var anchorScript: String = "scripts/bench-race-anchor.py"

    @Flag(help: "Skip bar_chart_race.")
    var noAnchor = false

    @Flag(help: "Do not write BENCHMARKS.md.")
    var noWrite = false

    func run() throws {
        try RenderFailure.run { try measure() }
    }

    private func measure() throws {
        let format = try SocialFormat(parsing: size)
        let tools = try FFmpegTools.locate()
        let dir = work ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-race-\(getpid())")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if work == nil { try? FileManager.default.removeItem(atPath: dir) } }

        print("Generating a \(records)-record demo export and importing it…")
        let exportDir = (dir as NSString).appendingPathComponent("export")
        try DemoExport(seed: 7, records: records).writeFolder(to: exportDir)
        let dataDir = (dir as NSString).appendingPathComponent("data")
        let me = try SegueExecutable.path()
        let imported = try ChildRun.run(me, ["import", "--data", dataDir, "--format", "json", exportDir])
        guard imported.status == 0 else { throw BenchError(message: "segue import failed (exit \(imported.status))") }

        let store = try SQLitePlayStore(path: SQLitePlayStore.databasePath(inDataDirectory: dataDir))
        guard let profile = try store.existingProfile(named: "default") else {
            throw BenchError(message: "the demo import made no 'default' profile")
        }
        let query = RaceQuery(kind: .artists, metric: .streams, from: from, period: .month, top: 10)
        // `frames` in all: the motion, then the settling of the last slides (no hold).
        let settle = RaceTiming.settleFrames(fps: fps)
        guard frames > settle else { throw BenchError(message: "--frames must be more than \(settle) at \(fps) fps") }
        let timing = try RaceTiming(fps: fps, raceFrames: frames - settle, settleFrames: settle, holdFrames: 0)

        // Render only: every frame drawn, no encoder.
        var renderTimes: [Double] = []
        var data = try store.race(query, timeZone: .gmt, profile: profile)
        for _ in 0..<runs {
            let clock = Stopwatch()
            let job = RaceRenderJob(
                data: data, top: 10, format: format, theme: .dark, timing: timing, container: .mp4, h264: .libx264,
                tools: tools)
            let renderer = try job.frames()
            var checksum = 0
            for i in 0..<frames { checksum &+= renderer.withFrame(i) { Int($0[($0.count / 2) & ~3]) } }
            renderTimes.append(clock.seconds)
            _ = checksum
        }

        // End to end: query, timeline, render, encode to MP4 with libx264, per preset.
        struct EndToEnd {
            var preset: String
            var seconds: Double
            var queryMilliseconds: Double
            var bytes: Int
        }
        let presetList = presets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !presetList.isEmpty else { throw BenchError(message: "--presets is empty") }
        var results: [EndToEnd] = []
        let output = (dir as NSString).appendingPathComponent("segue-race.mp4")
        var probe: MediaProbe?
        for preset in presetList {
            var times: [Double] = []
            var queries: [Double] = []
            var bytes = 0
            for _ in 0..<runs {
                let clock = Stopwatch()
                data = try store.race(query, timeZone: .gmt, profile: profile)
                queries.append(clock.seconds)
                let job = RaceRenderJob(
                    data: data, top: 10, format: format, theme: .dark, timing: timing, container: .mp4,
                    h264: .libx264, x264Preset: preset, tools: tools)
                bytes = try job.run(output: output).bytes
                times.append(clock.seconds)
            }
            if probe == nil { probe = try MediaProbe.probe(output, tools: tools, countFrames: true) }
            let result = EndToEnd(
                preset: preset, seconds: median(times), queryMilliseconds: median(queries) * 1000, bytes: bytes)
            results.append(result)
            print(
                "Segue end to end (libx264 \(preset)): \(fixed(result.seconds, 3)) s, "
                    + "\(fixed(Double(frames) / result.seconds, 1)) frames/s (query \(fixed(result.queryMilliseconds, 0)) ms), "
                    + "\(NumberFormatting.grouped(Int64(bytes))) bytes")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seguePeak = Double(usage.ru_maxrss) / 1024
        let render = median(renderTimes)

        // The encoder alone: the same frames, already rendered and converted to YUV in memory, fed
        // to ffmpeg/libx264 (headline preset) as fast as it takes them. End to end cannot beat this.
        var encoderOnly: Double?
        if let preset = presetList.first {
            let job = RaceRenderJob(
                data: data, top: 10, format: format, theme: .dark, timing: timing, container: .mp4, h264: .libx264,
                tools: tools)
            let renderer = try job.frames()
            let converter = YUVConverter(width: format.width, height: format.height)
            let frameBytes = converter.frameBytes
            var yuv = [UInt8](repeating: 0, count: frameBytes * frames)
            yuv.withUnsafeMutableBytes { all in
                for i in 0..<frames {
                    renderer.withFrame(i) { bgra in
                        converter.convert(
                            bgra: bgra, stride: format.width * 4,
                            into: UnsafeMutableRawBufferPointer(rebasing: all[(i * frameBytes)..<((i + 1) * frameBytes)]))
                    }
                }
            }
            var times: [Double] = []
            for _ in 0..<runs {
                let settings = VideoSettings(
                    width: format.width, height: format.height, fps: fps, container: .mp4, h264: .libx264, x264Preset: preset)
                let encoder = try FrameEncoder(settings: settings, output: output, tools: tools, h264: .libx264)
                let clock = Stopwatch()
                try yuv.withUnsafeBytes { all in
                    for i in 0..<frames {
                        try encoder.writePiped(UnsafeRawBufferPointer(rebasing: all[(i * frameBytes)..<((i + 1) * frameBytes)]))
                    }
                }
                _ = try encoder.finish()
                times.append(clock.seconds)
            }
            encoderOnly = median(times)
            print(
                String(
                    format: "libx264 %@ alone on the same frames (YUV in memory): %.3f s, %.1f frames/s", preset, encoderOnly!,
                    Double(frames) / encoderOnly!))
        }
        print(
            String(
                format: "Segue render only: %.3f s, %.0f frames/s (%.2f ms/frame)", render, Double(frames) / render, render / Double(frames) * 1000))
        if let probe {
            print(
                "ffprobe: \(probe.codec) \(probe.pixelFormat) \(probe.width)x\(probe.height) \(probe.framesPerSecond) fps, \(probe.frameCount ?? 0) frames, \(probe.duration) s"
            )
        }

        // The anchor, on the same cumulative data.
        var anchor: (frames: Int, seconds: Double, peak: Double)?
        if !noAnchor {
            let csv = (dir as NSString).appendingPathComponent("race.csv")
            try Self.csv(data).write(toFile: csv, atomically: true, encoding: .utf8)
            print("Running bar_chart_race 0.1.0 on the same data (slow)…")
            let run = try ChildRun.run(
                "/usr/bin/env",
                [
                    "python3", anchorScript, csv, (dir as NSString).appendingPathComponent("bcr.mp4"), "--frames",
                    String(frames), "--width", String(format.width), "--height", String(format.height), "--fps",
                    String(fps), "--bars", "10",
                ], environment: ["PYTHONPATH": pythonPath])
            struct AnchorResult: Decodable {
                var frames: Int
                var seconds: Double
                var peak_mib: Double
            }
            let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
            if run.status == 0, let result = try? JSONDecoder().decode(AnchorResult.self, from: Data(line.utf8)) {
                anchor = (result.frames, result.seconds, result.peak_mib)
                print(
                    String(
                        format: "bar_chart_race: %d frames in %.1f s, %.2f frames/s", result.frames, result.seconds,
                        Double(result.frames) / result.seconds))
            } else {
                printError("bar_chart_race failed (exit \(run.status)); install it with scripts/setup.sh --bench")
            }
        }

        guard !noWrite else { return }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        var body = """

            `segue-bench race` (release build, \(BenchmarkReport.machine()), load average \(load) at the end): a \(format) \
            top-10 race of \(frames) frames at \(Int(fps)) fps over \(data.periods.count) months of a \(records)-record \
            demo export (\(data.entities.count) artists ever in the top 10), dark theme, Inter, rounded gradient bars, \
            generated artwork. End to end = store query + timeline + Cairo rendering (each frame painted over the previous \
            one in the bands where the scene changed) + YUV conversion of the changed rows + libx264 encoding through a \
            pipe (frames lent to it with vmsplice; CRF 20, yuv420p, +faststart; median of \(runs)); render only = the \
            same frames drawn the same way with no encoder.

            | | seconds | frames/s | peak memory | output |
            |---|---:|---:|---:|---:|
            """
        for (i, r) in results.enumerated() {
            let fpsText = String(format: "%.1f", Double(frames) / r.seconds)
            let memory = i == 0 ? "\(fixed(seguePeak, 0)) MiB (Segue process; ffmpeg not counted)" : ""
            body +=
                "\n| Segue end to end (libx264 `\(r.preset)`) | \(fixed(r.seconds, 2)) | "
                + "\(i == 0 ? "**\(fpsText)**" : fpsText) | \(memory) | \(NumberFormatting.grouped(Int64(r.bytes))) bytes |"
        }
        body += String(
            format: "\n| Segue render only | %.2f | %.0f (%.2f ms/frame) | | |", render, Double(frames) / render, render / Double(frames) * 1000)
        if let encoderOnly {
            body += String(
                format: "\n| libx264 `%@` alone on the same frames (rendered and converted beforehand, fed from memory) | %.2f | %.1f | | |",
                presetList[0], encoderOnly, Double(frames) / encoderOnly)
        }
        if let anchor {
            let anchorFPS = Double(anchor.frames) / anchor.seconds
            body += String(
                format: "\n| bar_chart_race 0.1.0 end to end (matplotlib + ffmpeg) | %.1f | %.2f | %.0f MiB (Python process) | |", anchor.seconds,
                anchorFPS, anchor.peak)
            let headline = Double(frames) / results[0].seconds
            body +=
                "\n\nSegue end to end (`\(results[0].preset)`) is **\(fixed(headline / anchorFPS, 1))x** bar_chart_race "
                + "in frames/s (bar_chart_race drew \(anchor.frames) frames of the same data at the same size)."
        }
        if let probe {
            body +=
                "\n\nOutput checked with ffprobe: \(probe.codec), \(probe.pixelFormat), \(probe.width)x\(probe.height), "
                + String(format: "%.0f fps, %d frames, %.2f s.", probe.framesPerSecond, probe.frameCount ?? 0, probe.duration)
        }
        if let encoderOnly, let anchor {
            let anchorFPS = Double(anchor.frames) / anchor.seconds
            body +=
                "\n\nThe encoder alone, with nothing else to do, reaches \(fixed(Double(frames) / encoderOnly, 1)) frames/s, "
                + "**\(fixed(Double(frames) / encoderOnly / anchorFPS, 1))x** bar_chart_race: the ceiling for any end-to-end "
                + "figure with libx264 `\(presetList[0])` on this machine; end to end reaches "
                + "\(fixed(encoderOnly / results[0].seconds * 100, 0)) % of it."
        }
        body +=
            "\n\nRendering, the YUV conversion, the pipe and x264 share the same cores: compare end to end with the encoder-alone row; on a loaded machine the end-to-end figures drop with the free cores, render-only barely moves."
        try BenchmarkReport.write(section: "Race rendering", body: body)
        print("Wrote the Race rendering section of BENCHMARKS.md.")
    }
    /// `value` with `digits` decimals.
    private func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// The race as a wide CSV: one row per period, one column per entity, cumulative values.
    static func csv(_ data: RaceData) -> String {
        func field(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = "period," + data.entities.map { field($0.name) }.joined(separator: ",") + "\n"
        for (p, day) in data.periods.enumerated() {
            out += day.description
            for e in data.entities.indices { out += "," + String(data.values[e][p]) }
            out += "\n"
        }
        return out
    }
}
