import SegueModel
import Testing

@testable import SegueCharts

/// The end of every race is what people see when the video stops or loops and what platforms pick as
/// a thumbnail: the last period's ranking, every bar at rest in its slot, held for at least 1.5 s.
@Suite struct RaceEndingTests {
    /// Twelve entities over `periods` months with pseudo-random growth, so ranks keep changing up to
    /// the end; in the last step E overtakes F at 98 % of the step (a slide that starts just before
    /// the last period is reached).
    static func data(periods: Int = 8, seed: UInt64 = 1) -> RaceData {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 33) / Double(1 << 31)
        }
        let names = ["Aurora", "Björk", "Caribou", "Daft Punk", "E", "F", "Grimes", "Hozier", "Iggy", "Jain", "Kali", "Lorde"]
        var values: [[Double]] = []
        for _ in names {
            var total = 0.0
            var row: [Double] = []
            for _ in 0..<periods {
                total += (next() * 120).rounded()
                row.append(total)
            }
            values.append(row)
        }
        // E: 1000 -> 2000, F: 1500 -> 1990 in the last step; they cross at 50/51 of it.
        let last = periods - 1
        values[4][last - 1] = 1000
        values[4][last] = 2000
        values[5][last - 1] = 1500
        values[5][last] = 1990
        for e in [4, 5] {
            for p in 0..<(last - 1) { values[e][p] = min(values[e][p], values[e][last - 1]) }
        }
        // A late entrant: no plays before the last step.
        for p in 0..<last { values[11][p] = 0 }
        values[11][last] = 1700
        let months = (0..<periods).map { CalendarDay(year: 2020 + $0 / 12, month: $0 % 12 + 1, day: 1) }
        return RaceData(
            kind: .artists, metric: .streams, period: .month, periods: months,
            entities: names.map { RaceEntity(name: $0) }, values: values)
    }

    /// The expected final ranking, worked out from the data alone: by last value, then by name.
    static func finalRanking(_ data: RaceData, top: Int) -> [Int] {
        let ranked = data.entities.indices.filter { (data.values[$0].last ?? 0) > 0 }.sorted {
            let a = data.values[$0].last!
            let b = data.values[$1].last!
            return a != b ? a > b : data.entities[$0].name < data.entities[$1].name
        }
        return Array(ranked.prefix(top))
    }

    /// Checks the last second frame by frame and the final hold; records an issue naming the frame.
    static func checkEnding(_ t: RaceTimeline, label: String) {
        let fps = t.timing.fps
        let last = t.frameCount - 1
        let final = t.frame(last)
        let expected = finalRanking(t.data, top: t.top)
        #expect(final.bars.map(\.entity) == expected, "\(label): the final ranking")
        #expect(final.periodIndex == t.data.periods.count - 1, "\(label): the counter shows the last period")
        #expect(final.bars.map { t.data.values[$0.entity].last! } == final.bars.map(\.value), "\(label): final values")
        let holdStart = last - Int((RaceTiming.minimumHoldSeconds * fps).rounded(.up))
        #expect(holdStart >= 0, "\(label): the video is shorter than the hold")
        let secondStart = max(0, last - Int(fps.rounded(.up)))
        for k in min(secondStart, max(0, holdStart))...last {
            let state = t.frame(k)
            let positions = state.bars.map(\.position)
            // Every bar at rest in its slot, fully shown: slots 0..<n filled once each.
            if positions != expected.indices.map(Double.init) {
                Issue.record("\(label), frame \(k) of \(last): bars at \(positions), expected slots 0..<\(expected.count)")
                return
            }
            for bar in state.bars where bar.opacity != 1 || bar.target != bar.position || Double(bar.rank) != bar.position {
                Issue.record(
                    "\(label), frame \(k): entity \(bar.entity) not at rest (rank \(bar.rank), \(bar.position) -> \(bar.target), opacity \(bar.opacity))"
                )
                return
            }
            // No two bars overlap.
            let sorted = positions.sorted()
            for (a, b) in zip(sorted, sorted.dropFirst()) where b - a < 1 {
                Issue.record("\(label), frame \(k): bars at \(a) and \(b) overlap")
            }
            if k >= holdStart
                && (state.bars != final.bars || state.axisMaximum != final.axisMaximum
                    || state.periodIndex != final.periodIndex || state.time != final.time)
            {
                Issue.record("\(label), frame \(k): differs from the last frame within its last 1.5 s")
                return
            }
        }
    }

    @Test func theIssuesSixSecondRaceEndsSettled() throws {
        // The issue's case: a 6 s race whose last frames froze mid-overtake.
        let t = try RaceTimeline(data: Self.data(), top: 10, timing: RaceTiming(fps: 30, totalSeconds: 6))
        // E overtakes F at the very end of the race: at the last race frame its slide has just begun.
        let lastRaceFrame = t.frame(t.timing.raceFrames - 1)
        let e = try #require(lastRaceFrame.bars.first { $0.entity == 4 })
        #expect(e.position != e.target)
        Self.checkEnding(t, label: "6 s at 30 fps")
    }

    @Test(arguments: [24.0, 30, 60])
    func everyDurationEndsSettled(fps: Double) throws {
        for seed in 1...4 {
            for periods in [2, 3, 8, 30] {
                let data = Self.data(periods: periods, seed: UInt64(seed))
                for top in [3, 5, 10] {
                    for seconds in [3.0, 4.5, 6, 12, 20] {
                        let timing = try RaceTiming(fps: fps, totalSeconds: seconds)
                        Self.checkEnding(
                            try RaceTimeline(data: data, top: top, timing: timing),
                            label: "seed \(seed), \(periods) periods, top \(top), \(seconds) s at \(fps) fps")
                    }
                    let readable = try RaceTiming.readable(fps: fps, periods: periods)
                    Self.checkEnding(
                        try RaceTimeline(data: data, top: top, timing: readable),
                        label: "seed \(seed), \(periods) periods, top \(top), default length at \(fps) fps")
                    let perPeriod = try RaceTiming(fps: fps, secondsPerPeriod: 0.2, periods: periods, holdSeconds: 1.5)
                    Self.checkEnding(
                        try RaceTimeline(data: data, top: top, timing: perPeriod),
                        label: "seed \(seed), \(periods) periods, top \(top), 0.2 s per period at \(fps) fps")
                }
            }
        }
    }

    @Test func slowSlidesStillLandBeforeTheHold() throws {
        // A slide asked to take longer than the settling is shortened to fit it.
        let timing = try RaceTiming(fps: 30, totalSeconds: 8)
        let t = try RaceTimeline(data: Self.data(), top: 10, timing: timing, swapSeconds: 3)
        #expect(t.swapFrames <= Double(timing.settleFrames + 1))
        Self.checkEnding(t, label: "3 s slides")
    }

    @Test func theLastSecondOfScenesIsTheFinalScene() throws {
        let t = try RaceTimeline(data: Self.data(), top: 10, timing: RaceTiming(fps: 30, totalSeconds: 6))
        for format in [SocialFormat.story, .landscape] {
            let layout = RaceFrameLayout(timeline: t, format: format, theme: .dark)
            let last = t.frameCount - 1
            let final = layout.scene(frame: last)
            for k in (last - 45)..<last {
                #expect(layout.scene(frame: k) == final, "\(format) frame \(k) differs from the last frame")
            }
            // Every slot has its rank number and every bar its name and value, none dimmed.
            let texts = final.texts
            for slot in 1...10 { #expect(texts.contains { $0.plainText == String(slot) }) }
            for e in Self.finalRanking(t.data, top: 10) {
                let name = try #require(texts.first { $0.plainText == t.data.entities[e].name }, "no label for \(e)")
                #expect(name.spans.allSatisfy { $0.color.alpha == Theme.dark.primaryText.alpha })
                let value = NumberFormatting.grouped(t.data.values[e].last!)
                #expect(texts.contains { $0.plainText == value && $0.spans[0].color.alpha == Theme.dark.primaryText.alpha })
            }
        }
    }

    @Test func theHoldIsNeverShorterThanTheMinimum() throws {
        for seconds in [3.0, 4, 5, 6] {
            let timing = try RaceTiming(fps: 30, totalSeconds: seconds)
            #expect(Double(timing.holdFrames) / 30 >= RaceTiming.minimumHoldSeconds)
            #expect(timing.totalFrames == Int(seconds * 30))
        }
        #expect(throws: ChartsError.badHold(1)) { try RaceTiming(fps: 30, totalSeconds: 10, holdSeconds: 1) }
        #expect(throws: ChartsError.badHold(0.5)) {
            try RaceTiming(fps: 30, secondsPerPeriod: 1, periods: 4, holdSeconds: 0.5)
        }
        #expect(throws: ChartsError.self) { try RaceTiming.readable(fps: 30, periods: 4, holdSeconds: .nan) }
        // Too short for the hold, the settling and any motion.
        #expect(throws: ChartsError.badDuration(2)) { try RaceTiming(fps: 30, totalSeconds: 2) }
    }
}
