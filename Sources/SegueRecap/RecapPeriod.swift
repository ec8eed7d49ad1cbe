import Foundation
import SegueModel

/// The days a recap covers (inclusive, in a time zone), and the period it is compared with.
///
/// Built only through `parse`, which the CLI and the web API both call, so the two accept and
/// refuse the same input with the same sentence.
public struct RecapPeriod: Sendable, Equatable {
    public let from: CalendarDay
    public let to: CalendarDay
    public let timeZone: TimeZone

    /// The years a recap may start and end in.
    public static let years = 1900...9999
    /// The longest range (a century): per-day arrays stay small whatever is asked.
    public static let maximumDays: Int64 = 36_525

    /// The calendar year `year`, or the days `from...to`.
    ///
    /// - Parameters:
    ///   - year: The `year` parameter as given (`"2024"`), or nil.
    ///   - from: The `from` parameter (`YYYY-MM-DD`), or nil.
    ///   - to: The `to` parameter (`YYYY-MM-DD`), or nil.
    ///   - timeZone: An IANA name (`Europe/Berlin`); nil or empty for UTC.
    /// - Throws: `RecapError` naming the parameter that is wrong.
    public static func parse(year: String?, from: String?, to: String?, timeZone: String? = nil) throws(RecapError) -> RecapPeriod {
        let zone = try zoneNamed(timeZone)
        let year = year.flatMap { $0.isEmpty ? nil : $0 }
        let from = from.flatMap { $0.isEmpty ? nil : $0 }
        let to = to.flatMap { $0.isEmpty ? nil : $0 }
        if let year {
            guard from == nil && to == nil else { throw .yearAndRange }
            guard year.count <= 4, year.allSatisfy(\.isASCII), let y = Int(year), years.contains(y) else { throw .invalidYear(year) }
            return RecapPeriod(from: CalendarDay(year: y, month: 1, day: 1), to: CalendarDay(year: y, month: 12, day: 31), timeZone: zone)
        }
        guard let from, let to else { throw .missingRange }
        let first = try day(from, parameter: "from")
        let last = try day(to, parameter: "to")
        guard first <= last else { throw .toBeforeFrom(from: first.description, to: last.description) }
        let days = last.daysSinceEpoch - first.daysSinceEpoch + 1
        guard days <= maximumDays else { throw .rangeTooLong(days: days) }
        return RecapPeriod(from: first, to: last, timeZone: zone)
    }

    private init(from: CalendarDay, to: CalendarDay, timeZone: TimeZone) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }

    private static func day(_ text: String, parameter: String) throws(RecapError) -> CalendarDay {
        guard text.count == 10, let day = CalendarDay(text), years.contains(day.year) else {
            throw .invalidDay(parameter: parameter, text: text)
        }
        return day
    }

    private static func zoneNamed(_ name: String?) throws(RecapError) -> TimeZone {
        guard let name, !name.isEmpty else { return .gmt }
        // IANA names are short ASCII paths; anything else never reaches the time zone database.
        guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) }),
            let zone = TimeZone(identifier: name)
        else { throw .unknownTimeZone(name) }
        return zone
    }

    /// Number of days covered.
    public var dayCount: Int { Int(to.daysSinceEpoch - from.daysSinceEpoch + 1) }

    /// The end times covered: from the first second of `from` to the last of `to`, in the zone.
    public var range: TimeRange { TimeRange(from: from, to: to, timeZone: timeZone) }

    /// Whether this is one whole calendar year.
    public var isCalendarYear: Bool {
        from.year == to.year && from.month == 1 && from.day == 1 && to.month == 12 && to.day == 31
    }

    /// The period compared with: the year before for a calendar year, else as many days right before.
    public var previous: RecapPeriod {
        if isCalendarYear {
            return RecapPeriod(
                from: CalendarDay(year: from.year - 1, month: 1, day: 1), to: CalendarDay(year: from.year - 1, month: 12, day: 31),
                timeZone: timeZone)
        }
        let last = CalendarDay(daysSinceEpoch: from.daysSinceEpoch - 1)
        return RecapPeriod(from: CalendarDay(daysSinceEpoch: from.daysSinceEpoch - Int64(dayCount)), to: last, timeZone: timeZone)
    }
}
