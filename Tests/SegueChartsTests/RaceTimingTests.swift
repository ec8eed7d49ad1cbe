import Testing

@testable import SegueCharts

@Suite struct RaceTimingTests {
    @Test func totalDurationIncludesTheHold() throws {
        let timing = try RaceTiming(fps: 30, totalSeconds: 20)
        #expect(timing.totalFrames == 600)
        #expect(timing.holdFrames == 60)
        #expect(timing.settleFrames == 15)
        #expect(timing.raceFrames == 525)
        #expect(timing.seconds == 20)
    }

    @Test func shortVideosShortenTheHoldToTheMinimum() throws {
        let timing = try RaceTiming(fps: 30, totalSeconds: 3)
        #expect(timing.totalFrames == 90)
        #expect(timing.holdFrames == 45)
        #expect(timing.raceFrames == 30)
        // Longer videos keep the hold asked for, up to a third of the video.
        #expect(try RaceTiming(fps: 30, totalSeconds: 6).holdFrames == 60)
        #expect(try RaceTiming(fps: 30, totalSeconds: 9, holdSeconds: 5).holdFrames == 90)
    }

    @Test func periodLengthSetsFramesPerStep() throws {
        let timing = try RaceTiming(fps: 24, secondsPerPeriod: 0.5, periods: 13, holdSeconds: 1.5)
        #expect(timing.raceFrames == 12 * 12 + 1)
        #expect(timing.settleFrames == 12)
        #expect(timing.holdFrames == 36)
    }

    @Test func badRatesAndDurationsAreRejected() {
        #expect(throws: ChartsError.badFrameRate(0)) { try RaceTiming(fps: 0, totalSeconds: 10) }
        #expect(throws: ChartsError.badFrameRate(500)) { try RaceTiming(fps: 500, totalSeconds: 10) }
        #expect(throws: ChartsError.badDuration(-1)) { try RaceTiming(fps: 30, totalSeconds: -1) }
        #expect(throws: ChartsError.badDuration(0)) { try RaceTiming(fps: 30, secondsPerPeriod: 0, periods: 3) }
    }

    @Test func theDefaultLengthFollowsThePeriodsUpToACap() throws {
        // One second per step, plus 0.5 s of settling and the 2 s hold.
        #expect(RaceTiming.readableSeconds(periods: 12) == 13.5)
        #expect(RaceTiming.readableSeconds(periods: 24) == 25.5)
        #expect(RaceTiming.readableSeconds(periods: 53) == 54.5)
        // At least 5 s, even for one or two periods.
        #expect(RaceTiming.readableSeconds(periods: 1) == 5)
        #expect(RaceTiming.readableSeconds(periods: 2) == 5)
        #expect(RaceTiming.readableSeconds(periods: 0) == 5)
        // Capped at 60 s: ten years by month move about two months a second, not ten.
        #expect(RaceTiming.readableSeconds(periods: 58) == 59.5)
        #expect(RaceTiming.readableSeconds(periods: 59) == 60)
        #expect(RaceTiming.readableSeconds(periods: 120) == 60)
        #expect(RaceTiming.readableSeconds(periods: 3_650) == 60)
        #expect(RaceTiming.readableSeconds(periods: .max) == 60)
        let tenYears = try RaceTiming.readable(fps: 30, periods: 120)
        #expect(tenYears.seconds == 60)
        let monthsPerSecond = 119 / (Double(tenYears.raceFrames - 1) / 30)
        #expect(monthsPerSecond > 2 && monthsPerSecond < 2.2)
        // Never shorter as the race gets longer; a longer hold is added on top.
        for p in 1..<200 { #expect(RaceTiming.readableSeconds(periods: p + 1) >= RaceTiming.readableSeconds(periods: p)) }
        #expect(RaceTiming.readableSeconds(periods: 12, holdSeconds: 4) == 15.5)
        let year = try RaceTiming.readable(fps: 30, periods: 12)
        #expect(year.totalFrames == 405 && year.holdFrames == 60 && year.settleFrames == 15)
    }

    @Test func easingsFixTheirEndpoints() {
        for easing in Easing.allCases {
            #expect(easing(0) == 0)
            #expect(abs(easing(1) - 1) < 1e-12)
            #expect(easing(-1) == 0 && abs(easing(2) - 1) < 1e-12)
        }
        #expect(abs(Easing.easeInOutCubic(0.5) - 0.5) < 1e-12)
    }
}
