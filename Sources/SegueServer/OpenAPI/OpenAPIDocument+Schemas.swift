import SegueCharts
import SegueImport
import SegueLive
import SegueMedia
import SegueModel
import SeguePlaylists
import SegueRender
import SegueStore

// The document's components: security schemes, shared parameters and responses, and every schema.
extension OpenAPIDocument {
    static let securitySchemes: OpenAPIValue = [
        "session": ["type": "apiKey", "in": "cookie", "name": "segue_session"],
        "csrf": ["type": "apiKey", "in": "header", "name": "X-CSRF-Token"],
        "ingest": [
            "type": "http",
            "scheme": "bearer",
            "description": "An ingest token from `segue tokens create --scope ingest`; `Authorization: Token T` is accepted too.",
        ],
    ]

    static let parameters: OpenAPIValue = [
        "kind": ["name": "kind", "in": "query", "schema": .oneOf(EntityKind.self).with("default", "artists")],
        "metric": ["name": "metric", "in": "query", "schema": .oneOf(Metric.self).with("default", "streams")],
        "range": [
            "name": "range",
            "in": "query",
            "description": "A preset; custom (or from/to alone) uses from and to.",
            "schema": .oneOf(ChartParameters.Preset.self),
        ],
        "from": ["name": "from", "in": "query", "description": "First day, inclusive (UTC).", "schema": .date],
        "to": ["name": "to", "in": "query", "description": "Last day, inclusive (UTC).", "schema": .date],
        "limit": ["name": "limit", "in": "query", "schema": .integer(ChartParameters.limits).with("default", 10)],
        "source": [
            "name": "source",
            "in": "query",
            "description": "Sources whose plays count: all, or a comma-separated list of spotify, lastfm, listenbrainz, apple, youtube, scrobble.",
            "schema": .string.with("default", "all").with(
                "pattern", "^(all|(spotify|lastfm|listenbrainz|apple|youtube|scrobble)(,(spotify|lastfm|listenbrainz|apple|youtube|scrobble))*)$"),
        ],
        "jobID": ["name": "id", "in": "path", "required": true, "schema": .string],
        "window": [
            "name": "window",
            "in": "query",
            "description": "The window's length.",
            "schema": .oneOf(LiveWindowChoice.all.map(\.name)).with("default", "10m"),
        ],
    ]

    static let responses: OpenAPIValue = [
        "Error": .json(.ref("Error"), "A problem the client can fix")
    ]

    static var schemas: OpenAPIValue {
        .object([
            ("Error", Schema.error),
            ("Session", Schema.session),
            ("Upload", Schema.upload),
            ("ImportRequest", Schema.importRequest),
            ("RenderRequest", Schema.renderRequest),
            ("ChartEntry", Schema.chartEntry),
            ("Stats", Schema.stats),
            ("RecapTotals", Schema.recapTotals),
            ("RecapEntry", Schema.recapEntry),
            ("RecapShare", Schema.recapShare),
            ("Recap", Schema.recap),
            ("RaceData", Schema.raceData),
            ("Job", Schema.job),
            ("Event", Schema.event),
            ("EventsAccepted", Schema.eventsAccepted),
            ("EventsError", Schema.eventsError),
            ("LiveSnapshot", Schema.liveSnapshot),
            ("LiveAlert", Schema.liveAlert),
            ("OwnListening", Schema.ownListening),
            ("OwnTrack", Schema.ownTrack),
            ("LibraryUpload", Schema.libraryUpload),
            ("LibraryTrack", Schema.libraryTrack),
            ("TagScore", Schema.tagScore),
            ("LibraryTrackDetails", Schema.libraryTrackDetails),
            ("AnalysisRequest", Schema.analysisRequest),
            ("PlaylistRequest", Schema.playlistRequest),
            ("MixSlot", Schema.mixSlot),
            ("SavedPlaylist", Schema.savedPlaylist),
            ("SavePlaylistRequest", Schema.savePlaylistRequest),
            ("SearchHit", Schema.searchHit),
            ("Transition", Schema.transition),
            ("Playlist", Schema.playlist),
            ("Feedback", Schema.feedback),
        ])
    }

    enum Schema {
        static let error: OpenAPIValue = .object(
            required: ["error"],
            [
                "error": .object(required: ["status", "message"], ["status": .integer, "message": .string])
            ])

        static let session: OpenAPIValue = .object(
            required: ["csrfToken", "expiresAt", "hasData", "singleUser"],
            [
                "csrfToken": .string,
                "expiresAt": .dateTime,
                "hasData": .boolean,
                "singleUser": .boolean,
            ])

        static let upload: OpenAPIValue = .object(
            required: ["id", "name", "bytes", "contentKind"],
            [
                "id": .string,
                "name": .string,
                "bytes": .integer,
                "contentKind": .oneOf(UploadContent.self),
            ])

        static let importRequest: OpenAPIValue = .object(["uploads": .array(of: .string), "demo": .boolean])

        static let renderRequest: OpenAPIValue = .object(
            required: ["output", "kind", "metric", "top", "size", "theme"],
            [
                "output": .oneOf(["image", "animation"]),
                "kind": .oneOf(EntityKind.self),
                "metric": .oneOf(Metric.self),
                "from": .date,
                "to": .date,
                "top": .integer(RenderParameters.topRange),
                "size": .string.described("story, square, landscape or WIDTHxHEIGHT (each side 64 to 1920 pixels)"),
                "theme": .oneOf(Theme.names),
                "container": .oneOf(VideoContainer.self),
                "period": .oneOf(RacePeriod.self),
                "duration": .number(minimum: 3, maximum: 60).described(
                    "seconds, final hold included; default: 1 s per race step plus 2.5 s, 5 to 60 s"),
            ])

        static let chartEntry: OpenAPIValue = .object(
            required: ["rank", "name", "streams", "minutes"],
            [
                "rank": .integer,
                "name": .string,
                "artist": .string,
                "album": .string,
                "uri": .string,
                "streams": .integer,
                "minutes": .number,
            ])

        static let stats: OpenAPIValue = .object(
            required: [
                "musicPlays", "streams", "milliseconds", "distinctTracks", "distinctArtists", "distinctAlbums", "millisecondsByHour",
                "millisecondsByWeekday", "millisecondsByMonth",
            ],
            [
                "musicPlays": .integer,
                "streams": .integer,
                "milliseconds": .integer,
                "episodes": .integer,
                "audiobookChapters": .integer,
                "firstPlay": .integer,
                "lastPlay": .integer,
                "distinctTracks": .integer,
                "distinctArtists": .integer,
                "distinctAlbums": .integer,
                "playsWithoutLength": .integer.described(
                    "Plays whose source gave no length (scrobbles); each counts as a stream and adds its track's known length"),
                "millisecondsByHour": .array(of: .integer),
                "millisecondsByWeekday": .array(of: .integer),
                "millisecondsByMonth": .array(of: .integer),
                "streamsByHour": .array(of: .integer),
                "streamsByWeekday": .array(of: .integer),
                "streamsByMonth": .array(of: .integer),
            ])

        static let recapTotals: OpenAPIValue = .object(
            required: ["plays", "streams", "milliseconds", "minutes", "artists", "tracks", "albums"],
            [
                "plays": .integer,
                "streams": .integer,
                "milliseconds": .integer,
                "minutes": .number,
                "artists": .integer,
                "tracks": .integer,
                "albums": .integer,
            ])

        static let recapEntry: OpenAPIValue = .object(
            required: ["rank", "name", "streams", "milliseconds", "minutes", "share"],
            [
                "rank": .integer,
                "name": .string,
                "artist": .string,
                "album": .string,
                "uri": .string,
                "streams": .integer,
                "milliseconds": .integer,
                "minutes": .number,
                "share": .number(minimum: 0, maximum: 1),
            ])

        static let recapShare: OpenAPIValue = .object(
            required: ["id", "query", "from", "to", "theme", "createdMillis"],
            [
                "id": .integer,
                "query": .string.described("The recap's query, as /api/v1/recap takes it"),
                "from": .date,
                "to": .date,
                "theme": .string,
                "createdMillis": .integer,
                "url": .string.with("format", "uri").described("Only in the answer that made the share"),
                "cardURL": .string.with("format", "uri").described("The preview image (1200x630 PNG); only in the answer that made the share"),
            ])

        static let recap: OpenAPIValue = .object(
            required: [
                "version", "from", "to", "timeZone", "metric", "totals", "previous", "topArtists", "topTracks", "topAlbums", "discoveries", "loyalty",
                "shape", "race",
            ],
            [
                "version": .integer,
                "from": .date,
                "to": .date,
                "timeZone": .string,
                "metric": .oneOf(Metric.self),
                "totals": .ref("RecapTotals"),
                "sound": .object(
                    required: [
                        "matchedPlays", "matchedTracks", "share", "averageBPM", "averageEnergy", "averageLoudnessLUFS", "previousMatchedPlays",
                        "risingTags", "playlist",
                    ],
                    [
                        "matchedPlays": .integer,
                        "matchedTracks": .integer,
                        "share": .number(minimum: 0, maximum: 1),
                        "averageBPM": .number.described("Averaged over the matched plays (a file played 3 times counts 3 times)"),
                        "averageEnergy": .number(minimum: 0, maximum: 1),
                        "averageLoudnessLUFS": .number,
                        "previousMatchedPlays": .integer,
                        "risingTags": .array(
                            of: .object(
                                required: ["tag", "share", "previousShare", "rise"],
                                [
                                    "tag": .string,
                                    "share": .number,
                                    "previousShare": .number,
                                    "rise": .number,
                                ])),
                        "playlist": .array(
                            of: .object(
                                required: ["id", "artist", "title", "plays", "bpm", "energy"],
                                [
                                    "id": .integer,
                                    "artist": .string,
                                    "title": .string,
                                    "plays": .integer,
                                    "bpm": .number,
                                    "energy": .number,
                                ])
                        ).described("The most played matched files, ordered for smooth transitions"),
                    ]
                ).described(
                    "The sound of the period, from the plays that match analysed files of your library (artist, title and album); absent when none does"
                ),
                "previous": .object(
                    required: ["from", "to", "totals"],
                    [
                        "from": .date,
                        "to": .date,
                        "totals": .ref("RecapTotals"),
                        "streamsChange": .number,
                        "minutesChange": .number,
                        "artistsChange": .number,
                        "tracksChange": .number,
                        "albumsChange": .number,
                    ]
                ).described(
                    "The period before, of the same length (the year before for a calendar year); each change is relative (0.25 = a quarter more), absent when the period before had none"
                ),
                "topArtists": .array(of: .ref("RecapEntry")).with("maxItems", 5),
                "topTracks": .array(of: .ref("RecapEntry")).with("maxItems", 5),
                "topAlbums": .array(of: .ref("RecapEntry")).with("maxItems", 5),
                "discoveries": .object(
                    required: ["count", "top", "share"],
                    [
                        "count": .integer,
                        "biggest": .ref("RecapEntry"),
                        "top": .array(of: .ref("RecapEntry")).with("maxItems", 5),
                        "share": .number,
                    ]
                ).described("Artists first played in the range, with at least one stream in it"),
                "loyalty": .object(
                    [
                        "mostWeeks": .object(
                            required: ["artist", "weeks", "ofWeeks", "streams"],
                            [
                                "artist": .string,
                                "weeks": .integer,
                                "ofWeeks": .integer,
                                "streams": .integer,
                            ]),
                        "longestStreak": .object(required: ["days", "from", "to"], ["days": .integer, "from": .date, "to": .date]),
                        "longestSession": .object(
                            required: ["start", "end", "day", "plays", "milliseconds", "durationMinutes"],
                            [
                                "start": .integer,
                                "end": .integer,
                                "day": .date,
                                "plays": .integer,
                                "milliseconds": .integer,
                                "durationMinutes": .number,
                            ]
                        ).described("Plays each starting less than 5 minutes after the previous ended; start and end in seconds since 1970"),
                    ]),
                "race": .ref("RaceData").described(
                    "The top 10 artists' race through the period (monthly beyond 92 days, weekly beyond 14, else daily), as GET /api/v1/race gives it"
                ),
                "shape": .object(
                    required: ["months", "millisecondsByHour", "streamsByHour", "millisecondsByWeekday", "streamsByWeekday"],
                    [
                        "months": .array(
                            of: .object(
                                required: ["year", "month", "milliseconds", "minutes", "streams"],
                                [
                                    "year": .integer,
                                    "month": .integer(minimum: 1, maximum: 12),
                                    "milliseconds": .integer,
                                    "minutes": .number,
                                    "streams": .integer,
                                ])),
                        "millisecondsByHour": .array(of: .integer),
                        "streamsByHour": .array(of: .integer),
                        "millisecondsByWeekday": .array(of: .integer).described("0 = Monday"),
                        "streamsByWeekday": .array(of: .integer),
                        "busiestDay": .object(
                            required: ["day", "milliseconds", "minutes", "streams"],
                            [
                                "day": .date,
                                "milliseconds": .integer,
                                "minutes": .number,
                                "streams": .integer,
                            ]),
                    ]),
            ])

        static let raceData: OpenAPIValue = ["type": "object", "description": "Cumulative values per period of every entity ever in the top N."]

        static let job: OpenAPIValue = .object(
            required: ["id", "kind", "state", "progress", "createdAt"],
            [
                "id": .string,
                "kind": .oneOf(JobView.kinds),
                "state": .oneOf(JobState.self),
                "progress": .number(minimum: 0, maximum: 1),
                "detail": .string,
                "error": .string,
                "createdAt": .dateTime,
                "title": .string.described("For renders: what was asked for (Top 10 artists · image)"),
                "etaSeconds": .number,
                "width": .integer,
                "height": .integer,
                "frames": .integer,
                "files": .array(
                    of: .object(
                        required: ["format", "url", "bytes", "mediaType"],
                        [
                            "format": .string,
                            "url": .string,
                            "bytes": .integer,
                            "mediaType": .string,
                        ])),
                "report": [
                    "type": "object",
                    "description":
                        "The import report: per file and total counts of music plays, short plays, episodes, audiobook chapters, duplicates and rejected records.",
                ],
                "push": .object(
                    required: ["summary", "playlistName", "matched", "missing"],
                    [
                        "summary": .string,
                        "playlistName": .string,
                        "matched": .integer,
                        "missing": .array(of: .string),
                    ]
                ).described("A push to a player: one line for people, how many tracks were found, and the name of each the player does not have."),
            ])

        static let event: OpenAPIValue = .object(
            required: ["user_id", "track", "ts"],
            [
                "event_id": ["type": ["string", "integer"], "maxLength": 256],
                "user_id": ["type": ["string", "integer"], "minLength": 1, "maxLength": 256],
                "track": .string(minLength: 1, maxLength: 1024),
                "artist": ["type": ["string", "null"], "maxLength": 1024],
                "album": ["type": ["string", "null"], "maxLength": 1024],
                "ts": [
                    "oneOf": [.number.described("Epoch seconds, or epoch milliseconds when 10^11 or more"), .dateTime],
                    "description": "Not before 2002-10-01 nor more than an hour ahead.",
                ],
            ]
        ).described(
            "One play. Events are idempotent per token: an event resent with the same event_id, user_id and ts (as a retry sends it) is stored once; without an event_id, on (user_id, ts, artist, track)."
        )

        static let eventsAccepted: OpenAPIValue = .object(
            required: ["received", "stored", "duplicates"],
            [
                "received": .integer,
                "stored": .integer.described("New events, durably stored"),
                "duplicates": .integer.described("Events already stored earlier (or twice in this request)"),
            ])

        static let eventsError: OpenAPIValue = .object(
            required: ["error"],
            [
                "error": .object(
                    required: ["status", "message"],
                    [
                        "status": .integer,
                        "message": .string,
                        "index": .integer.described("The offending event (0-based)"),
                        "field": .string.described("The offending field"),
                    ])
            ])

        static let liveSnapshot: OpenAPIValue = .object(
            required: [
                "window_seconds", "as_of", "streams", "active_users", "events_per_second", "top_song", "leaderboard", "trend", "alerts",
                "now_playing",
            ],
            [
                "window_seconds": .integer,
                "as_of": .dateTime,
                "streams": .integer.described("Listens with an event time in the window (exact)"),
                "active_users": .integer.described("Distinct listeners in the window (exact)"),
                "events_per_second": .number.described("Over the last ten seconds of event time"),
                "top_song": [
                    "oneOf": [
                        ["type": "null"],
                        .object(required: ["track", "artist", "streams"], ["track": .string, "artist": .string, "streams": .integer]),
                    ]
                ],
                "leaderboard": .array(
                    of: .object(
                        required: ["rank", "track", "artist", "streams"],
                        [
                            "rank": .integer,
                            "track": .string,
                            "artist": .string,
                            "streams": .integer,
                        ])),
                "trend": .object(
                    required: ["minutes", "streams", "series"],
                    [
                        "minutes": .array(of: .dateTime).described("Start of each minute, oldest first; the last is in progress"),
                        "streams": .array(of: .integer),
                        "series": .array(
                            of: .object(
                                required: ["track", "artist", "counts"],
                                [
                                    "track": .string,
                                    "artist": .string,
                                    "counts": .array(of: .integer),
                                ])
                        ).described("The top five tracks, counts per minute"),
                    ]),
                "alerts": .array(of: .ref("LiveAlert")),
                "now_playing": .array(
                    of: .object(
                        required: ["track", "artist", "at"],
                        [
                            "user": .string.described("The listener, only with --live-show-listeners"),
                            "track": .string,
                            "artist": .string,
                            "at": .dateTime,
                        ])),
            ])

        static let liveAlert: OpenAPIValue = .object(
            required: ["kind", "scope", "at", "observed", "expected", "score"],
            [
                "kind": .oneOf(LiveAlert.Kind.self),
                "scope": .oneOf(["total", "track"]).described("All streams, or one of the top five tracks (then track and artist are set)"),
                "track": .string,
                "artist": .string,
                "at": .dateTime.described("The unusual minute"),
                "observed": .integer,
                "expected": .number,
                "score": .number,
            ])

        static let ownListening: OpenAPIValue = .object(
            required: ["has_scrobbles", "day", "time_zone", "plays_today", "minutes_today", "recent_today"],
            [
                "has_scrobbles": .boolean.described("Whether any of those users has sent a listen or is playing something"),
                "playing_now": .ref("OwnTrack"),
                "day": .date.described("Today in the visitor's time zone"),
                "time_zone": .string,
                "plays_today": .integer.described("Music plays of the profile that ended today"),
                "minutes_today": .integer,
                "recent_today": .array(of: .ref("OwnTrack")).with("maxItems", 5).described("Today's latest listens, newest first"),
            ]
        ).described(
            "The visitor's own listening, from the ListenBrainz users whose listens join their profile (every user on a single-user install); never anyone else's"
        )

        static let ownTrack: OpenAPIValue = .object(
            required: ["track", "artist"],
            [
                "track": .string,
                "artist": .string,
                "listened_at": .integer.described("Seconds since 1970 (not for what is playing now)"),
                "time": .string.described("The time of day in the visitor's time zone, like 14:05"),
            ])

        static let libraryUpload: OpenAPIValue = .object(
            required: ["id", "name", "bytes", "duplicate"],
            [
                "id": .string,
                "name": .string,
                "bytes": .integer,
                "duplicate": .boolean.described("The same content was uploaded before; id is that upload"),
            ])

        static let libraryTrack: OpenAPIValue = .object(
            required: ["file", "status", "tags"],
            [
                "id": .integer.described("The track id, once the file is in the library"),
                "upload": .string.described("The upload it came from"),
                "file": .string,
                "artist": .string,
                "title": .string,
                "album": .string,
                "duration_s": .number,
                "bpm": .number,
                "bpm_confidence": .number,
                "key": .string.described("For example A minor"),
                "camelot": .string.described("For example 8A"),
                "loudness_lufs": .number,
                "energy": .number,
                "tags": .array(of: .ref("TagScore")).described("The strongest tags, when the analysis has tag scores"),
                "status": .oneOf(["uploaded", "queued", "decoding", "analyzing", "done", "failed"]),
                "error": .string,
                "plays": .integer.described(
                    "Plays of this song in the person's listening history (by artist and title, and album when both name one); files in the library only"
                ),
                "last_played": .date.described("The day of the most recent of them (UTC)"),
            ]
        ).described(
            "An analysed track, or an uploaded file on its way (uploaded, queued, decoding, analyzing) or refused (failed, with error). Fields as in `segue library list --format json`, without server paths."
        )

        static let tagScore: OpenAPIValue = .object(required: ["name", "score"], ["name": .string, "score": .number])

        static let libraryTrackDetails: OpenAPIValue = .object(
            required: ["track", "descriptors", "tags", "similar"],
            [
                "track": .ref("LibraryTrack"),
                "descriptors": ["type": "object", "additionalProperties": .number, "description": "Every analysis descriptor by name"],
                "analysis_version": .integer,
                "tags": .array(of: .ref("TagScore")),
                "similar": .array(
                    of: .object(
                        required: ["id", "artist", "title", "distance"],
                        [
                            "id": .integer,
                            "artist": .string,
                            "title": .string,
                            "distance": .number,
                        ])),
            ])

        static let analysisRequest: OpenAPIValue = .object(
            required: ["uploads"], ["uploads": .array(of: .string).with("minItems", 1).with("maxItems", 1000)])

        static let playlistRequest: OpenAPIValue = .object(
            required: ["mode"],
            [
                "mode": .oneOf(PlaylistsController.modes),
                "seeds": .array(of: .integer),
                "seed_from_history": .string.with("pattern", "^([0-9]{4}(-[0-9]{2})?|all)$").with("examples", ["2024", "2024-05", "all"]).described(
                    "radio only, instead of seeds: the three library tracks you played most in this year, month (UTC) or your whole history (your history joined to the files by artist, title and album); a saved playlist built so chooses them again at each daily refresh"
                ),
                "prefer": .oneOf(["unplayed"]).described(
                    "unplayed: favour library tracks you have never or seldom played, keeping transitions smooth"),
                "from": .integer,
                "to": .integer,
                "tracks": .array(of: .integer),
                "length": .integer(PlaylistsController.lengths).described("radio: 20 unless duration_seconds is given; path: 10, both ends included"),
                "arc": .oneOf(EnergyArc.self),
                "artist_spacing": .integer(PlaylistRecipe.Rules.artistSpacingLimits).described(
                    "At least this many other tracks between two by one artist"),
                "max_per_artist": .integer(minimum: 1),
                "max_per_album": .integer(minimum: 1),
                "exclude_artists": .array(of: .string),
                "exclude_albums": .array(of: .string),
                "exclude_tags": .array(of: .string),
                "min_bpm": .number(PlaylistRecipe.Rules.tempoLimits),
                "max_bpm": .number(PlaylistRecipe.Rules.tempoLimits),
                "max_track_seconds": .number(PlaylistRecipe.Rules.durationLimits),
                "duration_seconds": .number(PlaylistRecipe.Rules.durationLimits),
                "duration_tolerance_seconds": .number(PlaylistRecipe.Rules.durationLimits),
                "crossfade_s": .number(PlaylistsController.crossfades).with("default", 6).described(
                    "Seconds each track overlaps the next in the mix plan (never more than a third of either track)"),
            ]
        ).described("radio needs seeds or seed_from_history, path from and to, order tracks (track ids of your library). Durations in seconds.")

        static let mixSlot: OpenAPIValue = .object(
            required: ["start_s", "end_s", "at_s", "fade_in_s", "fade_out_s", "gain_db"],
            [
                "start_s": .number,
                "end_s": .number,
                "at_s": .number,
                "fade_in_s": .number,
                "fade_out_s": .number,
                "gain_db": .number,
            ]
        ).described(
            "A track's place in the crossfaded mix (the plan segue playlist --mix renders): its file plays from start_s to end_s (leading and trailing silence cut), starting at_s seconds into the mix, fading in over fade_in_s and out over its last fade_out_s seconds (linear), at gain_db (bringing it to the playlist's median loudness; the mix ends in a limiter at -2 dBFS)"
        )

        static let savedPlaylist: OpenAPIValue = .object(
            required: ["id", "name", "mode", "tracks", "created_ms", "updated_ms"],
            [
                "id": .integer,
                "name": .string,
                "mode": .oneOf(PlaylistsController.modes),
                "tracks": .array(of: .integer).described("Track ids in playlist order"),
                "created_ms": .integer,
                "updated_ms": .integer,
                "target": .string.described("The player it was last sent to (set by its first push)"),
                "refreshable": .boolean.described("Saved with how it was made (a radio or a path), so it can be rebuilt"),
                "refresh_daily": .boolean.described("Rebuilt from the current library and history and pushed in place to target once a day"),
                "last_pushed_ms": .integer.described("When the last push went through"),
                "last_missing": .array(of: .string).described("Artist – Title of each track the target lacked at the last push"),
                "last_error": .string.described("The last failed rebuild or push, until one succeeds"),
                "last_error_ms": .integer,
            ])

        static let savePlaylistRequest: OpenAPIValue = .object(
            required: ["name", "tracks"],
            [
                "name": .string(minLength: 1, maxLength: 200),
                "mode": .oneOf(PlaylistsController.modes).with("default", "order"),
                "tracks": .array(of: .integer).with("minItems", 1).with("maxItems", 500),
                "recipe": .ref("PlaylistRequest").described(
                    "The request that built it (its mode must be the playlist's): kept so a radio or a path can be rebuilt daily"),
            ])

        static let searchHit: OpenAPIValue = .object(
            required: ["id", "artist", "title", "album", "duration_s"],
            [
                "id": .integer,
                "artist": .string,
                "title": .string,
                "album": .string,
                "bpm": .number,
                "camelot": .string,
                "duration_s": .number,
            ])

        static let transition: OpenAPIValue = .object(
            required: ["total", "tempo", "key", "loudness", "energy", "embedding", "grade"],
            [
                "total": .number,
                "tempo": .number,
                "key": .number,
                "loudness": .number,
                "energy": .number,
                "embedding": .number,
                "grade": .oneOf(TransitionCost.Grade.self).described(
                    "Rough when the total is 1.5 or more or any part 0.6 or more; smooth when the total is under 0.75 and every part under 0.25"),
            ]
        ).described("From a track's outro to the next one's intro; each part 0 (seamless) to 1 (jarring), the total their weighted sum")

        static let playlist: OpenAPIValue = .object(
            required: ["mode", "title", "tracks", "total_cost", "duration_s", "exports", "crossfade_s", "mix_s", "missing"],
            [
                "mode": .string,
                "title": .string,
                "total_cost": .number,
                "duration_s": .number,
                "crossfade_s": .number,
                "mix_s": .number.described("The crossfaded mix's length"),
                "saved": .ref("SavedPlaylist"),
                "seed_period": .string.described("A radio seeded with seed_from_history: its period"),
                "seeds": .array(
                    of: .object(
                        required: ["id", "artist", "title", "plays"],
                        [
                            "id": .integer,
                            "artist": .string,
                            "title": .string,
                            "plays": .integer,
                        ])
                ).described("A radio seeded with seed_from_history: the seeds it chose, most played first, with their plays in the period"),
                "missing": .array(of: .integer).described("Tracks of a saved playlist no longer in the library (left out)"),
                "exports": [
                    "type": "object",
                    "additionalProperties": .string,
                    "description": "Download links by format: m3u8, xspf, jspf",
                ],
                "tracks": .array(
                    of: .object(
                        required: [
                            "id", "artist", "title", "album", "duration_s", "bpm", "outro_bpm", "energy", "loudness_lufs", "tags", "audio", "mix",
                        ],
                        [
                            "id": .integer,
                            "artist": .string,
                            "title": .string,
                            "album": .string,
                            "duration_s": .number,
                            "bpm": .number,
                            "camelot": .string,
                            "outro_bpm": .number,
                            "outro_camelot": .string,
                            "energy": .number,
                            "loudness_lufs": .number,
                            "tags": .array(of: .string),
                            "transition": .ref("Transition"),
                            "audio": .string.described("The track's audio (GET /api/v1/library/tracks/{id}/audio)"),
                            "mix": .ref("MixSlot"),
                        ])),
            ])

        static let feedback: OpenAPIValue = .object(
            required: ["message"],
            [
                "message": .string(minLength: 1, maxLength: 5000),
                "rating": .integer(minimum: 1, maximum: 5),
                "contact": .string(maxLength: 200),
            ])

    }
}
