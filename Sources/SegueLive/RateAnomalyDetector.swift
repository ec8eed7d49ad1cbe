/// Flags minutes whose stream count is far from the recent past: an exponentially weighted mean
/// and variance of the per-minute rate, and a z-score threshold with absolute and relative floors
/// so that quiet hours do not alert on noise.
///
/// Once the baseline is learnt (twice `warmUpMinutes`), an unusual minute does not move it: a
/// one-minute spike would otherwise raise the mean and widen the spread for the minutes after it,
/// and a drop that follows a few minutes later (a viral moment, then an outage) would read as
/// ordinary. When `newLevelMinutes` unusual minutes come in a row the traffic has a new level, and
/// the baseline restarts there. While it is learnt every minute teaches it, since what looks
/// unusual then is mostly the spread it has not seen yet; an unusual one only as far as the
/// threshold, so that one outlier in the first minutes does not make it deaf for long after.
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
    /// Unusual minutes in a row after which their level becomes the baseline (so a lasting change
    /// alerts this many minutes, then stops).
    public var newLevelMinutes: Int

    private(set) var mean = 0.0
    private(set) var variance = 0.0
    private(set) var observed = 0
    /// Unusual minutes in a row so far (none of them moved the baseline).
    private(set) var unusualInARow = 0

    public init(
        alpha: Double = 0.3, threshold: Double = 3, warmUpMinutes: Int = 3, minimumChange: Double = 20, minimumFactor: Double = 1.5,
        newLevelMinutes: Int = 3
    ) {
        self.alpha = alpha
        self.threshold = threshold
        self.warmUpMinutes = warmUpMinutes
        self.minimumChange = minimumChange
        self.minimumFactor = minimumFactor
        self.newLevelMinutes = max(1, newLevelMinutes)
    }

    /// The same settings with no history.
    public func reset() -> RateAnomalyDetector {
        RateAnomalyDetector(
            alpha: alpha, threshold: threshold, warmUpMinutes: warmUpMinutes, minimumChange: minimumChange, minimumFactor: minimumFactor,
            newLevelMinutes: newLevelMinutes)
    }

    /// Feeds one closed minute; returns an alert when it is unusual. An unusual minute of a learnt
    /// baseline leaves it as it was, unless it is the `newLevelMinutes`-th in a row: then the
    /// baseline moves to it (keeping its relative spread), so a lasting new level stops alerting.
    public mutating func observe(minute: Int64, streams: Int) -> LiveAlert? {
        let x = Double(streams)
        let alert = judge(minute: minute, streams: streams)
        if observed == 0 {
            mean = x
            variance = 0
        } else if alert == nil || observed < 2 * warmUpMinutes {
            unusualInARow = 0
            var d = x - mean
            if alert != nil {
                let sd = max(variance.squareRoot(), mean.squareRoot(), 1)
                d = min(max(d, -threshold * sd), threshold * sd)
            }
            mean += alpha * d
            variance = (1 - alpha) * (variance + alpha * d * d)
        } else {
            unusualInARow += 1
            if unusualInARow >= newLevelMinutes {
                let scale = mean > 0 ? x / mean : 0
                variance *= scale * scale
                mean = x
                unusualInARow = 0
            }
        }
        observed += 1
        return alert
    }

    /// The alert `streams` would raise against the baseline as it stands, if any.
    private func judge(minute: Int64, streams: Int) -> LiveAlert? {
        guard observed >= warmUpMinutes else { return nil }
        let x = Double(streams)
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
