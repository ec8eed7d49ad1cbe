/// How long a race lasts: frame rate, frames of motion and frames of the final hold.
public struct RaceTiming: Sendable, Equatable {
    /// Frames per second.
    public var fps: Double
    /// Frames during which the bars move (the first shows the first period, the last the last period).
    public var raceFrames: Int
    /// Frames that repeat the final state so viewers can read it.
    public var holdFrames: Int

    /// The default final hold, in seconds.
    public static let defaultHoldSeconds = 2.0

    /// All frames.
    public var totalFrames: Int { raceFrames + holdFrames }
    /// Length of the video in seconds.
    public var seconds: Double { Double(totalFrames) / fps }

    /// Explicit frame counts.
    /// - Throws: `ChartsError.badFrameRate` or `.badDuration`.
    public init(fps: Double, raceFrames: Int, holdFrames: Int) throws(ChartsError) {
        try Self.validate(fps: fps)
        guard raceFrames >= 1, holdFrames >= 0 else { throw .badDuration(Double(raceFrames) / fps) }
        self.fps = fps
        self.raceFrames = raceFrames
        self.holdFrames = holdFrames
    }

    /// A race whose whole video, final hold included, lasts `seconds`.
    ///
    /// The hold is shortened to at most a third of the video when the video is short.
    public init(fps: Double, totalSeconds seconds: Double, holdSeconds: Double = defaultHoldSeconds)
        throws(ChartsError)
    {
        try Self.validate(fps: fps)
        guard seconds.isFinite, seconds > 0, holdSeconds >= 0 else { throw .badDuration(seconds) }
        let total = max(2, Int((seconds * fps).rounded()))
        let hold = min(Int((holdSeconds * fps).rounded()), total / 3)
        try self.init(fps: fps, raceFrames: total - hold, holdFrames: hold)
    }

    /// A race that spends `secondsPerPeriod` on each step from one period to the next.
    public init(fps: Double, secondsPerPeriod: Double, periods: Int, holdSeconds: Double = defaultHoldSeconds)
        throws(ChartsError)
    {
        try Self.validate(fps: fps)
        guard secondsPerPeriod.isFinite, secondsPerPeriod > 0, holdSeconds >= 0 else {
            throw .badDuration(secondsPerPeriod)
        }
        let steps = max(0, periods - 1)
        let race = Int((Double(steps) * secondsPerPeriod * fps).rounded()) + 1
        try self.init(fps: fps, raceFrames: race, holdFrames: Int((holdSeconds * fps).rounded()))
    }

    private static func validate(fps: Double) throws(ChartsError) {
        guard fps.isFinite, fps >= 1, fps <= 120 else { throw .badFrameRate(fps) }
    }
}
