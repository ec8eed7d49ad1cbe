import Foundation
import SegueCharts
import SegueMedia
import SegueModel
import Testing

@testable import SegueGraphics

/// A short race encoded to every output kind, checked with ffprobe.
@Suite(.serialized) struct RaceEncodingTests {
    func export(_ container: VideoContainer, fps: Double = 30, seconds: Double = 3) throws -> (String, VideoExport.Summary, MediaProbe) {
        let tools = try FFmpegTools.locate()
        let timeline = try RaceTimeline(
            data: Fixtures.race(periods: 6), top: 5, timing: RaceTiming(fps: fps, totalSeconds: seconds))
        let frames = try RaceFrameRenderer(
            layout: RaceFrameLayout(timeline: timeline, format: try SocialFormat(width: 360, height: 640), theme: .vivid))
        let path = NSTemporaryDirectory() + "segue-race-\(UUID().uuidString).\(container.rawValue)"
        let settings = VideoSettings(width: 360, height: 640, fps: fps, container: container, gifWidth: 240)
        let summary = try VideoExport(tools: tools, settings: settings).run(
            output: path, frameCount: frames.frameCount
        ) { index, sink in try frames.withFrame(index, sink) }
        let probe = try MediaProbe.probe(path, tools: tools, countFrames: true)
        return (path, summary, probe)
    }

    /// The encoder converts only the rows a frame changed (into a buffer that still holds an earlier
    /// frame): the video must be the one whole frames give, to the byte.
    @Test func convertingOnlyChangedRowsGivesTheSameVideo() throws {
        let tools = try FFmpegTools.locate()
        let timeline = try RaceTimeline(
            data: Fixtures.race(periods: 8), top: 5, timing: RaceTiming(fps: 30, totalSeconds: 3, holdSeconds: 1.5))
        let layout = RaceFrameLayout(timeline: timeline, format: try SocialFormat(width: 360, height: 640), theme: .dark)
        let settings = VideoSettings(width: 360, height: 640, fps: 30, container: .mp4)
        let dir = NSTemporaryDirectory() + "segue-rows-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let whole = try RaceFrameRenderer(layout: layout)
        _ = try VideoExport(tools: tools, settings: settings).run(output: dir + "/whole.mp4", frameCount: whole.frameCount) {
            index, sink in
            // A full render per frame, every row converted.
            whole.renderer.render(layout.scene(frame: index))
            try whole.renderer.withPixels(sink)
        }
        let partial = try RaceFrameRenderer(layout: layout)
        var skipped = 0
        _ = try VideoExport(tools: tools, settings: settings).run(output: dir + "/rows.mp4", frameCount: partial.frameCount) {
            (index: Int, sink) in
            try partial.withFrameChanges(index) { bytes, changed in
                skipped += 640 - changed.reduce(0) { $0 + $1.count }
                try sink(bytes, changed)
            }
        }
        #expect(skipped > 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/whole.mp4"))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/rows.mp4"))
        #expect(a.count > 1000 && a == b)
    }

    @Test func mp4IsH264Yuv420pAtTheRightSizeRateAndLength() throws {
        let (path, summary, probe) = try export(.mp4)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(probe.codec == "h264")
        #expect(probe.pixelFormat == "yuv420p")
        #expect(probe.width == 360 && probe.height == 640)
        #expect(abs(probe.framesPerSecond - 30) < 0.01)
        #expect(abs(probe.duration - 3) < 0.1)
        #expect(probe.frameCount == 90)
        #expect(summary.frames == 90 && summary.bytes > 1000)
    }

    @Test func webmIsVP9() throws {
        let (path, _, probe) = try export(.webm, fps: 24)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(probe.codec == "vp9")
        #expect(probe.pixelFormat == "yuv420p")
        #expect(probe.width == 360 && probe.height == 640)
        #expect(abs(probe.framesPerSecond - 24) < 0.01)
        #expect(abs(probe.duration - 3) < 0.15)
    }

    @Test func gifIsPaletteBasedAtTheGIFRateAndWidth() throws {
        let (path, _, probe) = try export(.gif)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(probe.codec == "gif")
        #expect(probe.pixelFormat == "bgra" || probe.pixelFormat == "pal8")
        #expect(probe.width == 240 && probe.height == 426)
        #expect(abs(probe.framesPerSecond - 15) < 0.5)
        #expect(abs(probe.duration - 3) < 0.2)
    }

    @Test func noPartialFileIsLeftWhenRenderingFails() throws {
        struct Boom: Error {}
        let tools = try FFmpegTools.locate()
        let dir = NSTemporaryDirectory() + "segue-fail-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let settings = VideoSettings(width: 64, height: 64, fps: 10, container: .mp4)
        let frame = [UInt8](repeating: 255, count: 64 * 64 * 4)
        #expect(throws: Boom.self) {
            _ = try VideoExport(tools: tools, settings: settings).run(output: dir + "/out.mp4", frameCount: 10) {
                index, sink in
                if index == 5 { throw Boom() }
                try frame.withUnsafeBytes { try sink($0) }
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
