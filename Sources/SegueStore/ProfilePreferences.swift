/// What a person chose on Settings for their profile: the time zone dates and hour-of-day charts follow,
/// the page theme, the week's first day, and the metric and range Explore opens with.
///
/// The store keeps the values as given; the web server validates them (an IANA time zone, one of the
/// themes) before it saves them and again when it reads them, so a row written by an older server
/// cannot break a page.
public struct ProfilePreferences: Sendable, Equatable, Codable {
    /// An IANA time zone identifier such as `Europe/Berlin`; nil until the browser sent its own.
    public var timeZone: String?
    /// `system`, `light` or `dark`.
    public var theme: String
    /// The week's first day, as `Calendar.firstWeekday` counts: 1 Sunday, 2 Monday … 7 Saturday.
    public var firstWeekday: Int
    /// `streams` or `minutes`.
    public var metric: String
    /// An Explore range preset such as `all` or `last-year`.
    public var range: String

    /// The preferences of a profile that never saved any.
    public static let defaults = ProfilePreferences(timeZone: nil, theme: "system", firstWeekday: 2, metric: "streams", range: "all")

    public init(timeZone: String?, theme: String, firstWeekday: Int, metric: String, range: String) {
        self.timeZone = timeZone
        self.theme = theme
        self.firstWeekday = firstWeekday
        self.metric = metric
        self.range = range
    }
}

/// Where each profile's preferences are kept (with the sessions: SQLite's web store, or PostgreSQL).
public protocol ProfilePreferenceStore: Sendable {
    /// The preferences saved for `profile`, or nil when it saved none.
    func preferences(profile: String) throws -> ProfilePreferences?
    /// Saves `preferences` for `profile`, replacing any saved before.
    func savePreferences(_ preferences: ProfilePreferences, profile: String, millis: Int64) throws
    /// Forgets the preferences of `profile` ("Delete my data", an expired session).
    func deletePreferences(profile: String) throws
}
