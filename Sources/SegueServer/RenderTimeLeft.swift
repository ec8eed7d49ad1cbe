import Foundation

/// The time a render has left, from the pace of its frames so far.
///
/// The pace is measured from the first frame reported, not from the job's start: opening the store, laying out
/// the scenes and starting ffmpeg take a second or more before any frame, and dividing that by the first few
/// frames made a 4-second race read "86 s left". Until a few frames and half a second have gone by there is no
/// estimate rather than a wild one.
struct RenderTimeLeft: Sendable {
    private var first: (frame: Int, seconds: Double)?

    /// Seconds left after `done` of `total` frames at `now` (seconds on any steady clock), or nil while too
    /// little has been seen to tell.
    mutating func estimate(done: Int, total: Int, now: Double) -> Double? {
        guard let first else {
            self.first = (done, now)
            return nil
        }
        let frames = done - first.frame
        let elapsed = now - first.seconds
        guard frames >= max(3, total / 50), elapsed >= 0.5 else { return nil }
        return elapsed / Double(frames) * Double(max(0, total - done))
    }

    /// "Frame 10 of 200", with " · about 4 s left" once there is an estimate.
    mutating func detail(done: Int, total: Int, now: Double) -> String {
        let left = estimate(done: done, total: total, now: now)
        return "Frame \(done) of \(total)" + (left.map { " · about \(max(1, Int($0.rounded()))) s left" } ?? "")
    }
}
