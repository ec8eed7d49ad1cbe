/// The schema, one step per version; `PRAGMA user_version` records how far a database has come.
/// Never edit a released step: add a new one.
enum Migrations {
    static let steps: [String] = [
        // 1: profiles, entities, plays and the chart columns.
        """
        CREATE TABLE profile(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            generation INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE artist(
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            UNIQUE(profile_id, name)
        );
        CREATE TABLE album(
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL,
            artist_name TEXT NOT NULL,
            name TEXT NOT NULL,
            UNIQUE(profile_id, artist_name, name)
        );
        -- key: the Spotify URI, or artist U+001F name for account data.
        CREATE TABLE track(
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            uri TEXT,
            name TEXT NOT NULL,
            artist_id INTEGER NOT NULL,
            album_id INTEGER,
            UNIQUE(profile_id, key)
        );
        -- Podcast episodes (kind 1) and audiobook chapters (kind 2).
        CREATE TABLE item(
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            key TEXT NOT NULL,
            title TEXT NOT NULL,
            creator TEXT NOT NULL,
            uri TEXT,
            UNIQUE(profile_id, kind, key)
        );
        -- One row per play; the primary key is the exact-duplicate rule, and clusters a profile's
        -- plays by end time. flags: 2 bits each (0 unknown, 1 false, 2 true) for shuffle, skipped,
        -- offline, incognito.
        CREATE TABLE play(
            profile_id INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            item_id INTEGER NOT NULL,
            ms INTEGER NOT NULL,
            reason_start TEXT,
            reason_end TEXT,
            flags INTEGER NOT NULL DEFAULT 0,
            offline_ts INTEGER,
            platform TEXT,
            country TEXT,
            PRIMARY KEY(profile_id, end_ts, kind, item_id, ms)
        ) WITHOUT ROWID;
        -- MusicColumns, encoded; rebuilt in every transaction that changes a profile's music plays.
        CREATE TABLE music_columns(
            profile_id INTEGER PRIMARY KEY,
            generation INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        """
    ]
}
