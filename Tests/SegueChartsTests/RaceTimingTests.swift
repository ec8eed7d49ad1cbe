import Testing

@testable import SegueCharts

@Suite struct RaceTimingTests {
    @Test func totalDurationIncludesTheHold() throws {
        let timing = try RaceTiming(fps: 30, totalSeconds: 20)
        #expect(timing.totalFrames == 600)
        #expect(timing.holdFrames == 60)
        #expect(timing.seconds == 20)
    }

    @Test func shortVideosKeepMostOfTheirFramesForMotion() throws {
        let timing = try RaceTiming(fps: 30, totalSeconds: 3)
        #expect(timing.totalFrames == 90)
        #expect(timing.holdFrames == 30)
    }

    @Test func periodLengthSetsFramesPerStep() throws {
        let timing = try RaceTiming(fps: 24, secondsPerPeriod: 0.5, periods: 13, holdSeconds: 1)
        #expect(timing.raceFrames == 12 * 12 + 1)
        #expect(timing.holdFrames == 24)
    }

    @Test func badRatesAndDurationsAreRejected() {
        #expect(throws: ChartsError.badFrameRate(0)) { try RaceTiming(fps: 0, totalSeconds: 10) }
        #expect(throws: ChartsError.badFrameRate(500)) { try RaceTiming(fps: 500, totalSeconds: 10) }
        #expect(throws: ChartsError.badDuration(-1)) { try RaceTiming(fps: 30, totalSeconds: -1) }
        #expect(throws: ChartsError.badDuration(0)) { try RaceTiming(fps: 30, secondsPerPeriod: 0, periods: 3) }
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
