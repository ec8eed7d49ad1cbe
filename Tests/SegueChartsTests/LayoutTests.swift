import SegueModel
import Testing

@testable import SegueCharts

@Suite struct LayoutTests {
    static func entries(_ n: Int) -> [ChartEntry] {
        (0..<n).map {
            ChartEntry(
                rank: $0 + 1, name: $0 == 2 ? String(repeating: "Very Long Name ", count: 12) : "Artist \($0)",
                artist: $0 % 2 == 0 ? "Someone" : nil, streams: 10_000 - $0 * 700, milliseconds: 1)
        }
    }

    static let caption = ChartCaption(title: "Top", subtitle: "By streams", footer: "total")

    @Test(arguments: [SocialFormat.story, .square, .landscape], [3, 10, 20])
    func rowsNeverOverlapAndLabelsStayOnCanvas(format: SocialFormat, n: Int) throws {
        let scene = try TopChartLayout(format: format, theme: .dark).scene(
            entries: Self.entries(n), metric: .streams, caption: Self.caption)
        let names = scene.texts.filter { $0.maxWidth != nil && $0.spans.first?.font.weight == .semibold }
        #expect(names.count == n)
        let centres = names.map(\.centerY).sorted()
        for (a, b) in zip(centres, centres.dropFirst()) {
            #expect(b - a >= names[0].maxFontSize * 1.2)
        }
        for run in scene.texts {
            #expect(run.centerY > 0 && run.centerY < Double(format.height))
            if let w = run.maxWidth { #expect(run.x + w <= Double(format.width)) }
        }
        // Value labels sit right of their bar and start inside the canvas with room for the number.
        for case .text(let run) in scene.elements where run.spans.first?.font.weight == .bold && run.plainText.contains(",") {
            #expect(run.x < Double(format.width) - run.maxFontSize * 3)
        }
    }

    /// The chart on Explore: shown about 350 CSS pixels wide on a phone, the 1080-pixel proportions made labels
    /// 5 px; the screen format with a floor keeps every text at 14 of its 420 pixels (11.7 CSS px there).
    @Test(arguments: [3, 10, 20])
    func screenChartsKeepTextReadable(n: Int) throws {
        let format = TopChartLayout.screenFormat(rows: n)
        #expect(format.width == 420 && format.isPortrait)
        let scene = try TopChartLayout(format: format, theme: .light, minimumTextSize: TopChartLayout.screenTextSize)
            .scene(entries: Self.entries(n), metric: .minutes, caption: Self.caption)
        let sizes = scene.texts.flatMap { $0.spans.map(\.font.size) }
        #expect(sizes.count > 2 * n && sizes.min() == TopChartLayout.screenTextSize, "\(sizes)")
        // The rows still do not overlap, and every run stays on the canvas.
        let names = scene.texts.filter { $0.maxWidth != nil && $0.spans.first?.font.weight == .semibold }
        let centres = names.map(\.centerY).sorted()
        for (a, b) in zip(centres, centres.dropFirst()) { #expect(b - a >= names[0].maxFontSize * 1.2) }
        for run in scene.texts { #expect(run.centerY > 0 && run.centerY < Double(format.height)) }
        // Without the floor the same chart would print labels far under it.
        let unfloored = try TopChartLayout(format: .square, theme: .light).scene(
            entries: Self.entries(n), metric: .minutes, caption: Self.caption)
        #expect((unfloored.texts.flatMap { $0.spans.map(\.font.size) }.min() ?? 0) * 350 / 1080 < 11)
    }

    @Test func emptyAndOversizedChartsAreRejected() {
        let layout = TopChartLayout(format: .story, theme: .light)
        #expect(throws: ChartsError.self) { try layout.scene(entries: [], metric: .streams, caption: Self.caption) }
        #expect(throws: ChartsError.topOutOfRange(21)) {
            try layout.scene(entries: Self.entries(21), metric: .streams, caption: Self.caption)
        }
    }

    @Test func valueLabelsUseThousandsSeparators() throws {
        let scene = try TopChartLayout(format: .square, theme: .vivid).scene(
            entries: Self.entries(3), metric: .streams, caption: Self.caption)
        #expect(scene.texts.contains { $0.plainText == "10,000" })
        #expect(TopChartLayout.valueLabel(1234.4, metric: .minutes) == "1,234 min")
    }

    @Test func raceFramesKeepBarsInsideTheClipAndShowTheCounter() throws {
        let timeline = try RaceTimeline(
            data: RaceTimelineTests.data(), top: 3, timing: RaceTiming(fps: 10, raceFrames: 21, holdFrames: 0))
        let layout = RaceFrameLayout(timeline: timeline, format: .story, theme: .dark)
        let scene = layout.scene(frame: 20)
        #expect(scene.texts.contains { $0.plainText == "2024" })
        #expect(scene.texts.contains { $0.plainText == "March" })
        #expect(scene.texts.contains { $0.plainText == "400" })
        let begin = scene.elements.firstIndex { if case .beginClip = $0 { return true } else { return false } }
        let end = scene.elements.firstIndex { $0 == .endClip }
        #expect(begin != nil && end != nil && begin! < end!)
    }
}
