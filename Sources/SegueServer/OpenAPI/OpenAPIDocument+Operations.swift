import SegueCharts
import SegueImport
import SegueLive
import SegueMedia
import SegueModel
import SeguePlaylists
import SegueRender
import SegueStore

extension OpenAPIDocument {
    /// A recap's period (a year, or from and to), time zone, metric and sources, as the recap's cards, video and
    /// share links take them (GET /api/v1/recap describes each).
    static let recapParameters: [OpenAPIValue] = [
        [
            "name": "year", "in": "query", "description": "A calendar year (1900 to 9999); or give from and to.",
            "schema": .integer(minimum: 1900, maximum: 9999),
        ],
        ["name": "from", "in": "query", "schema": .date],
        ["name": "to", "in": "query", "schema": .date],
        ["name": "tz", "in": "query", "schema": .string(maxLength: 64)],
        ["$ref": "#/components/parameters/metric"],
        ["$ref": "#/components/parameters/source"],
    ]

    /// Every operation, by path and method.
    static let operations: [Operation] = [
        Operation(
            .get, "/api/v1/session",
            [
                "operationId": "getSession",
                "summary": "The session, its CSRF token and whether it has data",
                "responses": ["200": .json(.ref("Session"), "The session")],
            ]),
        Operation(
            .delete, "/api/v1/session",
            [
                "operationId": "deleteSession",
                "summary": "Delete my data: plays, uploads, renders, jobs and the session",
                "security": .sessionAndCSRF,
                "responses": ["204": ["description": "Erased"], "403": .errorResponse],
            ]),
        Operation(
            .post, "/api/v1/uploads",
            [
                "operationId": "upload",
                "summary":
                    "Upload a listening history: a Spotify ZIP or JSON file, a Last.fm or Apple Music CSV, a ListenBrainz export or YouTube watch history (streamed to disk; size-limited)",
                "security": .sessionAndCSRF,
                "parameters": [["name": "name", "in": "query", "schema": .string]],
                "requestBody": ["required": true, "content": ["application/octet-stream": ["schema": .binary]]],
                "responses": [
                    "201": .json(.ref("Upload"), "Stored"),
                    "403": .errorResponse,
                    "413": .errorResponse,
                    "415": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/imports",
            [
                "operationId": "startImport",
                "summary": "Import uploads (or the demo data) as a background job",
                "security": .sessionAndCSRF,
                "requestBody": ["required": true, "content": ["application/json": ["schema": .ref("ImportRequest")]]],
                "responses": [
                    "202": .json(.ref("Job"), "Queued"),
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "404": .errorResponse,
                    "429": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/top",
            [
                "operationId": "top",
                "summary": "Top artists, tracks or albums",
                "parameters": [
                    ["$ref": "#/components/parameters/source"],
                    ["$ref": "#/components/parameters/kind"],
                    ["$ref": "#/components/parameters/metric"],
                    ["$ref": "#/components/parameters/range"],
                    ["$ref": "#/components/parameters/from"],
                    ["$ref": "#/components/parameters/to"],
                    ["$ref": "#/components/parameters/limit"],
                ],
                "responses": [
                    "200": [
                        "description": "Sorted by the metric, descending; ties by name",
                        "content": ["application/json": ["schema": .array(of: .ref("ChartEntry"))]],
                    ],
                    "400": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/stats",
            [
                "operationId": "stats",
                "summary": "Totals, distinct counts and listening by hour, weekday and month",
                "parameters": [
                    ["$ref": "#/components/parameters/source"],
                    ["$ref": "#/components/parameters/range"],
                    ["$ref": "#/components/parameters/from"],
                    ["$ref": "#/components/parameters/to"],
                ],
                "responses": [
                    "200": .json(.ref("Stats"), "Statistics"),
                    "400": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/recap",
            [
                "operationId": "recap",
                "summary":
                    "The year (or any range) in review: totals and the change from the period before, top 5 lists, discoveries, loyalty and the shape of the listening",
                "parameters": [
                    [
                        "name": "year",
                        "in": "query",
                        "description": "A calendar year (1900 to 9999); or give from and to.",
                        "schema": .integer(minimum: 1900, maximum: 9999),
                    ],
                    ["name": "from", "in": "query", "description": "First day, inclusive, instead of a year.", "schema": .date],
                    [
                        "name": "to",
                        "in": "query",
                        "description": "Last day, inclusive, instead of a year (at most 36,525 days after from).",
                        "schema": .date,
                    ],
                    [
                        "name": "tz",
                        "in": "query",
                        "description": "IANA time zone for days, hours and weeks (default UTC).",
                        "schema": .string(maxLength: 64),
                    ],
                    ["$ref": "#/components/parameters/metric"],
                    ["$ref": "#/components/parameters/source"],
                ],
                "responses": [
                    "200": [
                        "description": "The recap; the totals and top lists equal /api/v1/stats and /api/v1/top for the same range",
                        "content": ["application/json": ["schema": .ref("Recap")]],
                    ],
                    "400": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/recap/cards",
            [
                "operationId": "recapCards",
                "summary": "The recap's cards as a ZIP of PNG images (1080x1920, one per section)",
                "parameters": .array(recapParameters),
                "responses": [
                    "200": ["description": "A ZIP archive", "content": ["application/zip": ["schema": .binary]]],
                    "400": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/recap/video",
            [
                "operationId": "startRecapVideo",
                "summary":
                    "Make the recap's video (a 30-45 s story of the cards, 1080x1920 H.264 MP4) as a background job; follow it at /api/v1/jobs/{id}/events, download it at /api/v1/jobs/{id}/files/mp4",
                "security": .sessionAndCSRF,
                "parameters": .array(recapParameters),
                "responses": [
                    "202": .json(.ref("Job"), "Queued"),
                    "200": [
                        "description": "The same video is being made already: that job",
                        "content": ["application/json": ["schema": .ref("Job")]],
                    ],
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "409": .errorResponse,
                    "429": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/recap/shares",
            [
                "operationId": "recapShares",
                "summary": "Your shared recaps (read-only links), newest first; the link itself is shown only when made",
                "responses": [
                    "200": ["description": "Shares", "content": ["application/json": ["schema": .array(of: .ref("RecapShare"))]]]
                ],
            ]),
        Operation(
            .post, "/api/v1/recap/shares",
            [
                "operationId": "shareRecap",
                "summary":
                    "Publish a recap as a read-only page at an unguessable address (/r/TOKEN, with a preview image at /r/TOKEN/card.png for link previews)",
                "security": .sessionAndCSRF,
                "parameters": .array(
                    recapParameters + [["name": "theme", "in": "query", "schema": .oneOf(Theme.names).with("default", "dark")]]),
                "responses": [
                    "201": [
                        "description": "Shared: url and cardURL are given this once (only the token's SHA-256 is kept)",
                        "content": ["application/json": ["schema": .ref("RecapShare")]],
                    ],
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "409": .errorResponse,
                ],
            ]),
        Operation(
            .delete, "/api/v1/recap/shares/{id}",
            [
                "operationId": "revokeRecapShare",
                "summary": "Revoke a shared recap: its page and preview image answer 404 from now on",
                "security": .sessionAndCSRF,
                "parameters": [["name": "id", "in": "path", "required": true, "schema": .integer(minimum: 1)]],
                "responses": [
                    "204": ["description": "Revoked"],
                    "403": .errorResponse,
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/history",
            [
                "operationId": "history",
                "summary": "Download the merged listening history (ListenBrainz JSON lines or CSV)",
                "parameters": [
                    ["name": "format", "in": "query", "schema": .oneOf(HistoryExport.Format.self).with("default", "listenbrainz")],
                    ["$ref": "#/components/parameters/source"],
                    ["$ref": "#/components/parameters/range"],
                    ["$ref": "#/components/parameters/from"],
                    ["$ref": "#/components/parameters/to"],
                ],
                "responses": [
                    "200": [
                        "description": "One play per line, oldest first",
                        "content": ["application/x-ndjson": ["schema": .string], "text/csv": ["schema": .string]],
                    ],
                    "400": .errorResponse,
                    "409": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/race",
            [
                "operationId": "race",
                "summary": "The data behind a bar-chart race",
                "parameters": [
                    ["$ref": "#/components/parameters/source"],
                    ["$ref": "#/components/parameters/kind"],
                    ["$ref": "#/components/parameters/metric"],
                    ["$ref": "#/components/parameters/range"],
                    ["$ref": "#/components/parameters/from"],
                    ["$ref": "#/components/parameters/to"],
                    ["name": "limit", "in": "query", "schema": .integer(minimum: 1, maximum: 20).with("default", 10)],
                    ["name": "period", "in": "query", "schema": .oneOf(RacePeriod.self).with("default", "month")],
                ],
                "responses": [
                    "200": .json(.ref("RaceData"), "Race data"),
                    "400": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/renders",
            [
                "operationId": "startRender",
                "summary": "Render an image (PNG, JPEG, SVG) or an animation (MP4, GIF or WebM) as a background job",
                "security": .sessionAndCSRF,
                "requestBody": ["required": true, "content": ["application/json": ["schema": .ref("RenderRequest")]]],
                "responses": [
                    "202": .json(.ref("Job"), "Queued"),
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "409": .errorResponse,
                    "429": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/jobs",
            [
                "operationId": "listJobs",
                "summary": "The session's jobs, newest first",
                "responses": ["200": ["description": "Jobs", "content": ["application/json": ["schema": .array(of: .ref("Job"))]]]],
            ]),
        Operation(
            .get, "/api/v1/jobs/{id}",
            [
                "operationId": "getJob",
                "summary": "A job's state, progress and result",
                "parameters": [["$ref": "#/components/parameters/jobID"]],
                "responses": [
                    "200": .json(.ref("Job"), "The job"),
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .delete, "/api/v1/jobs/{id}",
            [
                "operationId": "cancelJob",
                "summary": "Cancel a job",
                "security": .sessionAndCSRF,
                "parameters": [["$ref": "#/components/parameters/jobID"]],
                "responses": [
                    "202": .json(.ref("Job"), "Cancelling"),
                    "403": .errorResponse,
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/jobs/{id}/events",
            [
                "operationId": "jobEvents",
                "summary": "Server-sent events: progress events with the job as JSON, then a done event",
                "parameters": [["$ref": "#/components/parameters/jobID"]],
                "responses": [
                    "200": ["description": "An event stream", "content": ["text/event-stream": ["schema": .string]]],
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/jobs/{id}/files/{format}",
            [
                "operationId": "downloadFile",
                "summary": "A rendered file (add ?download=1 for an attachment)",
                "parameters": [
                    ["$ref": "#/components/parameters/jobID"],
                    [
                        "name": "format",
                        "in": "path",
                        "required": true,
                        "schema": .oneOf(TopChartRender.ImageFormat.allCases.map(\.rawValue) + VideoContainer.allCases.map(\.rawValue)),
                    ],
                    ["name": "download", "in": "query", "schema": .string],
                ],
                "responses": [
                    "200": [
                        "description": "The file",
                        "content": [
                            "image/png": [:],
                            "image/jpeg": [:],
                            "image/svg+xml": [:],
                            "video/mp4": [:],
                            "image/gif": [:],
                            "video/webm": [:],
                        ],
                    ],
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/feedback",
            [
                "operationId": "sendFeedback",
                "summary": "Send feedback",
                "security": .sessionAndCSRF,
                "requestBody": ["required": true, "content": ["application/json": ["schema": .ref("Feedback")]]],
                "responses": [
                    "201": [
                        "description": "Stored",
                        "content": ["application/json": ["schema": .object(required: ["id"], ["id": .integer])]],
                    ],
                    "400": .errorResponse,
                    "403": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/library/uploads",
            [
                "operationId": "libraryUpload",
                "summary": "Upload one audio file into your library (streamed to disk; size-limited); then start its analysis",
                "security": .sessionAndCSRF,
                "parameters": [
                    [
                        "name": "name",
                        "in": "query",
                        "required": true,
                        "description":
                            "The file name; its extension must be one Segue reads (mp3, flac, ogg, oga, opus, m4a, aac, mp4, wav, wave, aiff, aif)",
                        "schema": .string,
                    ]
                ],
                "requestBody": ["required": true, "content": ["application/octet-stream": ["schema": .binary]]],
                "responses": [
                    "201": .json(.ref("LibraryUpload"), "Stored"),
                    "200": [
                        "description": "Already uploaded (duplicate content)",
                        "content": ["application/json": ["schema": .ref("LibraryUpload")]],
                    ],
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "413": .errorResponse,
                    "415": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/library/analyses",
            [
                "operationId": "libraryAnalyse",
                "summary": "Analyse uploads as one background job (each file: queued, decoding, analyzing, done or failed)",
                "security": .sessionAndCSRF,
                "requestBody": ["required": true, "content": ["application/json": ["schema": .ref("AnalysisRequest")]]],
                "responses": [
                    "202": .json(.ref("Job"), "Queued"),
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "404": .errorResponse,
                    "429": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/library/demo",
            [
                "operationId": "libraryDemo",
                "summary": "Add eight songs Segue renders itself (known tempos and keys) and analyse them",
                "security": .sessionAndCSRF,
                "responses": [
                    "202": .json(.ref("Job"), "Queued"),
                    "403": .errorResponse,
                    "409": .errorResponse,
                    "429": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/library/tracks",
            [
                "operationId": "libraryTracks",
                "summary": "Your library: every track and every uploaded file with its status",
                "responses": [
                    "200": [
                        "description": "Tracks, uploads first in upload order",
                        "content": ["application/json": ["schema": .array(of: .ref("LibraryTrack"))]],
                    ]
                ],
            ]),
        Operation(
            .get, "/api/v1/library/tracks/{id}",
            [
                "operationId": "libraryTrack",
                "summary": "One track: every descriptor, all tag scores and the most similar tracks",
                "parameters": [.pathID],
                "responses": [
                    "200": .json(.ref("LibraryTrackDetails"), "The track"),
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/library/tracks/{id}/audio",
            [
                "operationId": "libraryTrackAudio",
                "summary":
                    "An analysed track's audio for the player, with byte ranges; files browsers cannot decode (AIFF, ALAC) come as the MP3 copy a job made (503 with Retry-After while it is made; 409 for a track whose analysis failed)",
                "parameters": [
                    .pathID,
                    ["name": "Range", "in": "header", "description": "bytes=START-END, START- or -SUFFIX", "schema": .string],
                ],
                "responses": [
                    "200": [
                        "description": "The whole file",
                        "content": [
                            "audio/mpeg": [:],
                            "audio/flac": [:],
                            "audio/ogg": [:],
                            "audio/mp4": [:],
                            "audio/aac": [:],
                            "audio/wav": [:],
                        ],
                    ],
                    "206": [
                        "description": "The range asked for (Content-Range)",
                        "content": [
                            "audio/mpeg": [:],
                            "audio/flac": [:],
                            "audio/ogg": [:],
                            "audio/mp4": [:],
                            "audio/aac": [:],
                            "audio/wav": [:],
                        ],
                    ],
                    "404": .errorResponse,
                    "409": .errorResponse,
                    "416": ["description": "The range starts past the end of the file"],
                    "503": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/library/search",
            [
                "operationId": "librarySearch",
                "summary":
                    "Analysed tracks whose artist, title or album hold every word of q (case and accents ignored), best first: for picking seeds",
                "parameters": [
                    ["name": "q", "in": "query", "schema": .string(maxLength: 200)],
                    ["name": "limit", "in": "query", "schema": .integer(ChartParameters.limits).with("default", 10)],
                ],
                "responses": [
                    "200": [
                        "description": "Matching tracks",
                        "content": ["application/json": ["schema": .array(of: .ref("SearchHit"))]],
                    ],
                    "400": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/library/events",
            [
                "operationId": "libraryEvents",
                "summary": "Server-sent events: entries (every LibraryTrack, first), then entry (one LibraryTrack) whenever a row changes",
                "parameters": [
                    [
                        "name": "limit",
                        "in": "query",
                        "description": "Close the stream after this many events",
                        "schema": .integer(minimum: 1),
                    ]
                ],
                "responses": [
                    "200": ["description": "An event stream", "content": ["text/event-stream": ["schema": .string]]],
                    "400": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/playlists",
            [
                "operationId": "buildPlaylist",
                "summary": "A radio, path or ordered playlist from your analysed tracks under constraints, with each transition's score and parts",
                "security": .sessionAndCSRF,
                "requestBody": ["required": true, "content": ["application/json": ["schema": .ref("PlaylistRequest")]]],
                "responses": [
                    "200": .json(.ref("Playlist"), "The playlist"),
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "404": .errorResponse,
                    "422": [
                        "description": "Cannot be made as asked: the message names the rule and what is possible",
                        "content": ["application/json": ["schema": .ref("Error")]],
                    ],
                ],
            ]),
        Operation(
            .get, "/api/v1/playlists/export",
            [
                "operationId": "exportPlaylist",
                "summary": "Tracks in the given order as an extended M3U8, XSPF or JSPF file (an attachment)",
                "parameters": [
                    ["name": "format", "in": "query", "required": true, "schema": .oneOf(PlaylistExport.Format.self)],
                    [
                        "name": "tracks",
                        "in": "query",
                        "required": true,
                        "description": "Comma-separated track ids, in playlist order",
                        "schema": .string,
                    ],
                    ["name": "title", "in": "query", "schema": .string],
                ],
                "responses": [
                    "200": [
                        "description": "The playlist file",
                        "content": ["audio/x-mpegurl": [:], "application/xspf+xml": [:], "application/json": [:]],
                    ],
                    "400": .errorResponse,
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/playlists/saved",
            [
                "operationId": "savedPlaylists",
                "summary": "Your saved playlists, most recently changed first",
                "responses": [
                    "200": [
                        "description": "Saved playlists",
                        "content": ["application/json": ["schema": .array(of: .ref("SavedPlaylist"))]],
                    ]
                ],
            ]),
        Operation(
            .post, "/api/v1/playlists/saved",
            [
                "operationId": "savePlaylist",
                "summary": "Save a playlist (track ids of your analysed tracks, in order) under a name",
                "security": .sessionAndCSRF,
                "requestBody": ["required": true, "content": ["application/json": ["schema": .ref("SavePlaylistRequest")]]],
                "responses": [
                    "201": .json(.ref("SavedPlaylist"), "Saved"),
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/playlists/saved/{id}",
            [
                "operationId": "openSavedPlaylist",
                "summary": "A saved playlist with its transitions, exports and mix plan (as POST /api/v1/playlists gives them)",
                "parameters": [
                    .pathID,
                    ["name": "crossfade_s", "in": "query", "schema": .number(PlaylistsController.crossfades).with("default", 6)],
                ],
                "responses": [
                    "200": .json(.ref("Playlist"), "The playlist"),
                    "400": .errorResponse,
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .patch, "/api/v1/playlists/saved/{id}",
            [
                "operationId": "renameSavedPlaylist",
                "summary":
                    "Rename a saved playlist, or switch its daily rebuild on or off (--single-user installs; it needs a recipe and a player it was sent to: else 409)",
                "security": .sessionAndCSRF,
                "parameters": [.pathID],
                "requestBody": [
                    "required": true,
                    "content": [
                        "application/json": [
                            "schema": .object(["name": .string(minLength: 1, maxLength: 200), "refresh_daily": .boolean]).with("minProperties", 1)
                        ]
                    ],
                ],
                "responses": [
                    "200": .json(.ref("SavedPlaylist"), "Changed"),
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "404": .errorResponse,
                    "409": .errorResponse,
                ],
            ]),
        Operation(
            .delete, "/api/v1/playlists/saved/{id}",
            [
                "operationId": "deleteSavedPlaylist",
                "summary": "Delete a saved playlist",
                "security": .sessionAndCSRF,
                "parameters": [.pathID],
                "responses": [
                    "204": ["description": "Deleted"],
                    "403": .errorResponse,
                    "404": .errorResponse,
                ],
            ]),
        Operation(
            .post, "/api/v1/playlists/saved/{id}/push",
            [
                "operationId": "pushSavedPlaylist",
                "summary":
                    "Send a saved playlist to a player of the data folder (`segue players add`; --single-user installs only): a job whose result says what matched and what is missing; a playlist pushed before is replaced in place",
                "security": .sessionAndCSRF,
                "parameters": [.pathID],
                "requestBody": [
                    "required": true,
                    "content": [
                        "application/json": ["schema": .object(required: ["player"], ["player": .string(minLength: 1, maxLength: 64)])]
                    ],
                ],
                "responses": [
                    "202": .json(.ref("Job"), "Queued"),
                    "400": .errorResponse,
                    "403": .errorResponse,
                    "404": .errorResponse,
                    "429": .errorResponse,
                ],
            ]),
        Operation(
            .get, "/api/v1/players",
            [
                "operationId": "players",
                "summary": "The players saved playlists can be sent to (names and kinds; empty unless --single-user)",
                "responses": [
                    "200": [
                        "description": "Players",
                        "content": [
                            "application/json": [
                                "schema": .array(
                                    of: .object(
                                        required: ["name", "kind", "pushes"],
                                        [
                                            "name": .string,
                                            "kind": .oneOf(["subsonic", "folder"]),
                                            "pushes": .array(
                                                of: .object(
                                                    required: ["playlist", "at_ms", "matched", "missing"],
                                                    [
                                                        "playlist": .string,
                                                        "at_ms": .integer,
                                                        "matched": .integer,
                                                        "missing": .array(of: .string),
                                                    ])
                                            ).described("The latest push of each playlist sent there"),
                                        ]))
                            ]
                        ],
                    ]
                ],
            ]),
        Operation(
            .post, "/api/v1/events",
            [
                "operationId": "postEvents",
                "summary": "Bulk events from a platform: NDJSON or a JSON array, up to 10,000 events, all or nothing; 200 means durably stored",
                "security": [["ingest": []]],
                "requestBody": [
                    "required": true,
                    "content": [
                        "application/x-ndjson": ["schema": .string.described("One Event object a line")],
                        "application/json": ["schema": .array(of: .ref("Event")).with("maxItems", 10000)],
                    ],
                ],
                "responses": [
                    "200": .json(.ref("EventsAccepted"), "Stored"),
                    "400": [
                        "description": "A malformed body or event; nothing was stored",
                        "content": ["application/json": ["schema": .ref("EventsError")]],
                    ],
                    "401": [
                        "description": "Missing or unknown ingest token",
                        "content": ["application/json": ["schema": .ref("EventsError")]],
                    ],
                    "413": [
                        "description": "More than 10,000 events or 16 MB",
                        "content": ["application/json": ["schema": .ref("EventsError")]],
                    ],
                ],
            ]),
        Operation(
            .get, "/api/v1/live",
            [
                "operationId": "liveSnapshot",
                "summary": "Listening right now: exact streams, active users, leaderboard, per-minute trend, alerts",
                "security": [],
                "parameters": [["$ref": "#/components/parameters/window"]],
                "responses": [
                    "200": .json(.ref("LiveSnapshot"), "A snapshot"),
                    "400": .json(.ref("EventsError"), "An unknown window"),
                ],
            ]),
        Operation(
            .get, "/api/v1/live/stream",
            [
                "operationId": "liveStream",
                "summary":
                    "Server-sent events: snapshot (a LiveSnapshot, when what it shows changes; checked ten times a second), alert (a LiveAlert) and heartbeat (after 15 s of quiet)",
                "security": [],
                "parameters": [
                    ["$ref": "#/components/parameters/window"],
                    [
                        "name": "limit",
                        "in": "query",
                        "description": "Close the stream after this many events",
                        "schema": .integer(minimum: 1),
                    ],
                ],
                "responses": [
                    "200": ["description": "An event stream", "content": ["text/event-stream": ["schema": .string]]],
                    "400": [
                        "description": "An unknown window or a bad limit",
                        "content": ["application/json": ["schema": .ref("EventsError")]],
                    ],
                ],
            ]),
        Operation(
            .get, "/api/v1/live/mine",
            [
                "operationId": "liveMine",
                "summary": "My own listening: what my scrobblers play now, and my plays today in my time zone (the Live page polls it)",
                "responses": [
                    "200": .json(.ref("OwnListening"), "The visitor's listening")
                ],
            ]),
        Operation(
            .get, "/api/v1/openapi.json",
            [
                "operationId": "openapi",
                "summary": "This document",
                "security": [],
                "responses": ["200": ["description": "OpenAPI 3.1", "content": ["application/json": [:]]]],
            ]),
    ]
}
