import SegueModel
import Testing

@testable import SegueCharts

@Suite struct RaceTimelineTests {
    /// Three periods; A leads, B overtakes A in the last step, C enters late, D leaves the top 3.
    static func data() -> RaceData {
        let days = (1...3).map { CalendarDay(year: 2024, month: $0, day: 1) }
        return RaceData(
            kind: .artists, metric: .streams, period: .month, periods: days,
            entities: ["A", "B", "C", "D"].map { RaceEntity(name: $0) },
            values: [
                [100, 200, 300],
                [50, 150, 400],
                [0, 0, 250],
                [80, 90, 100],
            ])
    }

    static func timeline(raceFrames: Int = 21, hold: Int = 5, top: Int = 3) throws -> RaceTimeline {
        try RaceTimeline(data: data(), top: top, timing: RaceTiming(fps: 10, raceFrames: raceFrames, holdFrames: hold))
    }

    func bar(_ state: RaceFrameState, _ entity: Int) -> RaceBarState? {
        state.bars.first { $0.entity == entity }
    }

    @Test func firstAndLastFramesShowThePeriodValues() throws {
        let t = try Self.timeline()
        let first = t.frame(0)
        #expect(first.time == 0)
        #expect(bar(first, 0)?.value == 100)
        #expect(bar(first, 1)?.value == 50)
        let last = t.frame(20)
        #expect(last.time == 2)
        #expect(bar(last, 1)?.value == 400)
        #expect(bar(last, 2)?.value == 250)
        #expect(last.periodIndex == 2)
    }

    @Test func valuesInterpolateLinearlyBetweenPeriods() throws {
        let t = try Self.timeline()
        // 21 frames over 2 steps: frame 5 is halfway through the first step.
        let mid = t.frame(5)
        #expect(mid.time == 0.5)
        #expect(bar(mid, 0)?.value == 150)
        #expect(bar(mid, 1)?.value == 100)
        #expect(bar(mid, 3)?.value == 85)
        #expect(mid.axisMaximum == 150)
    }

    @Test func easedValuesKeepTheirEndpoints() throws {
        let t = try RaceTimeline(
            data: Self.data(), top: 3, timing: RaceTiming(fps: 10, raceFrames: 21, holdFrames: 0),
            valueEasing: .easeInOutCubic)
        #expect(bar(t.frame(10), 0)?.value == 200)
        #expect(bar(t.frame(5), 0)?.value == 150)  // the cubic is symmetric about the midpoint
        #expect(bar(t.frame(2), 0)!.value < 140)  // and slow at the start
    }

    @Test func ranksFollowInterpolatedValues() throws {
        let t = try Self.timeline()
        let start = t.frame(0)
        #expect(bar(start, 0)?.rank == 0)
        #expect(bar(start, 3)?.rank == 1)
        #expect(bar(start, 1)?.rank == 2)
        let end = t.frame(20)
        #expect(bar(end, 1)?.rank == 0)
        #expect(bar(end, 0)?.rank == 1)
        #expect(bar(end, 2)?.rank == 2)
    }

    @Test func tiesRankByNameAndNeverFlicker() throws {
        let days = (1...2).map { CalendarDay(year: 2024, month: $0, day: 1) }
        let data = RaceData(
            kind: .artists, metric: .streams, period: .month, periods: days,
            entities: ["Zed", "Abba", "Mid"].map { RaceEntity(name: $0) },
            values: [[10, 20], [10, 20], [10, 20]])
        let t = try RaceTimeline(data: data, top: 3, timing: RaceTiming(fps: 10, raceFrames: 11, holdFrames: 0))
        for k in 0..<11 {
            let state = t.frame(k)
            #expect(state.bars.map(\.entity) == [1, 2, 0])
            #expect(state.bars.map(\.position) == [0, 1, 2])
        }
    }

    @Test func overtakingBarsSlideContinuously() throws {
        let t = try Self.timeline(raceFrames: 61)
        var previous = t.frame(0)
        var sawFractional = false
        for k in 1..<61 {
            let state = t.frame(k)
            for bar in state.bars {
                if let before = self.bar(previous, bar.entity) {
                    // No jumps: a slide covers at most one row per frame with these settings.
                    #expect(abs(bar.position - before.position) <= 1.0001)
                }
                if bar.position != bar.position.rounded() { sawFractional = true }
            }
            previous = state
        }
        #expect(sawFractional)
        // At rest at the end, in rank order.
        let end = t.frame(60)
        #expect(end.bars.filter { $0.position < 3 }.map(\.position) == [0, 1, 2])
    }

    @Test func enteringBarsComeFromBelowAndLeavingBarsFadeOut() throws {
        let t = try Self.timeline(raceFrames: 61)
        // C has no plays at first: not on screen.
        #expect(bar(t.frame(0), 2) == nil)
        // When it enters it slides up from the hidden row below the chart, fading in.
        let entering = (31..<61).compactMap { bar(t.frame($0), 2) }
        #expect(!entering.isEmpty)
        #expect(entering.first!.position > 2)
        #expect(entering.first!.opacity < 1)
        #expect(entering.last!.position == 2 && entering.last!.opacity == 1)
        // D drops out of the top 3 and leaves downwards until it is gone.
        let leaving = (31..<61).map { bar(t.frame($0), 3) }
        #expect(leaving.last! == nil)
        let visible = leaving.compactMap { $0 }
        #expect(zip(visible, visible.dropFirst()).allSatisfy { $0.position <= $1.position })
    }

    @Test func holdFramesRepeatTheSettledLastState() throws {
        let t = try Self.timeline()
        // 21 race frames, 5 settling frames (0.5 s at 10 fps), 5 hold frames.
        #expect(t.frameCount == 31)
        #expect(t.lastDistinctFrame == 25)
        let lastRace = t.frame(20)
        let settled = t.frame(25)
        let hold = t.frame(30)
        #expect(hold.isHold && !settled.isHold && !lastRace.isHold)
        #expect(hold.bars == settled.bars)
        #expect(hold.periodIndex == lastRace.periodIndex && settled.time == lastRace.time)
        // While settling the values stand at the last period.
        #expect(settled.bars.map(\.value) == [400, 300, 250])
        #expect(settled.bars.map(\.position) == [0, 1, 2])
    }

    @Test func theCounterShowsThePeriodBeingReached() {
        #expect(RaceTimeline.periodIndex(at: 0, periods: 3) == 0)
        #expect(RaceTimeline.periodIndex(at: 0.01, periods: 3) == 1)
        #expect(RaceTimeline.periodIndex(at: 1, periods: 3) == 1)
        #expect(RaceTimeline.periodIndex(at: 1.5, periods: 3) == 2)
        #expect(RaceTimeline.periodIndex(at: 2, periods: 3) == 2)
    }

    @Test func aSinglePeriodRaceStandsStill() throws {
        var data = Self.data()
        data.periods = [data.periods[0]]
        data.values = data.values.map { [$0[0]] }
        let t = try RaceTimeline(data: data, top: 3, timing: RaceTiming(fps: 10, raceFrames: 10, holdFrames: 0))
        #expect(t.frame(9).bars == t.frame(0).bars)
    }

    @Test func badInputsAreRejected() throws {
        let timing = try RaceTiming(fps: 30, raceFrames: 10, holdFrames: 0)
        #expect(throws: ChartsError.topOutOfRange(2)) { try RaceTimeline(data: Self.data(), top: 2, timing: timing) }
        #expect(throws: ChartsError.topOutOfRange(21)) { try RaceTimeline(data: Self.data(), top: 21, timing: timing) }
        var empty = Self.data()
        empty.entities = []
        empty.values = []
        #expect(throws: ChartsError.self) { try RaceTimeline(data: empty, top: 3, timing: timing) }
        var noPeriods = Self.data()
        noPeriods.periods = []
        #expect(throws: ChartsError.self) { try RaceTimeline(data: noPeriods, top: 3, timing: timing) }
        var ragged = Self.data()
        ragged.values[1] = [1]
        #expect(throws: ChartsError.self) { try RaceTimeline(data: ragged, top: 3, timing: timing) }
    }
}
