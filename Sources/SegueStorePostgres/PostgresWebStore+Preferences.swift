import PostgresNIO
import SegueStore

extension PostgresWebStore: ProfilePreferenceStore {
    public func preferences(profile: String) throws -> ProfilePreferences? {
        try backend.withConnection { db in
            try db.query(
                "SELECT time_zone, theme, first_weekday, metric, range FROM profile_preference WHERE profile = \(profile)"
            ).rows.first.map {
                let (zone, theme, weekday, metric, range) = try $0.decode((String?, String, Int32, String, String).self)
                return ProfilePreferences(timeZone: zone, theme: theme, firstWeekday: Int(weekday), metric: metric, range: range)
            }
        }
    }

    public func savePreferences(_ preferences: ProfilePreferences, profile: String, millis: Int64) throws {
        let weekday = Int32(clamping: preferences.firstWeekday)
        try backend.withConnection { db in
            try db.query(
                """
                INSERT INTO profile_preference(profile, time_zone, theme, first_weekday, metric, range, updated_ms)
                VALUES (\(profile), \(preferences.timeZone), \(preferences.theme), \(weekday), \(preferences.metric),
                    \(preferences.range), \(millis))
                ON CONFLICT (profile) DO UPDATE SET time_zone = excluded.time_zone, theme = excluded.theme,
                    first_weekday = excluded.first_weekday, metric = excluded.metric, range = excluded.range,
                    updated_ms = excluded.updated_ms
                """)
        }
    }

    public func deletePreferences(profile: String) throws {
        try backend.withConnection { db in try db.query("DELETE FROM profile_preference WHERE profile = \(profile)") }
    }
}
