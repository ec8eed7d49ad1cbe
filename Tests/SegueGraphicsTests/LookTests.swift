import Foundation
import SegueCharts
import SegueModel
import Testing

@testable import SegueGraphics

/// Renders the pictures people will see to /tmp so they can be looked at; checks sizes only.
@Suite struct LookTests {
    @Test func storyTopTenAndRaceFrames() throws {
        let dir = "/tmp/segue-look"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for theme in [Theme.dark, .light, .vivid] {
            let layout = TopChartLayout(format: .story, theme: theme, measurer: PangoTextMeasurer())
            let entries = Fixtures.topEntries()
            let caption = ChartCaption.topChart(
                kind: .artists, metric: .streams, top: 10, from: CalendarDay(year: 2015, month: 1, day: 1),
                to: CalendarDay(year: 2024, month: 12, day: 31), entries: entries)
            let scene = try layout.scene(entries: entries, metric: .streams, caption: caption)
            let renderer = try CairoRenderer(width: 1080, height: 1920)
            renderer.render(scene)
            try renderer.writePNG(to: "\(dir)/top10-story-\(theme.name).png")
        }
        let data = Fixtures.race()
        for format in [SocialFormat.story, .landscape, .square] {
            let timeline = try RaceTimeline(data: data, top: 10, timing: RaceTiming(fps: 30, totalSeconds: 12))
            let layout = RaceFrameLayout(
                timeline: timeline, format: format, theme: .dark, measurer: PangoTextMeasurer())
            let renderer = try CairoRenderer(width: format.width, height: format.height)
            // The start, mid-race, the last race frame (a slide may be under way), the final hold.
            for frame in [0, 100, 115, timeline.timing.raceFrames - 1, timeline.frameCount - 1] {
                renderer.render(layout.scene(frame: frame))
                try renderer.writePNG(to: "\(dir)/race-\(format)-\(frame).png")
            }
        }
    }
}
