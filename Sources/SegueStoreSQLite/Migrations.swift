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
        """,
        // 2: reasons, platforms and countries as ids into a word table (smaller rows, faster imports).
        """
        CREATE TABLE word(
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL UNIQUE
        );
        INSERT INTO word(text)
            SELECT reason_start FROM play WHERE reason_start IS NOT NULL
            UNION SELECT reason_end FROM play WHERE reason_end IS NOT NULL
            UNION SELECT platform FROM play WHERE platform IS NOT NULL
            UNION SELECT country FROM play WHERE country IS NOT NULL;
        CREATE TABLE play_v2(
            profile_id INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            item_id INTEGER NOT NULL,
            ms INTEGER NOT NULL,
            reason_start INTEGER,
            reason_end INTEGER,
            flags INTEGER NOT NULL DEFAULT 0,
            offline_ts INTEGER,
            platform INTEGER,
            country INTEGER,
            PRIMARY KEY(profile_id, end_ts, kind, item_id, ms)
        ) WITHOUT ROWID;
        INSERT INTO play_v2
            SELECT profile_id, end_ts, kind, item_id, ms,
                (SELECT id FROM word WHERE text = play.reason_start),
                (SELECT id FROM word WHERE text = play.reason_end),
                flags, offline_ts,
                (SELECT id FROM word WHERE text = play.platform),
                (SELECT id FROM word WHERE text = play.country)
            FROM play;
        DROP TABLE play;
        ALTER TABLE play_v2 RENAME TO play;
        -- The plays with their words, for people reading the file with the sqlite3 shell.
        CREATE VIEW play_text AS
            SELECT play.profile_id, play.end_ts, play.kind, play.item_id, play.ms,
                rs.text AS reason_start, re.text AS reason_end, play.flags, play.offline_ts,
                pl.text AS platform, co.text AS country
            FROM play
            LEFT JOIN word rs ON rs.id = play.reason_start
            LEFT JOIN word re ON re.id = play.reason_end
            LEFT JOIN word pl ON pl.id = play.platform
            LEFT JOIN word co ON co.id = play.country;
        """,
        // 3: the names each track's plays carried (album 0: none), with the latest end time and the
        // stored plays under each: a track shows those of its most recent play (`TrackNames`).
        // Tracks stored before keep their names, dated to their latest play.
        """
        CREATE TABLE track_variant(
            id INTEGER PRIMARY KEY,
            profile_id INTEGER NOT NULL,
            track_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            artist_id INTEGER NOT NULL,
            album_id INTEGER NOT NULL,
            last_ts INTEGER NOT NULL,
            plays INTEGER NOT NULL,
            UNIQUE(profile_id, track_id, name, artist_id, album_id)
        );
        INSERT INTO track_variant(profile_id, track_id, name, artist_id, album_id, last_ts, plays)
            SELECT t.profile_id, t.id, t.name, t.artist_id, coalesce(t.album_id, 0),
                coalesce(p.last, -9223372036854775808), coalesce(p.n, 0)
            FROM track t LEFT JOIN (
                SELECT profile_id, item_id, max(end_ts) AS last, count(*) AS n FROM play WHERE kind = 0
                GROUP BY profile_id, item_id) p ON p.profile_id = t.profile_id AND p.item_id = t.id;
        """,
        // 4: where each play came from (`PlaySource`: 0 Spotify, 1 Last.fm, 2 ListenBrainz, 3 Apple Music,
        // 4 YouTube Music, 5 scrobbles); ms -1 is a play of unknown length.
        """
        ALTER TABLE play ADD COLUMN source INTEGER NOT NULL DEFAULT 0;
        DROP VIEW play_text;
        CREATE VIEW play_text AS
            SELECT play.profile_id, play.end_ts, play.kind, play.item_id, play.ms,
                rs.text AS reason_start, re.text AS reason_end, play.flags, play.offline_ts,
                pl.text AS platform, co.text AS country, play.source
            FROM play
            LEFT JOIN word rs ON rs.id = play.reason_start
            LEFT JOIN word re ON re.id = play.reason_end
            LEFT JOIN word pl ON pl.id = play.platform
            LEFT JOIN word co ON co.id = play.country;
        """,
        // 5: a track's ISRC and MusicBrainz recording id, the first its plays gave (`RecordingIdentifier`).
        """
        ALTER TABLE track ADD COLUMN isrc TEXT;
        ALTER TABLE track ADD COLUMN mbid TEXT;
        """,
    ]
}
