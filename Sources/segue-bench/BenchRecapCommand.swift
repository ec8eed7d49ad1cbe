import ArgumentParser
import Foundation
import SegueBenchSupport
import SegueCharts
import SegueImport
import SegueMedia
import SegueModel
import SegueRecap
import SegueRender
import SegueStore
import SegueStoreSQLite

/// `segue-bench recap`: the recap model for one year of a large demo profile, all its cards and its
/// video, each beside its anchor from the same run (the stats and top queries the model builds on;
/// one top-10 chart image; a race video of the same length through the same encoder).
struct BenchRecapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recap", abstract: "The recap model, its cards and its video over a year of a large demo profile.")

    @Option(help: "Records in the demo export (every kind of play).")
    var records: Int = 250_000

    @Option(help: "The year to recap.")
    var year: String = "2024"

    @Option(help: "Repetitions of each measurement (the median is reported).")
    var runs: Int = 11

    @Option(help: "Repetitions of the video and its anchor (each about ten seconds).")
    var videoRuns: Int = 3

    func median(runs: Int? = nil, _ body: () throws -> Void) rethrows -> (median: Double, max: Double) {
        var times: [Double] = []
        for _ in 0..<max(1, runs ?? self.runs) {
            let t = Date()
            try body()
            times.append(Date().timeIntervalSince(t) * 1000)
        }
        times.sort()
        return (times[times.count / 2], times.last ?? 0)
    }

    /// User and system CPU seconds of this process and of its children that have ended (ffmpeg).
    static func cpuSeconds() -> Double {
        func seconds(_ who: Int32) -> Double {
            var usage = rusage()
            getrusage(who, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        return seconds(Int32(RUSAGE_SELF.rawValue)) + seconds(Int32(RUSAGE_CHILDREN.rawValue))
    }

    func run() throws {
        let period = try RecapPeriod.parse(year: year, from: nil, to: nil)
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-recap-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let zip = (dir as NSString).appendingPathComponent("demo.zip")
        print("Writing and importing a \(records)-record demo export (seed 7)…")
        try DemoExport(seed: 7, records: records, byteOrderMark: false).writeZip(to: zip)
        let store = try SQLitePlayStore(path: (dir as NSString).appendingPathComponent("segue.sqlite"))
        let profile = try store.profile(named: "default")
        _ = try HistoryImporter().run(paths: [zip], store: store, profile: profile)
        let columns = try store.musicColumns(profile: profile)
        var load = [0.0, 0.0, 0.0]
        _ = getloadavg(&load, 3)
        print(String(format: "load average %.2f; %d music plays in the profile", load[0], columns.playCount))

        var recap = Recap(columns: columns, period: period)
        print("\(year): \(recap.totals.plays) music plays, \(recap.totals.artists) artists, \(recap.discoveries.count) discoveries")
        let model = median { recap = Recap(columns: columns, period: period) }
        // Anchor: what the model builds on, asked the way `segue stats` and `segue top` ask.
        let anchor = median {
            _ = columns.stats(range: period.range, timeZone: period.timeZone)
            _ = columns.stats(range: period.previous.range, timeZone: period.timeZone)
            for kind in EntityKind.allCases { _ = columns.top(ChartQuery(kind: kind, metric: .streams, range: period.range, limit: 5)) }
        }
        print(String(format: "recap model, one year: median %.2f ms, max %.2f ms (target < 50 ms)", model.median, model.max))
        print(String(format: "anchor: its stats (year and year before) and three top-5 queries alone: median %.2f ms", anchor.median))

        let cardsDir = (dir as NSString).appendingPathComponent("cards")
        let render = RecapCardsRender(format: .story, theme: .dark)
        var count = 0
        let cards = try median { count = try render.write(recap, to: cardsDir).count / 2 }
        let topChart = TopChartRender(format: .story, theme: .dark)
        let entries = columns.top(ChartQuery(kind: .artists, metric: .streams, range: period.range, limit: 10))
        let chartPath = (dir as NSString).appendingPathComponent("top.png")
        let chart = try median {
            let scene = try topChart.scene(
                entries: entries, metric: .streams, caption: ChartCaption(title: "Top artists", subtitle: year))
            try topChart.write(scene, as: .png, to: chartPath, tools: nil)
        }
        print(String(format: "all %d cards, 1080x1920, PNG + SVG: median %.0f ms, max %.0f ms (target < 2,000 ms)", count, cards.median, cards.max))
        print(String(format: "anchor: one top-10 chart, 1080x1920 PNG (segue chart): median %.0f ms", chart.median))

        // The video end to end: the model from the store, every frame drawn, converted and encoded.
        let tools = try FFmpegTools.locate()
        let videoPath = (dir as NSString).appendingPathComponent("recap.mp4")
        let videoRender = RecapVideoRender(format: .story, theme: .dark, h264: .libx264, tools: tools)
        var summary: VideoExport.Summary?
        _ = getloadavg(&load, 3)
        let videoLoad = load[0]
        let cpuBefore = Self.cpuSeconds()
        let video = try median(runs: videoRuns) {
            let recap = try store.recap(period, metric: .streams, sources: .all, profile: profile)
            summary = try videoRender.run(recap, output: videoPath)
        }
        // Segue's and ffmpeg's CPU time per video: what the run costs on a machine with nothing else to do.
        let cpu = (Self.cpuSeconds() - cpuBefore) / Double(max(1, videoRuns))
        let probe = try MediaProbe.probe(videoPath, tools: tools)
        let frames = summary?.frames ?? 0
        // Anchor: a race of the same length and size through the same encoder (what `segue race` costs).
        let racePath = (dir as NSString).appendingPathComponent("race.mp4")
        let raceJob = RaceRenderJob(
            data: recap.race, top: 10, format: .story, theme: .dark,
            timing: try RaceTiming(fps: 30, totalSeconds: Double(frames) / 30), container: .mp4, h264: .libx264, tools: tools)
        let race = try median(runs: videoRuns) { _ = try raceJob.run(output: racePath) }
        print(
            String(
                format:
                    "the video, end to end: %d frames, %@ %dx%d %@, %.1f s of video: median %.0f ms, max %.0f ms (target < 15,000 ms; load %.2f at its start)",
                frames, probe.codec, probe.width, probe.height, probe.pixelFormat, probe.duration, video.median, video.max, videoLoad))
        print(String(format: "the video's CPU time (Segue and ffmpeg, user + system): %.2f s per video, %.2f s on each of 2 cores", cpu, cpu / 2))
        print(String(format: "anchor: a top-10 race of the same %d frames, same size and encoder (segue race): median %.0f ms", frames, race.median))
        _ = getloadavg(&load, 3)
        print(String(format: "load average %.2f at the end", load[0]))
    }
}
