import Foundation
import SegueModel
import SegueStore

/// A profile's Settings, validated and typed: the time zone dates and hour-of-day charts follow, the theme
/// every page wears, the week's first day, and the metric and range Explore opens with.
///
/// `SessionMiddleware` reads the stored ones once per request into `current`, which `layout` and the
/// pages read; a visitor who saved nothing gets the defaults (UTC until the browser sends its zone).
struct PagePreferences: Sendable, Equatable {
    enum Theme: String, CaseIterable, Sendable { case system, light, dark }

    var timeZone: TimeZone = .gmt
    /// False until a time zone was saved: the page asks the browser for its own.
    var timeZoneIsSet = false
    var theme: Theme = .system
    /// 1 Sunday, 2 Monday … 7 Saturday (`Calendar.firstWeekday`).
    var firstWeekday = 2
    var metric: Metric = .streams
    var range: ChartParameters.Preset = .all

    /// The preferences of the request being answered.
    @TaskLocal static var current = PagePreferences()

    /// The week's first days people choose between.
    static let weekStarts: [(Int, String)] = [(2, "Monday"), (1, "Sunday"), (7, "Saturday")]
    /// The ranges Explore can open with (a custom range needs dates, so it is not one).
    static let ranges: [(ChartParameters.Preset, String)] = [
        (.all, "All time"), (.thisYear, "This year"), (.lastYear, "Last year"), (.thisDecade, "This decade"),
    ]

    init() {}

    /// The stored preferences, each value this server would not accept now left at its default.
    init(_ stored: ProfilePreferences?) {
        guard let stored else { return }
        if let zone = stored.timeZone, let tz = try? Self.timeZone(zone) {
            timeZone = tz
            timeZoneIsSet = true
        }
        theme = Theme(rawValue: stored.theme) ?? .system
        if Self.weekStarts.contains(where: { $0.0 == stored.firstWeekday }) { firstWeekday = stored.firstWeekday }
        metric = Metric(rawValue: stored.metric) ?? .streams
        if let r = ChartParameters.Preset(rawValue: stored.range), r != .custom { range = r }
    }

    /// What the store keeps.
    var stored: ProfilePreferences {
        ProfilePreferences(
            timeZone: timeZoneIsSet ? timeZone.identifier : nil, theme: theme.rawValue, firstWeekday: firstWeekday,
            metric: metric.rawValue, range: range.rawValue)
    }

    /// The IANA time zones listed on Settings, sorted (the time zone database may know a few more names).
    static let knownTimeZones: [String] = TimeZone.knownTimeZoneIdentifiers.sorted()

    /// A time zone by its IANA name. Only a short name of letters, digits and `/_+-` that starts with a letter
    /// is looked up, so no text from outside reaches the time zone database as a path ("../../etc", "/etc/…"),
    /// and a made-up zone ("Mars/Olympus") is refused, not read as UTC.
    static func timeZone(_ text: String) throws(APIError) -> TimeZone {
        let name = text.trimmingCharacters(in: .whitespaces)
        let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
        guard !name.isEmpty else { throw .invalid("Time zone: choose one from the list, like Europe/Berlin.") }
        let shape =
            name.count <= 64 && name.first?.isLetter == true
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) }
        guard shape, let zone = TimeZone(identifier: name) else {
            throw .invalid("Time zone: “\(shown)” is not a time zone this server knows; choose one from the list, like Europe/Berlin.")
        }
        return zone
    }

    /// The Settings form's fields, each checked; an error names the field.
    static func parse(_ fields: FormFields) throws(APIError) -> PagePreferences {
        var p = PagePreferences()
        p.timeZone = try timeZone(fields["time_zone"] ?? "")
        p.timeZoneIsSet = true
        guard let theme = Theme(rawValue: fields["theme"] ?? "") else {
            throw .invalid("Theme: choose System, Light or Dark.")
        }
        p.theme = theme
        guard let day = Int(fields["week_start"] ?? ""), weekStarts.contains(where: { $0.0 == day }) else {
            throw .invalid("First day of the week: choose Monday, Sunday or Saturday.")
        }
        p.firstWeekday = day
        guard let metric = Metric(rawValue: fields["metric"] ?? "") else {
            throw .invalid("Count plays by: choose Streams or Minutes.")
        }
        p.metric = metric
        guard let range = ChartParameters.Preset(rawValue: fields["range"] ?? ""), range != .custom else {
            throw .invalid("Explore opens with: choose All time, This year, Last year or This decade.")
        }
        p.range = range
        return p
    }
}
