import SegueModel

/// English, locale-independent date labels for captions and the race counter.
public enum DateLabels {
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// `March`.
    public static func monthName(_ month: Int) -> String { months[(month - 1 + 12) % 12] }

    /// `Mar`.
    public static func shortMonthName(_ month: Int) -> String { String(monthName(month).prefix(3)) }

    /// `3 Mar 2021`.
    public static func day(_ day: CalendarDay) -> String {
        "\(day.day) \(shortMonthName(day.month)) \(day.year)"
    }

    /// A period as a range caption: `Mar 2021` for months, `3 Mar 2021` for days and weeks.
    public static func period(_ start: CalendarDay, _ period: RacePeriod) -> String {
        period == .month ? "\(shortMonthName(start.month)) \(start.year)" : day(start)
    }

    /// `1 Jan 2019 – 31 Dec 2024`, `since 1 Jan 2019`, `until …` or `All time`.
    public static func range(from: CalendarDay?, to: CalendarDay?) -> String {
        switch (from, to) {
        case (nil, nil): return "All time"
        case (let f?, nil): return "Since \(day(f))"
        case (nil, let t?): return "Until \(day(t))"
        case (let f?, let t?): return "\(day(f)) \u{2013} \(day(t))"
        }
    }

    /// The counter of a race frame: the year large, and the month, week or day small.
    public static func counter(_ start: CalendarDay, _ period: RacePeriod) -> (primary: String, secondary: String) {
        switch period {
        case .month: return (String(start.year), monthName(start.month))
        case .week: return (String(start.year), "Week of \(start.day) \(monthName(start.month))")
        case .day: return (String(start.year), "\(start.day) \(monthName(start.month))")
        }
    }
}
