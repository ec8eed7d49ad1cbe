/// The web store's schema (sessions, feedback, jobs, saved playlists), one step per version, tracked by `PRAGMA user_version`
/// of its own file. Never edit a released step: add a new one.
enum WebMigrations {
    static let steps: [String] = [
        // 1: web sessions, feedback and the durable job queue (issue 4). Times are milliseconds since 1970.
        """
        CREATE TABLE web_session(
            id TEXT PRIMARY KEY,
            profile_name TEXT NOT NULL,
            csrf_token TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            last_seen_ms INTEGER NOT NULL
        );
        CREATE INDEX web_session_last_seen ON web_session(last_seen_ms);
        CREATE TABLE feedback(
            id INTEGER PRIMARY KEY,
            message TEXT NOT NULL,
            rating INTEGER,
            contact TEXT,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE job(
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            parameters TEXT NOT NULL,
            progress_permyriad INTEGER NOT NULL DEFAULT 0,
            detail TEXT,
            result TEXT,
            error TEXT,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            created_ms INTEGER NOT NULL,
            started_ms INTEGER,
            finished_ms INTEGER
        );
        CREATE INDEX job_state_created ON job(state, created_ms);
        CREATE INDEX job_owner ON job(owner, created_ms);
        """,
        // 2: leases (several worker processes share the queue), attempts and retries (issue 8).
        """
        ALTER TABLE job ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE job ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE job ADD COLUMN lease_owner TEXT;
        ALTER TABLE job ADD COLUMN lease_expires_ms INTEGER;
        ALTER TABLE job ADD COLUMN run_after_ms INTEGER NOT NULL DEFAULT 0;
        """,
        // 3: saved playlists (issue 7): track ids in order, comma-separated; owner is the session's profile.
        """
        CREATE TABLE saved_playlist(
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            mode TEXT NOT NULL,
            track_ids TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL
        );
        CREATE INDEX saved_playlist_owner ON saved_playlist(owner, updated_ms);
        """,
        // 4: kept current (issue 22): how each playlist was made (a recipe, JSON), where it goes, the
        // daily rebuild, and the last push (time, the names the target lacked as a JSON array, or the error).
        """
        ALTER TABLE saved_playlist ADD COLUMN recipe TEXT;
        ALTER TABLE saved_playlist ADD COLUMN push_target TEXT;
        ALTER TABLE saved_playlist ADD COLUMN refresh_daily INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE saved_playlist ADD COLUMN last_pushed_ms INTEGER;
        ALTER TABLE saved_playlist ADD COLUMN last_missing TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE saved_playlist ADD COLUMN last_error TEXT;
        ALTER TABLE saved_playlist ADD COLUMN last_error_ms INTEGER;
        CREATE INDEX saved_playlist_refresh ON saved_playlist(id) WHERE refresh_daily = 1;
        """,
        // 5: published recaps (issue 20): only the token's SHA-256; revoking erases the row.
        """
        CREATE TABLE recap_share(
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL,
            token_sha256 TEXT NOT NULL UNIQUE,
            query TEXT NOT NULL,
            theme TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE INDEX recap_share_owner ON recap_share(owner, created_ms);
        """,
        // 6: each profile's Settings (issue 23): time zone (NULL until the browser sends its own), theme,
        // the week's first day (1 Sunday … 7 Saturday), Explore's default metric and range.
        """
        CREATE TABLE profile_preference(
            profile TEXT PRIMARY KEY,
            time_zone TEXT,
            theme TEXT NOT NULL,
            first_weekday INTEGER NOT NULL,
            metric TEXT NOT NULL,
            range TEXT NOT NULL,
            updated_ms INTEGER NOT NULL
        );
        """,
    ]

    static func migrate(_ db: SQLiteConnection) throws {
        try db.migrate(steps)
    }
}
