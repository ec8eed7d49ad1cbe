/// Flags minutes whose stream count is far from the recent past: an exponentially weighted mean
/// and variance of the per-minute rate, and a z-score threshold with absolute and relative floors
/// so that quiet hours do not alert on noise.
public struct RateAnomalyDetector: Sendable {
    /// Weight of the newest minute in the running mean and variance.
    public var alpha: Double
    /// Standard deviations from the mean that make an alert.
    public var threshold: Double
    /// Minutes observed before any alert (the baseline needs history).
    public var warmUpMinutes: Int
    /// A spike must exceed the mean by at least this many streams and this factor.
    public var minimumChange: Double
    public var minimumFactor: Double

    private(set) var mean = 0.0
    private(set) var variance = 0.0
    private(set) var observed = 0

    public init(alpha: Double = 0.3, threshold: Double = 3, warmUpMinutes: Int = 3, minimumChange: Double = 20, minimumFactor: Double = 1.5) {
        self.alpha = alpha
        self.threshold = threshold
        self.warmUpMinutes = warmUpMinutes
        self.minimumChange = minimumChange
        self.minimumFactor = minimumFactor
    }

    /// The same settings with no history.
    public func reset() -> RateAnomalyDetector {
        RateAnomalyDetector(alpha: alpha, threshold: threshold, warmUpMinutes: warmUpMinutes, minimumChange: minimumChange, minimumFactor: minimumFactor)
    }

    /// Feeds one closed minute; returns an alert when it is unusual. Unusual minutes still update
    /// the baseline, so a lasting new level stops alerting after a few minutes.
    public mutating func observe(minute: Int64, streams: Int) -> LiveAlert? {
        let x = Double(streams)
        defer {
            if observed == 0 {
                mean = x
                variance = 0
            } else {
                let d = x - mean
                mean += alpha * d
                variance = (1 - alpha) * (variance + alpha * d * d)
            }
            observed += 1
        }
        guard observed >= warmUpMinutes else { return nil }
        // Poisson-like noise floor: counts of n vary by about sqrt(n) even when nothing happens.
        let sd = max(variance.squareRoot(), mean.squareRoot(), 1)
        let z = (x - mean) / sd
        if z > threshold && x - mean >= minimumChange && x >= mean * minimumFactor {
            return LiveAlert(kind: .spike, minute: minute, streams: streams, baseline: mean, score: z)
        }
        if z < -threshold && mean - x >= minimumChange && x <= mean / minimumFactor {
            return LiveAlert(kind: .drop, minute: minute, streams: streams, baseline: mean, score: z)
        }
        return nil
    }
}
