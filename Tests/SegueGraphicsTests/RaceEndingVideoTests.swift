import Foundation
import SegueModel
import Testing

@testable import SegueCharts
@testable import SegueGraphics
@testable import SegueMedia

/// Real encoded races, decoded again with ffmpeg: the video (and the GIF) ends on the settled final
/// ranking, the same picture for its last 1.5 s.
@Suite(.serialized) struct RaceEndingVideoTests {
    static let width = 360
    static let height = 640

    /// The final scene drawn from the data alone: every bar at rest in its slot, in the order of the
    /// last period's values (ties by name), the counter on the last period.
    static func finalScene(_ layout: RaceFrameLayout) -> Scene {
        let t = layout.timeline
        let data = t.data
        let order = data.entities.indices.filter { (data.values[$0].last ?? 0) > 0 }.sorted {
            let a = data.values[$0].last!
            let b = data.values[$1].last!
            return a != b ? a > b : data.entities[$0].name < data.entities[$1].name
        }
        let bars = order.prefix(t.top).enumerated().map { slot, e in
            RaceBarState(
                entity: e, value: data.values[e].last!, rank: slot, position: Double(slot), target: Double(slot),
                opacity: 1)
        }
        let state = RaceFrameState(
            index: t.frameCount - 1, time: Double(data.periods.count - 1), periodIndex: data.periods.count - 1,
            bars: bars, axisMaximum: max(bars.first?.value ?? 1, 1), isHold: true)
        return layout.scene(for: state)
    }

    /// Frames `indices` (ascending) of a video or image as RGB bytes, optionally scaled to `width`.
    static func decode(_ path: String, frames indices: [Int], scaleWidth: Int? = nil, tools: FFmpegTools) throws -> [[UInt8]] {
        var filters = ["select='" + indices.map { "eq(n\\,\($0))" }.joined(separator: "+") + "'"]
        if let scaleWidth { filters.append("scale=\(scaleWidth):-2:flags=lanczos") }
        if path.hasSuffix(".mp4") { filters.append("scale=in_color_matrix=bt709:in_range=tv") }
        let run = try ToolRun.run(
            tools.ffmpeg,
            [
                "-v", "error", "-i", path, "-vf", filters.joined(separator: ","), "-vsync", "passthrough", "-f", "rawvideo",
                "-pix_fmt", "rgb24", "pipe:1",
            ])
        let bytes = [UInt8](run.stdout)
        guard run.status == 0, !indices.isEmpty, bytes.count % indices.count == 0 else {
            Issue.record("ffmpeg decoded \(bytes.count) bytes for frames \(indices) of \(path): \(run.stderr)")
            return []
        }
        let size = bytes.count / indices.count
        return (0..<indices.count).map { Array(bytes[($0 * size)..<(($0 + 1) * size)]) }
    }

    /// Mean absolute difference per channel, 0...255.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        var sum = 0
        for i in a.indices { sum += abs(Int(a[i]) - Int(b[i])) }
        return Double(sum) / Double(a.count)
    }

    @Test(arguments: [VideoContainer.mp4, .gif])
    func theVideoEndsOnTheSettledFinalRankingHeld(container: VideoContainer) throws {
        let tools = try FFmpegTools.locate()
        let dir = NSTemporaryDirectory() + "segue-ending-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Twelve months in 6 s, top 8 of 12: overtakes run up to the last period.
        let timeline = try RaceTimeline(
            data: Fixtures.race(periods: 12), top: 8, timing: RaceTiming(fps: 30, totalSeconds: 6))
        let layout = RaceFrameLayout(
            timeline: timeline, format: try SocialFormat(width: Self.width, height: Self.height), theme: .dark,
            measurer: PangoTextMeasurer())
        let frames = try RaceFrameRenderer(layout: layout)
        let path = dir + "/race.\(container.rawValue)"
        let settings = VideoSettings(width: Self.width, height: Self.height, fps: 30, container: container, gifWidth: 240)
        _ = try VideoExport(tools: tools, settings: settings).run(output: path, frameCount: frames.frameCount) {
            index, sink in try frames.withFrame(index, sink)
        }
        let probe = try MediaProbe.probe(path, tools: tools, countFrames: true)
        let count = try #require(probe.frameCount)
        let rate = container == .gif ? settings.gifFPS : 30
        #expect(abs(Double(count) / rate - 6) < 0.2)
        let last = count - 1
        let holdStart = last - Int((1.5 * rate).rounded(.up))
        let midRace = Int(2 * rate)
        let decoded = try Self.decode(path, frames: [midRace, holdStart, last], tools: tools)
        try #require(decoded.count == 3)

        // The reference: the final scene drawn from the data, through the same scaling as the GIF.
        let reference = try CairoRenderer(width: Self.width, height: Self.height, artwork: ArtworkLibrary())
        reference.render(Self.finalScene(layout))
        try reference.writePNG(to: dir + "/final.png")
        let expected = try #require(
            Self.decode(dir + "/final.png", frames: [0], scaleWidth: container == .gif ? 240 : nil, tools: tools).first)

        let held = Self.difference(decoded[2], decoded[1])
        let toFinal = Self.difference(decoded[2], expected)
        let moving = Self.difference(decoded[0], expected)
        // Codec noise only: the same picture encoded twice, and the final scene against its encoding.
        #expect(held < 0.5, "\(container): the last frame differs from the one 1.5 s before by \(held)")
        #expect(toFinal < 2.5, "\(container): the last frame differs from the final scene by \(toFinal)")
        // The measure sees a real difference: a frame mid-race is far from the final scene.
        #expect(moving > 4 * max(toFinal, 1), "\(container): mid-race \(moving), end \(toFinal)")
    }
}
