import SegueStore

extension SQLiteWebStore: ProfilePreferenceStore {
    public func preferences(profile: String) throws -> ProfilePreferences? {
        try locked { db in
            let s = try db.prepare(
                "SELECT time_zone, theme, first_weekday, metric, range FROM profile_preference WHERE profile = ?")
            try s.bind([.text(profile)])
            guard try s.step() else { return nil }
            return ProfilePreferences(
                timeZone: s.isNull(0) ? nil : s.text(0), theme: s.text(1) ?? "system", firstWeekday: Int(s.int64(2)),
                metric: s.text(3) ?? "streams", range: s.text(4) ?? "all")
        }
    }

    public func savePreferences(_ preferences: ProfilePreferences, profile: String, millis: Int64) throws {
        try locked { db in
            let s = try db.prepare(
                """
                INSERT INTO profile_preference(profile, time_zone, theme, first_weekday, metric, range, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(profile) DO UPDATE SET time_zone = excluded.time_zone, theme = excluded.theme,
                    first_weekday = excluded.first_weekday, metric = excluded.metric, range = excluded.range,
                    updated_ms = excluded.updated_ms
                """)
            try s.bind([
                .text(profile), preferences.timeZone.map { .text($0) } ?? .null, .text(preferences.theme),
                .int(Int64(preferences.firstWeekday)), .text(preferences.metric), .text(preferences.range), .int(millis),
            ])
            try s.run()
        }
    }

    public func deletePreferences(profile: String) throws {
        try locked { db in
            let s = try db.prepare("DELETE FROM profile_preference WHERE profile = ?")
            try s.bind([.text(profile)])
            try s.run()
        }
    }
}
