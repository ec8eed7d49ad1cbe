import Testing

@testable import SegueServer

@Suite struct RenderTimeLeftTests {
    /// A 4-second race as a worker runs it: 2 s of setup (store, layout, ffmpeg) before the first frame, then
    /// 200 frames at 20 ms each.
    @Test func aShortRaceIsNotPromisedMinutes() {
        var timeLeft = RenderTimeLeft()
        let setup = 2.0
        let perFrame = 0.02
        var estimates: [(done: Int, left: Double)] = []
        for done in 1...200 {
            let now = setup + Double(done) * perFrame
            if let left = timeLeft.estimate(done: done, total: 200, now: now) { estimates.append((done, left)) }
        }
        // The old estimate, elapsed since the start over the frames done, said 2.02 / 1 × 199 ≈ 402 s here.
        #expect(!estimates.isEmpty)
        #expect(estimates.first.map { $0.done > 1 } == true, "no estimate from a single frame")
        for (done, left) in estimates {
            let actual = Double(200 - done) * perFrame
            #expect(abs(left - actual) <= 0.25 * actual + 0.05, "after \(done) frames: \(left) s left, actually \(actual)")
        }
        var words = RenderTimeLeft()
        #expect(words.detail(done: 1, total: 200, now: 2.02) == "Frame 1 of 200")
        #expect(words.detail(done: 60, total: 200, now: 3.2) == "Frame 60 of 200 · about 3 s left")
    }
}
