import Foundation
import SegueCharts
import SegueMedia
import Testing

@testable import SegueGraphics

/// Race frames painted over the previous one where the scene changed (`renderChanges`) must be the
/// frames a full render paints, byte for byte, and the rows they report as unchanged must be so.
@Suite struct IncrementalRenderingTests {
    func layout(theme: Theme, width: Int = 540, height: Int = 960, seconds: Double = 3) throws -> RaceFrameLayout {
        let timeline = try RaceTimeline(
            data: Fixtures.race(periods: 12), top: 6, timing: RaceTiming(fps: 30, totalSeconds: seconds, holdSeconds: 1.5))
        return RaceFrameLayout(timeline: timeline, format: try SocialFormat(width: width, height: height), theme: theme)
    }

    @Test(arguments: [Theme.dark, .vivid])
    func incrementalFramesEqualFullRendersAndReportTheirChanges(theme: Theme) throws {
        let layout = try layout(theme: theme)
        let incremental = try RaceFrameRenderer(layout: layout)
        let full = try CairoRenderer(width: layout.format.width, height: layout.format.height)
        var previous: [UInt8]?
        var partialFrames = 0
        var repaintedRows = 0
        for index in 0..<incremental.frameCount {
            let (pixels, changed) = incremental.withFrameChanges(index) { (Array($0), $1) }
            full.render(layout.scene(frame: index))
            let reference = full.withPixels { Array($0) }
            #expect(pixels == reference, "frame \(index) differs from a full render")
            if let previous {
                // Every row outside the reported ranges is the previous frame's row.
                let stride = layout.format.width * 4
                var unchanged = [Bool](repeating: true, count: layout.format.height)
                for rows in changed { for r in rows { unchanged[r] = false } }
                for row in 0..<layout.format.height where unchanged[row] {
                    let range = (row * stride)..<((row + 1) * stride)
                    if pixels[range] != previous[range] {
                        Issue.record("frame \(index): row \(row) changed but was not reported")
                        break
                    }
                }
                let count = changed.reduce(0) { $0 + $1.count }
                repaintedRows += count
                if count < layout.format.height { partialFrames += 1 }
            }
            previous = pixels
        }
        // The title, the captions and the final hold stay: most frames repaint only part.
        #expect(partialFrames > incremental.frameCount / 2)
        #expect(repaintedRows < (incremental.frameCount - 1) * layout.format.height * 9 / 10)
    }

    @Test func aNewBackgroundRepaintsEverything() throws {
        let renderer = try CairoRenderer(width: 64, height: 48)
        let square = SceneElement.rect(SceneRect(x: 8, y: 8, width: 16, height: 16), cornerRadius: 3, fill: .solid(ChartColor(hex: 0xFF0000)))
        renderer.render(Scene(width: 64, height: 48, background: .solid(ChartColor(hex: 0x000000)), elements: [square]))
        #expect(renderer.renderChanges(Scene(width: 64, height: 48, background: .solid(ChartColor(hex: 0x000000)), elements: [square])).isEmpty)
        let changed = renderer.renderChanges(Scene(width: 64, height: 48, background: .solid(ChartColor(hex: 0x202020)), elements: [square]))
        #expect(changed == [0..<48])
        // Moving the square repaints the bands it left and the ones it reached, no others.
        let moved = SceneElement.rect(SceneRect(x: 8, y: 30, width: 16, height: 10), cornerRadius: 3, fill: .solid(ChartColor(hex: 0xFF0000)))
        let rows = renderer.renderChanges(Scene(width: 64, height: 48, background: .solid(ChartColor(hex: 0x202020)), elements: [moved]))
        #expect(rows.contains { $0.contains(16) } && rows.contains { $0.contains(35) })
        let reference = try CairoRenderer(width: 64, height: 48)
        reference.render(Scene(width: 64, height: 48, background: .solid(ChartColor(hex: 0x202020)), elements: [moved]))
        #expect(renderer.withPixels { Array($0) } == reference.withPixels { Array($0) })
    }
}
