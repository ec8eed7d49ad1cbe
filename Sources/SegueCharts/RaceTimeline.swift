import SegueModel

/// One bar of one race frame.
public struct RaceBarState: Sendable, Equatable {
    /// Index into `RaceData.entities`.
    public var entity: Int
    /// The interpolated cumulative value.
    public var value: Double
    /// The instantaneous rank (0 = leader) by interpolated value.
    public var rank: Int
    /// Row position, fractional while sliding: 0 is the top row, `top` is just below the last visible row.
    public var position: Double
    /// The row the bar is sliding to (equal to `position` when at rest).
    public var target: Double
    /// 1 inside the chart, fading to 0 as the bar slides below the last row.
    public var opacity: Double
}

/// Everything a race frame shows, before layout.
public struct RaceFrameState: Sendable, Equatable {
    /// Frame number, from 0.
    public var index: Int
    /// Continuous period time: 0 is the end of the first period, `periods.count - 1` the end of the last.
    public var time: Double
    /// The period the counter shows.
    public var periodIndex: Int
    /// Visible bars (opacity above zero), sorted by position.
    public var bars: [RaceBarState]
    /// The value that spans the full bar width (the leader's value).
    public var axisMaximum: Double
    /// True on the frames of the final hold, which repeat the settled final state.
    public var isHold: Bool
}

/// The race over time: interpolated values, instantaneous ranks and eased row positions per frame.
///
/// Values move linearly between period ends (cumulative counts grow steadily); a bar that changes rank
/// slides to its new row over `swapSeconds` with an ease-in-out, starting from wherever it was, so
/// quick successive overtakes never jump. Bars enter from just below the last row and leave downwards,
/// fading over the last row. Ties rank by name, then artist, then URI, then order in the data (the
/// order of the store's top charts), so frames never flicker and the final ranking is the top chart's.
///
/// After the last period the values stand still for `timing.settleFrames` while the last slides land
/// (a slide never lasts longer than that), so the final hold shows every bar at rest in its slot.
public struct RaceTimeline: Sendable {
    public let data: RaceData
    public let top: Int
    public let timing: RaceTiming
    /// Curve applied to value interpolation inside each period step.
    public let valueEasing: Easing
    /// Curve of a bar's slide to its new row.
    public let rankEasing: Easing
    /// Duration of a rank slide, in frames (never longer than the settling after the last period).
    public let swapFrames: Double

    private let frames: [[RaceBarState]]
    private let axisMaxima: [Double]

    /// Builds the timeline, computing every frame's bars once.
    /// - Parameters:
    ///   - swapSeconds: how long a bar takes to reach its new row (shortened when periods are shorter).
    /// - Throws: `ChartsError.topOutOfRange`, `.noData` when there are no periods or entities,
    ///   `.inconsistentRaceData` when `values` does not match.
    public init(
        data: RaceData, top: Int, timing: RaceTiming, valueEasing: Easing = .linear,
        rankEasing: Easing = .easeInOutCubic, swapSeconds: Double = 0.45
    ) throws(ChartsError) {
        try ChartLimits.validateTop(top)
        guard !data.periods.isEmpty else { throw .noData("the range has no periods") }
        guard !data.entities.isEmpty else { throw .noData("no plays in the range") }
        guard data.values.count == data.entities.count else {
            throw .inconsistentRaceData("\(data.entities.count) entities but \(data.values.count) value rows")
        }
        for (e, row) in data.values.enumerated() where row.count != data.periods.count {
            throw .inconsistentRaceData(
                "entity \(e) has \(row.count) values for \(data.periods.count) periods")
        }
        self.data = data
        self.top = top
        self.timing = timing
        self.valueEasing = valueEasing
        self.rankEasing = rankEasing
        let framesPerStep =
            data.periods.count > 1
            ? Double(timing.raceFrames - 1) / Double(data.periods.count - 1) : Double(timing.raceFrames)
        // A slide that starts on the last race frame must land before the hold: it starts from the
        // frame before, so it may last one frame more than the settling.
        self.swapFrames = max(
            1, min(swapSeconds * timing.fps, max(framesPerStep, timing.fps * 0.15), Double(timing.settleFrames + 1)))

        let count = data.entities.count
        // Tie order: by name, artist and URI, then by position in the data.
        let tieOrder: [Int] = {
            let sorted = (0..<count).sorted {
                let a = data.entities[$0]
                let b = data.entities[$1]
                if a.name != b.name { return a.name < b.name }
                if (a.artist ?? "") != (b.artist ?? "") { return (a.artist ?? "") < (b.artist ?? "") }
                if (a.uri ?? "") != (b.uri ?? "") { return (a.uri ?? "") < (b.uri ?? "") }
                return $0 < $1
            }
            var order = [Int](repeating: 0, count: count)
            for (i, e) in sorted.enumerated() { order[e] = i }
            return order
        }()

        var slideFrom = [Double](repeating: Double(top), count: count)
        var slideTo = [Double](repeating: Double(top), count: count)
        var slideStart = [Int](repeating: 0, count: count)
        var frames: [[RaceBarState]] = []
        var axisMaxima: [Double] = []
        let computed = timing.raceFrames + timing.settleFrames
        frames.reserveCapacity(computed)
        axisMaxima.reserveCapacity(computed)
        var values = [Double](repeating: 0, count: count)
        var order = Array(0..<count)
        var rankOf = [Int](repeating: 0, count: count)
        let swap = swapFrames
        let rankEase = rankEasing

        func position(_ e: Int, at k: Int) -> Double {
            let progress = Double(k - slideStart[e]) / swap
            // Exactly on the row once there (a + (b - a) can miss b by an ulp).
            guard progress < 1 else { return slideTo[e] }
            return slideFrom[e] + (slideTo[e] - slideFrom[e]) * rankEase(progress)
        }

        // Race frames, then the settling frames, whose values are the last period's.
        for k in 0..<computed {
            let t = Self.time(
                ofFrame: min(k, timing.raceFrames - 1), raceFrames: timing.raceFrames, periods: data.periods.count)
            Self.interpolate(data.values, at: t, easing: valueEasing, into: &values)
            order.sort { a, b in
                values[a] != values[b] ? values[a] > values[b] : tieOrder[a] < tieOrder[b]
            }
            for (r, e) in order.enumerated() { rankOf[e] = r }
            var bars: [RaceBarState] = []
            bars.reserveCapacity(top + 4)
            for e in 0..<count {
                let target = values[e] > 0 ? Double(min(rankOf[e], top)) : Double(top)
                if k == 0 {
                    slideFrom[e] = target
                    slideTo[e] = target
                } else if target != slideTo[e] {
                    slideFrom[e] = position(e, at: k - 1)
                    slideTo[e] = target
                    slideStart[e] = k - 1
                }
                let y = position(e, at: k)
                let opacity = min(1, max(0, Double(top) - y))
                if opacity > 0 {
                    bars.append(
                        RaceBarState(
                            entity: e, value: values[e], rank: rankOf[e], position: y, target: slideTo[e],
                            opacity: opacity))
                }
            }
            bars.sort { $0.position != $1.position ? $0.position < $1.position : $0.rank < $1.rank }
            frames.append(bars)
            axisMaxima.append(max(values[order[0]], 1))
        }
        self.frames = frames
        self.axisMaxima = axisMaxima
    }

    /// Number of frames, the final hold included.
    public var frameCount: Int { timing.totalFrames }

    /// The last frame that can differ from the one before it; every later frame repeats it.
    public var lastDistinctFrame: Int { timing.raceFrames + timing.settleFrames - 1 }

    /// The state of frame `index` (hold frames repeat the settled last state).
    public func frame(_ index: Int) -> RaceFrameState {
        let k = min(max(0, index), lastDistinctFrame)
        let t = Self.time(
            ofFrame: min(k, timing.raceFrames - 1), raceFrames: timing.raceFrames, periods: data.periods.count)
        return RaceFrameState(
            index: index, time: t, periodIndex: Self.periodIndex(at: t, periods: data.periods.count),
            bars: frames[k], axisMaximum: axisMaxima[k], isHold: index > lastDistinctFrame)
    }

    /// The period time of race frame `k`: evenly spread from 0 to the last period.
    public static func time(ofFrame k: Int, raceFrames: Int, periods: Int) -> Double {
        guard periods > 1, raceFrames > 1 else { return 0 }
        return Double(k) * Double(periods - 1) / Double(raceFrames - 1)
    }

    /// The period the counter shows at time `t`: values grow towards period `p` during `(p-1, p]`.
    public static func periodIndex(at t: Double, periods: Int) -> Int {
        min(periods - 1, max(0, Int((t - 1e-9).rounded(.up))))
    }

    /// Each entity's value at period time `t`.
    public static func interpolate(_ values: [[Double]], at t: Double, easing: Easing, into out: inout [Double]) {
        guard let periods = values.first?.count, periods > 0 else { return }
        let p = min(periods - 1, max(0, Int(t.rounded(.down))))
        let f = easing(t - Double(p))
        for e in values.indices {
            let row = values[e]
            out[e] = p + 1 < periods ? row[p] + (row[p + 1] - row[p]) * f : row[p]
        }
    }
}
