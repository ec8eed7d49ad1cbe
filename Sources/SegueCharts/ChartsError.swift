/// What can go wrong while building a chart or race scene.
public enum ChartsError: Error, Equatable, CustomStringConvertible {
    /// A `--format`/`--size` value that is neither a preset nor `WIDTHxHEIGHT`.
    case badFormat(String)
    /// A size outside the supported range.
    case sizeOutOfRange(width: Int, height: Int)
    /// A theme name that does not exist.
    case unknownTheme(String)
    /// `--top` outside 3...20.
    case topOutOfRange(Int)
    /// A frame rate that is not positive or too high.
    case badFrameRate(Double)
    /// A duration or period length that is not positive.
    case badDuration(Double)
    /// A final hold shorter than `RaceTiming.minimumHoldSeconds` (or not a sane number of seconds).
    case badHold(Double)
    /// Nothing to draw: no entries, no periods or no entities.
    case noData(String)
    /// Race data whose arrays do not agree in size.
    case inconsistentRaceData(String)

    public var description: String {
        switch self {
        case .badFormat(let text):
            return "unknown size '\(text)': use story (1080x1920), square (1080x1080), landscape (1920x1080) or WIDTHxHEIGHT such as 1280x720"
        case .sizeOutOfRange(let w, let h):
            return
                "size \(w)x\(h) is out of range: width and height must be between \(SocialFormat.minimumSide) and \(SocialFormat.maximumSide) pixels"
        case .unknownTheme(let name):
            return "unknown theme '\(name)': use one of \(Theme.names.joined(separator: ", "))"
        case .topOutOfRange(let n):
            return "--top \(n) is out of range: choose between \(ChartLimits.topRange.lowerBound) and \(ChartLimits.topRange.upperBound)"
        case .badFrameRate(let fps):
            return "frame rate \(fps) is not supported: use a value between 1 and 120 (24, 30 or 60 are typical)"
        case .badDuration(let seconds):
            return "duration \(seconds) s is not usable: give a positive number of seconds, long enough for the final hold"
        case .badHold(let seconds):
            return "a final hold of \(seconds) s is not usable: hold the last frame for \(RaceTiming.minimumHoldSeconds) to 600 seconds"
        case .noData(let what):
            return "nothing to draw: \(what). Check the profile, the --from/--to range and that an import has run"
        case .inconsistentRaceData(let what):
            return "race data is inconsistent: \(what)"
        }
    }
}

/// Limits shared by charts and races.
public enum ChartLimits {
    /// Allowed values of `--top`.
    public static let topRange = 3...20

    /// Throws unless `top` is in `topRange`.
    public static func validateTop(_ top: Int) throws(ChartsError) {
        guard topRange.contains(top) else { throw .topOutOfRange(top) }
    }
}
