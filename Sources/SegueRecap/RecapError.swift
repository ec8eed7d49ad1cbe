/// Why a recap could not be made: each case is one sentence naming the field in words and its parameter
/// (`year`, `from`, `to`, `tz`), so the CLI, the web API and the recap page say the same sentence.
public enum RecapError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `year` is not a whole number in `RecapPeriod.years`.
    case invalidYear(String)
    /// `from` or `to` is not a real `YYYY-MM-DD` date in `RecapPeriod.years`.
    case invalidDay(parameter: String, text: String)
    /// `to` is before `from`.
    case toBeforeFrom(from: String, to: String)
    /// The range is longer than `RecapPeriod.maximumDays`.
    case rangeTooLong(days: Int64)
    /// A year and a from/to range were both given.
    case yearAndRange
    /// Neither a year nor both ends of a range.
    case missingRange
    /// `tz` is not an IANA time zone name.
    case unknownTimeZone(String)

    public var description: String {
        switch self {
        case .invalidYear(let text):
            return "The year '\(Self.clipped(text))' is not a year from \(RecapPeriod.years.lowerBound) to \(RecapPeriod.years.upperBound)."
        case .invalidDay(let parameter, let text):
            return
                "The \(Self.field(parameter)) '\(Self.clipped(text))' is not a date like 2024-05-06 between the years \(RecapPeriod.years.lowerBound) and \(RecapPeriod.years.upperBound)."
        case .toBeforeFrom(let from, let to):
            return "The end date (to) \(to) is before the start date (from) \(from)."
        case .rangeTooLong(let days):
            return "The start and end dates (from, to) are \(days) days apart: a recap covers at most \(RecapPeriod.maximumDays) days."
        case .yearAndRange:
            return "Give either a year or a start and an end date (from and to), not both."
        case .missingRange:
            return "Give a year (like 2024) or both a start and an end date (from and to, like 2024-05-06)."
        case .unknownTimeZone(let text):
            return "The time zone (tz) '\(Self.clipped(text))' is not a time zone name like Europe/Berlin."
        }
    }

    /// A date parameter in words, with its name: "start date (from)".
    public static func field(_ parameter: String) -> String {
        switch parameter {
        case "from": "start date (from)"
        case "to": "end date (to)"
        default: "date (\(parameter))"
        }
    }

    /// Echoed input stays short and on one line, whatever was sent.
    public static func clipped(_ text: String) -> String {
        let oneLine = String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return oneLine.count > 40 ? String(oneLine.prefix(40)) + "…" : oneLine
    }
}
