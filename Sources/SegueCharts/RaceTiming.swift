/// How long a race lasts: frame rate, frames of motion, frames in which the last slides land, and
/// frames of the settled final hold.
///
/// A video is `raceFrames` (values grow from the first period to the last), then `settleFrames`
/// (values stand at the last period while bars that are still changing rows reach them), then
/// `holdFrames` (the final ranking, every bar in its slot, not moving). The last frame is what
/// people see when the video ends or loops and what platforms pick as a thumbnail, so the
/// constructors people reach (`totalSeconds`, `secondsPerPeriod`, `readable`) never hold it for less
/// than `minimumHoldSeconds`.
public struct RaceTiming: Sendable, Equatable {
    /// Frames per second.
    public var fps: Double
    /// Frames during which the values move (the first shows the first period, the last the last period).
    public var raceFrames: Int
    /// Frames after the last period in which bars finish sliding to their final rows.
    public var settleFrames: Int
    /// Frames that repeat the settled final state so viewers can read it.
    public var holdFrames: Int

    /// The default final hold, in seconds.
    public static let defaultHoldSeconds = 2.0
    /// The shortest final hold the duration-based constructors accept, in seconds.
    public static let minimumHoldSeconds = 1.5
    /// Time after the last period for the last rank slides to land (longer than the 0.45 s slide).
    public static let settleSeconds = 0.5

    /// The default pace: seconds of motion per period step (one month a second for a monthly race).
    public static let readableSecondsPerStep = 1.0
    /// The shortest default video, in seconds.
    public static let readableMinimumSeconds = 5.0
    /// The longest default video, in seconds (also the longest the web app renders).
    public static let readableMaximumSeconds = 60.0

    /// All frames.
    public var totalFrames: Int { raceFrames + settleFrames + holdFrames }
    /// Length of the video in seconds.
    public var seconds: Double { Double(totalFrames) / fps }
    /// The first frame of the final hold.
    public var firstHoldFrame: Int { raceFrames + settleFrames }

    /// Explicit frame counts.
    /// - Parameters:
    ///   - settleFrames: frames for the last slides to land; nil gives `settleFrames(fps:)`.
    /// - Throws: `ChartsError.badFrameRate` or `.badDuration`.
    public init(fps: Double, raceFrames: Int, settleFrames: Int? = nil, holdFrames: Int) throws(ChartsError) {
        try Self.validate(fps: fps)
        let settle = settleFrames ?? Self.settleFrames(fps: fps)
        guard raceFrames >= 1, settle >= 0, holdFrames >= 0 else { throw .badDuration(Double(raceFrames) / fps) }
        self.fps = fps
        self.raceFrames = raceFrames
        self.settleFrames = settle
        self.holdFrames = holdFrames
    }

    /// A race whose whole video, settling and final hold included, lasts `seconds`.
    ///
    /// The hold is shortened to a third of the video when the video is short, but never below
    /// `minimumHoldSeconds`.
    /// - Throws: `ChartsError.badFrameRate`, `.badHold`, or `.badDuration` when the video is not
    ///   positive or too short to hold the final hold, the settling and some motion.
    public init(fps: Double, totalSeconds seconds: Double, holdSeconds: Double = defaultHoldSeconds)
        throws(ChartsError)
    {
        try Self.validate(fps: fps)
        try Self.validate(holdSeconds: holdSeconds)
        guard seconds.isFinite, seconds > 0, seconds <= 24 * 3600 else { throw .badDuration(seconds) }
        let total = Int((seconds * fps).rounded())
        let settle = Self.settleFrames(fps: fps)
        let hold = max(Self.minimumHoldFrames(fps: fps), min(Int((holdSeconds * fps).rounded()), total / 3))
        // At least two frames of motion: the first period and the last.
        guard total - settle - hold >= 2 else { throw .badDuration(seconds) }
        try self.init(fps: fps, raceFrames: total - settle - hold, settleFrames: settle, holdFrames: hold)
    }

    /// A race that spends `secondsPerPeriod` on each step from one period to the next.
    /// - Throws: `ChartsError.badFrameRate`, `.badDuration` or `.badHold`.
    public init(fps: Double, secondsPerPeriod: Double, periods: Int, holdSeconds: Double = defaultHoldSeconds)
        throws(ChartsError)
    {
        try Self.validate(fps: fps)
        try Self.validate(holdSeconds: holdSeconds)
        let steps = max(0, periods - 1)
        guard secondsPerPeriod.isFinite, secondsPerPeriod > 0, Double(steps) * secondsPerPeriod <= 24 * 3600 else {
            throw .badDuration(secondsPerPeriod)
        }
        let race = Int((Double(steps) * secondsPerPeriod * fps).rounded()) + 1
        try self.init(fps: fps, raceFrames: race, holdFrames: Int((holdSeconds * fps).rounded()))
    }

    /// The default race for `periods` periods: `readableSeconds(periods:holdSeconds:)` long.
    /// - Throws: `ChartsError.badFrameRate` or `.badHold`.
    public static func readable(fps: Double, periods: Int, holdSeconds: Double = defaultHoldSeconds)
        throws(ChartsError) -> RaceTiming
    {
        try validate(holdSeconds: holdSeconds)
        return try RaceTiming(
            fps: fps, totalSeconds: readableSeconds(periods: periods, holdSeconds: holdSeconds),
            holdSeconds: holdSeconds)
    }

    /// The default length of a race over `periods` periods, in seconds.
    ///
    /// `readableSecondsPerStep` per step from one period to the next, plus the settling and the hold,
    /// kept between `readableMinimumSeconds` and `readableMaximumSeconds`: a year by month lasts
    /// 11 + 0.5 + 2 = 13.5 s; ten years by month reach the cap, a 60 s video moving about two months
    /// a second, where a fixed 12 s would move ten.
    public static func readableSeconds(periods: Int, holdSeconds: Double = defaultHoldSeconds) -> Double {
        let steps = Double(max(0, min(periods, 1_000_000) - 1))
        let wanted = steps * readableSecondsPerStep + settleSeconds + max(0, holdSeconds)
        return min(readableMaximumSeconds, max(readableMinimumSeconds, wanted))
    }

    /// Frames after the last period for the last slides to land at `fps`.
    public static func settleFrames(fps: Double) -> Int {
        Int((settleSeconds * fps).rounded(.up))
    }

    /// The fewest frames of final hold at `fps`.
    public static func minimumHoldFrames(fps: Double) -> Int {
        Int((minimumHoldSeconds * fps).rounded(.up))
    }

    private static func validate(fps: Double) throws(ChartsError) {
        guard fps.isFinite, fps >= 1, fps <= 120 else { throw .badFrameRate(fps) }
    }

    private static func validate(holdSeconds: Double) throws(ChartsError) {
        guard holdSeconds.isFinite, holdSeconds >= minimumHoldSeconds, holdSeconds <= 600 else {
            throw .badHold(holdSeconds)
        }
    }
}
