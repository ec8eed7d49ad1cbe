import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel
import SegueRecap
import SegueRender
import Testing

/// The recap video: its timeline (pure) and the real thing, encoded by ffmpeg and read back.
@Suite(.serialized) struct RecapVideoTests {
    static func recap(_ name: String) -> Recap {
        let columns = RecapCardTests.histories.first { $0.name == name }!.columns
        return Recap(columns: columns, period: RecapCardTests.year)
    }

    /// Every recap that has plays lasts 30 to 45 s; every chapter's end is its still card; the
    /// numbers count up and the bars grow on the way there.
    @Test func theStoryLastsThirtyToFortyFiveSecondsAndEndsOnCompleteCards() throws {
        for (name, _) in RecapCardTests.histories where name != "empty" {
            let recap = Self.recap(name)
            let render = RecapVideoRender(tools: FFmpegTools(ffmpeg: "/nonexistent", ffprobe: "/nonexistent"))
            let timeline = try render.timeline(recap)
            #expect((30...45).contains(timeline.seconds), "\(name): \(timeline.seconds) s")
            #expect(timeline.segments.map(\.chapter).contains(.race), "\(name) has no race chapter")
            let still = RecapCardsRender().layout
            let cards = RecapCard.cards(for: recap)
            #expect(timeline.segments.compactMap { if case .card(let c) = $0.chapter { c } else { nil } } == cards)
            for segment in timeline.segments {
                guard case .card(let card) = segment.chapter else { continue }
                let settled = segment.firstFrame + Int(RecapVideoTimeline.appearSeconds * timeline.fps) + 1
                #expect(timeline.scene(frame: settled) == still.scene(card, recap: recap), "\(name) \(card)")
            }
            // The very last frame, and the final hold before it, is the last card as it stands alone.
            let last = timeline.segments.last!
            guard case .card(let lastCard) = last.chapter else {
                Issue.record("\(name): the video ends on the race")
                continue
            }
            #expect(timeline.scene(frame: timeline.frameCount - 1) == still.scene(lastCard, recap: recap))
            let hold = Int(RecapVideoTimeline.finalHoldSeconds * timeline.fps)
            #expect(timeline.scene(frame: timeline.frameCount - hold) == still.scene(lastCard, recap: recap))
        }
        // Counting up: a third of the way into the summary card, the minutes read less than the total.
        let recap = Self.recap("ordinary")
        let timeline = try RecapVideoRender(tools: FFmpegTools(ffmpeg: "/x", ffprobe: "/x")).timeline(recap)
        let total = NumberFormatting.grouped(recap.totals.minutes.rounded())
        let early = timeline.scene(frame: 6).texts.map(\.plainText)
        #expect(!early.contains(total))
        #expect(timeline.scene(frame: 60).texts.map(\.plainText).contains(total))
    }

    @Test func anEmptyRangeIsAShortDesignedVideo() throws {
        let recap = Self.recap("empty")
        let timeline = try RecapVideoRender(tools: FFmpegTools(ffmpeg: "/x", ffprobe: "/x")).timeline(recap)
        #expect(timeline.segments.map(\.chapter) == [.card(.summary)])
        #expect(timeline.seconds == RecapVideoTimeline.emptySeconds)
        let texts = timeline.scene(frame: timeline.frameCount - 1).texts.map(\.plainText).joined(separator: " ")
        #expect(texts.contains("Nothing played"))
    }

    /// The real video at story size: H.264, yuv420p, 1080x1920, 30-45 s; frames at several times are
    /// not blank; the last frame is the last card (within what compression changes).
    @Test func storyVideoIsH264AtPhoneSizeAndEndsOnTheLastCard() throws {
        let tools = try FFmpegTools.locate()
        let recap = Self.recap("scripts")
        let path = NSTemporaryDirectory() + "segue-recap-\(UUID().uuidString).mp4"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reported: [Int] = []
        let render = RecapVideoRender(format: .story, theme: .dark, tools: tools)
        let summary = try render.run(recap, output: path) { done, total in
            if done % 100 == 0 || done == total { reported.append(done) }
        }
        let probe = try MediaProbe.probe(path, tools: tools, countFrames: true)
        #expect(probe.codec == "h264" && probe.pixelFormat == "yuv420p")
        #expect(probe.width == 1080 && probe.height == 1920)
        #expect((30...45).contains(probe.duration), "\(probe.duration) s")
        #expect(probe.frameCount == summary.frames)
        #expect(reported.last == summary.frames)

        for t in [0.5, 5.0, 12.0, 20.0, 28.0] {
            let frame = try Self.grayFrame(path, at: t, tools: tools)
            #expect(Self.spread(frame) > 20, "the frame at \(t) s is blank")
        }
        // The last frame against the still card, both in grey levels.
        let last = try Self.grayFrame(path, at: nil, tools: tools)
        let renderer = try CairoRenderer(width: 1080, height: 1920)
        let card = RecapCard.cards(for: recap).last!
        renderer.render(RecapCardsRender(format: .story, theme: .dark).layout.scene(card, recap: recap))
        let still = renderer.withPixels { pixels -> [UInt8] in
            (0..<(1080 * 1920)).map { i in
                let b = Double(pixels[i * 4])
                let g = Double(pixels[i * 4 + 1])
                let r = Double(pixels[i * 4 + 2])
                return UInt8(min(255, (0.2126 * r + 0.7152 * g + 0.0722 * b).rounded()))
            }
        }
        #expect(last.count == still.count)
        let difference = zip(last, still).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(max(1, still.count))
        #expect(difference < 3, "the last frame differs from the \(card) card by \(difference) grey levels on average")
    }

    /// One frame of `path` as 8-bit grey (1080x1920): at `t` seconds, or the last frame when nil.
    static func grayFrame(_ path: String, at t: Double?, tools: FFmpegTools) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        let seek = t.map { ["-ss", String($0)] } ?? ["-sseof", "-0.5"]
        // Full-range grey from limited-range video, as the still's grey is full range.
        process.arguments =
            ["-v", "error"] + seek + ["-i", path, "-vf", "scale=in_range=tv:out_range=pc,format=gray", "-f", "rawvideo", "pipe:1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let size = 1080 * 1920
        #expect(process.terminationStatus == 0 && data.count >= size)
        return [UInt8](data.suffix(size))
    }

    /// The difference between the 1st and 99th percentile grey level: near 0 for a blank frame.
    static func spread(_ frame: [UInt8]) -> Int {
        var histogram = [Int](repeating: 0, count: 256)
        for v in frame { histogram[Int(v)] += 1 }
        func percentile(_ p: Double) -> Int {
            var seen = 0
            for (level, n) in histogram.enumerated() {
                seen += n
                if Double(seen) >= p * Double(frame.count) { return level }
            }
            return 255
        }
        return percentile(0.99) - percentile(0.01)
    }
}
