/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
///
/// Kept beside the routes in `APIController` and `EventsController`; `Tests/browser/test_openapi.py` validates it and
/// fuzzes the running server against it.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Segue",
        "version": "1.0.0",
        "description": "Your Spotify history, explored and turned into images and bar-chart races. Every request belongs to an anonymous session (cookie segue_session, set on the first response). State-changing requests need the session's CSRF token (GET /api/v1/session) in the X-CSRF-Token header."
      },
      "servers": [{"url": "/"}],
      "components": {
        "securitySchemes": {
          "session": {"type": "apiKey", "in": "cookie", "name": "segue_session"},
          "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
          "ingest": {"type": "http", "scheme": "bearer", "description": "An ingest token from `segue tokens create --scope ingest`; `Authorization: Token T` is accepted too."}
        },
        "parameters": {
          "kind": {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["artists", "tracks", "albums"], "default": "artists"}},
          "metric": {"name": "metric", "in": "query", "schema": {"type": "string", "enum": ["streams", "minutes"], "default": "streams"}},
          "range": {"name": "range", "in": "query", "description": "A preset; custom (or from/to alone) uses from and to.", "schema": {"type": "string", "enum": ["all", "this-year", "last-year", "this-decade", "custom"]}},
          "from": {"name": "from", "in": "query", "description": "First day, inclusive (UTC).", "schema": {"type": "string", "format": "date"}},
          "to": {"name": "to", "in": "query", "description": "Last day, inclusive (UTC).", "schema": {"type": "string", "format": "date"}},
          "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
          "source": {"name": "source", "in": "query", "description": "Sources whose plays count: all, or a comma-separated list of spotify, lastfm, listenbrainz, apple, youtube, scrobble.", "schema": {"type": "string", "default": "all", "pattern": "^(all|(spotify|lastfm|listenbrainz|apple|youtube|scrobble)(,(spotify|lastfm|listenbrainz|apple|youtube|scrobble))*)$"}},
          "jobID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
          "window": {"name": "window", "in": "query", "description": "The window's length.", "schema": {"type": "string", "enum": ["1m", "5m", "10m", "1h", "24h"], "default": "10m"}}
        },
        "responses": {
          "Error": {"description": "A problem the client can fix", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        },
        "schemas": {
          "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["status", "message"], "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}
          },
          "Session": {
            "type": "object", "required": ["csrfToken", "expiresAt", "hasData", "singleUser"],
            "properties": {"csrfToken": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}, "hasData": {"type": "boolean"}, "singleUser": {"type": "boolean"}}
          },
          "Upload": {
            "type": "object", "required": ["id", "name", "bytes", "contentKind"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "bytes": {"type": "integer"}, "contentKind": {"type": "string", "enum": ["zip", "json"]}}
          },
          "ImportRequest": {
            "type": "object",
            "properties": {"uploads": {"type": "array", "items": {"type": "string"}}, "demo": {"type": "boolean"}}
          },
          "RenderRequest": {
            "type": "object", "required": ["output", "kind", "metric", "top", "size", "theme"],
            "properties": {
              "output": {"type": "string", "enum": ["image", "animation"]},
              "kind": {"type": "string", "enum": ["artists", "tracks", "albums"]},
              "metric": {"type": "string", "enum": ["streams", "minutes"]},
              "from": {"type": "string", "format": "date"},
              "to": {"type": "string", "format": "date"},
              "top": {"type": "integer", "minimum": 3, "maximum": 20},
              "size": {"type": "string", "description": "story, square, landscape or WIDTHxHEIGHT (each side 64 to 1920 pixels)"},
              "theme": {"type": "string", "enum": ["dark", "light", "vivid"]},
              "container": {"type": "string", "enum": ["mp4", "gif", "webm"]},
              "period": {"type": "string", "enum": ["day", "week", "month"]},
              "duration": {"type": "number", "minimum": 3, "maximum": 60, "description": "seconds, final hold included; default: 1 s per race step plus 2.5 s, 5 to 60 s"}
            }
          },
          "ChartEntry": {
            "type": "object", "required": ["rank", "name", "streams", "minutes"],
            "properties": {"rank": {"type": "integer"}, "name": {"type": "string"}, "artist": {"type": "string"}, "album": {"type": "string"}, "uri": {"type": "string"}, "streams": {"type": "integer"}, "minutes": {"type": "number"}}
          },
          "Stats": {
            "type": "object",
            "required": ["musicPlays", "streams", "milliseconds", "distinctTracks", "distinctArtists", "distinctAlbums", "millisecondsByHour", "millisecondsByWeekday", "millisecondsByMonth"],
            "properties": {
              "musicPlays": {"type": "integer"}, "streams": {"type": "integer"}, "milliseconds": {"type": "integer"},
              "episodes": {"type": "integer"}, "audiobookChapters": {"type": "integer"},
              "firstPlay": {"type": "integer"}, "lastPlay": {"type": "integer"},
              "distinctTracks": {"type": "integer"}, "distinctArtists": {"type": "integer"}, "distinctAlbums": {"type": "integer"},
              "playsWithoutLength": {"type": "integer", "description": "Plays whose source gave no length (scrobbles); each counts as a stream and adds its track's known length"},
              "millisecondsByHour": {"type": "array", "items": {"type": "integer"}},
              "millisecondsByWeekday": {"type": "array", "items": {"type": "integer"}},
              "millisecondsByMonth": {"type": "array", "items": {"type": "integer"}},
              "streamsByHour": {"type": "array", "items": {"type": "integer"}},
              "streamsByWeekday": {"type": "array", "items": {"type": "integer"}},
              "streamsByMonth": {"type": "array", "items": {"type": "integer"}}
            }
          },
          "RecapTotals": {
            "type": "object", "required": ["plays", "streams", "milliseconds", "minutes", "artists", "tracks", "albums"],
            "properties": {"plays": {"type": "integer"}, "streams": {"type": "integer"}, "milliseconds": {"type": "integer"}, "minutes": {"type": "number"}, "artists": {"type": "integer"}, "tracks": {"type": "integer"}, "albums": {"type": "integer"}}
          },
          "RecapEntry": {
            "type": "object", "required": ["rank", "name", "streams", "milliseconds", "minutes", "share"],
            "properties": {"rank": {"type": "integer"}, "name": {"type": "string"}, "artist": {"type": "string"}, "album": {"type": "string"}, "uri": {"type": "string"}, "streams": {"type": "integer"}, "milliseconds": {"type": "integer"}, "minutes": {"type": "number"}, "share": {"type": "number", "minimum": 0, "maximum": 1}}
          },
          "RecapShare": {
            "type": "object", "required": ["id", "query", "from", "to", "theme", "createdMillis"],
            "properties": {
              "id": {"type": "integer"}, "query": {"type": "string", "description": "The recap's query, as /api/v1/recap takes it"},
              "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "theme": {"type": "string"},
              "createdMillis": {"type": "integer"},
              "url": {"type": "string", "format": "uri", "description": "Only in the answer that made the share"},
              "cardURL": {"type": "string", "format": "uri", "description": "The preview image (1200x630 PNG); only in the answer that made the share"}
            }
          },
          "Recap": {
            "type": "object", "required": ["version", "from", "to", "timeZone", "metric", "totals", "previous", "topArtists", "topTracks", "topAlbums", "discoveries", "loyalty", "shape", "race"],
            "properties": {
              "version": {"type": "integer"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
              "timeZone": {"type": "string"}, "metric": {"type": "string", "enum": ["streams", "minutes"]},
              "totals": {"$ref": "#/components/schemas/RecapTotals"},
              "sound": {
                "type": "object", "description": "The sound of the period, from the plays that match analysed files of your library (artist, title and album); absent when none does",
                "required": ["matchedPlays", "matchedTracks", "share", "averageBPM", "averageEnergy", "averageLoudnessLUFS", "previousMatchedPlays", "risingTags", "playlist"],
                "properties": {
                  "matchedPlays": {"type": "integer"}, "matchedTracks": {"type": "integer"}, "share": {"type": "number", "minimum": 0, "maximum": 1},
                  "averageBPM": {"type": "number", "description": "Averaged over the matched plays (a file played 3 times counts 3 times)"},
                  "averageEnergy": {"type": "number", "minimum": 0, "maximum": 1}, "averageLoudnessLUFS": {"type": "number"},
                  "previousMatchedPlays": {"type": "integer"},
                  "risingTags": {"type": "array", "items": {"type": "object", "required": ["tag", "share", "previousShare", "rise"], "properties": {"tag": {"type": "string"}, "share": {"type": "number"}, "previousShare": {"type": "number"}, "rise": {"type": "number"}}}},
                  "playlist": {"type": "array", "description": "The most played matched files, ordered for smooth transitions", "items": {"type": "object", "required": ["id", "artist", "title", "plays", "bpm", "energy"], "properties": {"id": {"type": "integer"}, "artist": {"type": "string"}, "title": {"type": "string"}, "plays": {"type": "integer"}, "bpm": {"type": "number"}, "energy": {"type": "number"}}}}
                }
              },
              "previous": {
                "type": "object", "required": ["from", "to", "totals"], "description": "The period before, of the same length (the year before for a calendar year); each change is relative (0.25 = a quarter more), absent when the period before had none",
                "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "totals": {"$ref": "#/components/schemas/RecapTotals"}, "streamsChange": {"type": "number"}, "minutesChange": {"type": "number"}, "artistsChange": {"type": "number"}, "tracksChange": {"type": "number"}, "albumsChange": {"type": "number"}}
              },
              "topArtists": {"type": "array", "maxItems": 5, "items": {"$ref": "#/components/schemas/RecapEntry"}},
              "topTracks": {"type": "array", "maxItems": 5, "items": {"$ref": "#/components/schemas/RecapEntry"}},
              "topAlbums": {"type": "array", "maxItems": 5, "items": {"$ref": "#/components/schemas/RecapEntry"}},
              "discoveries": {
                "type": "object", "required": ["count", "top", "share"], "description": "Artists first played in the range, with at least one stream in it",
                "properties": {"count": {"type": "integer"}, "biggest": {"$ref": "#/components/schemas/RecapEntry"}, "top": {"type": "array", "maxItems": 5, "items": {"$ref": "#/components/schemas/RecapEntry"}}, "share": {"type": "number"}}
              },
              "loyalty": {
                "type": "object",
                "properties": {
                  "mostWeeks": {"type": "object", "required": ["artist", "weeks", "ofWeeks", "streams"], "properties": {"artist": {"type": "string"}, "weeks": {"type": "integer"}, "ofWeeks": {"type": "integer"}, "streams": {"type": "integer"}}},
                  "longestStreak": {"type": "object", "required": ["days", "from", "to"], "properties": {"days": {"type": "integer"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}}},
                  "longestSession": {"type": "object", "required": ["start", "end", "day", "plays", "milliseconds", "durationMinutes"], "description": "Plays each starting less than 5 minutes after the previous ended; start and end in seconds since 1970", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}, "day": {"type": "string", "format": "date"}, "plays": {"type": "integer"}, "milliseconds": {"type": "integer"}, "durationMinutes": {"type": "number"}}}
                }
              },
              "race": {"$ref": "#/components/schemas/RaceData", "description": "The top 10 artists' race through the period (monthly beyond 92 days, weekly beyond 14, else daily), as GET /api/v1/race gives it"},
              "shape": {
                "type": "object", "required": ["months", "millisecondsByHour", "streamsByHour", "millisecondsByWeekday", "streamsByWeekday"],
                "properties": {
                  "months": {"type": "array", "items": {"type": "object", "required": ["year", "month", "milliseconds", "minutes", "streams"], "properties": {"year": {"type": "integer"}, "month": {"type": "integer", "minimum": 1, "maximum": 12}, "milliseconds": {"type": "integer"}, "minutes": {"type": "number"}, "streams": {"type": "integer"}}}},
                  "millisecondsByHour": {"type": "array", "items": {"type": "integer"}}, "streamsByHour": {"type": "array", "items": {"type": "integer"}},
                  "millisecondsByWeekday": {"type": "array", "items": {"type": "integer"}, "description": "0 = Monday"}, "streamsByWeekday": {"type": "array", "items": {"type": "integer"}},
                  "busiestDay": {"type": "object", "required": ["day", "milliseconds", "minutes", "streams"], "properties": {"day": {"type": "string", "format": "date"}, "milliseconds": {"type": "integer"}, "minutes": {"type": "number"}, "streams": {"type": "integer"}}}
                }
              }
            }
          },
          "RaceData": {
            "type": "object",
            "description": "Cumulative values per period of every entity ever in the top N."
          },
          "Job": {
            "type": "object", "required": ["id", "kind", "state", "progress", "createdAt"],
            "properties": {
              "id": {"type": "string"}, "kind": {"type": "string", "enum": ["import", "render", "push-playlist"]},
              "state": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled", "dead"]},
              "progress": {"type": "number", "minimum": 0, "maximum": 1}, "detail": {"type": "string"},
              "error": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"},
              "title": {"type": "string", "description": "For renders: what was asked for (Top 10 artists · image)"}, "etaSeconds": {"type": "number"}, "width": {"type": "integer"}, "height": {"type": "integer"}, "frames": {"type": "integer"},
              "files": {"type": "array", "items": {"type": "object", "required": ["format", "url", "bytes", "mediaType"], "properties": {"format": {"type": "string"}, "url": {"type": "string"}, "bytes": {"type": "integer"}, "mediaType": {"type": "string"}}}},
              "report": {"type": "object", "description": "The import report: per file and total counts of music plays, short plays, episodes, audiobook chapters, duplicates and rejected records."},
              "push": {"type": "object", "description": "A push to a player: one line for people, how many tracks were found, and the name of each the player does not have.", "required": ["summary", "playlistName", "matched", "missing"], "properties": {"summary": {"type": "string"}, "playlistName": {"type": "string"}, "matched": {"type": "integer"}, "missing": {"type": "array", "items": {"type": "string"}}}}
            }
          },
          "Event": {
            "type": "object", "required": ["user_id", "track", "ts"],
            "description": "One play. Events are idempotent per token: an event resent with the same event_id, user_id and ts (as a retry sends it) is stored once; without an event_id, on (user_id, ts, artist, track).",
            "properties": {
              "event_id": {"type": ["string", "integer"], "maxLength": 256},
              "user_id": {"type": ["string", "integer"], "minLength": 1, "maxLength": 256},
              "track": {"type": "string", "minLength": 1, "maxLength": 1024},
              "artist": {"type": ["string", "null"], "maxLength": 1024},
              "album": {"type": ["string", "null"], "maxLength": 1024},
              "ts": {"oneOf": [{"type": "number", "description": "Epoch seconds, or epoch milliseconds when 10^11 or more"}, {"type": "string", "format": "date-time"}], "description": "Not before 2002-10-01 nor more than an hour ahead."}
            }
          },
          "EventsAccepted": {
            "type": "object", "required": ["received", "stored", "duplicates"],
            "properties": {"received": {"type": "integer"}, "stored": {"type": "integer", "description": "New events, durably stored"}, "duplicates": {"type": "integer", "description": "Events already stored earlier (or twice in this request)"}}
          },
          "EventsError": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["status", "message"], "properties": {"status": {"type": "integer"}, "message": {"type": "string"}, "index": {"type": "integer", "description": "The offending event (0-based)"}, "field": {"type": "string", "description": "The offending field"}}}}
          },
          "LiveSnapshot": {
            "type": "object",
            "required": ["window_seconds", "as_of", "streams", "active_users", "events_per_second", "top_song", "leaderboard", "trend", "alerts", "now_playing"],
            "properties": {
              "window_seconds": {"type": "integer"},
              "as_of": {"type": "string", "format": "date-time"},
              "streams": {"type": "integer", "description": "Listens with an event time in the window (exact)"},
              "active_users": {"type": "integer", "description": "Distinct listeners in the window (exact)"},
              "events_per_second": {"type": "number", "description": "Over the last ten seconds of event time"},
              "top_song": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["track", "artist", "streams"], "properties": {"track": {"type": "string"}, "artist": {"type": "string"}, "streams": {"type": "integer"}}}]},
              "leaderboard": {"type": "array", "items": {"type": "object", "required": ["rank", "track", "artist", "streams"], "properties": {"rank": {"type": "integer"}, "track": {"type": "string"}, "artist": {"type": "string"}, "streams": {"type": "integer"}}}},
              "trend": {
                "type": "object", "required": ["minutes", "streams", "series"],
                "properties": {
                  "minutes": {"type": "array", "items": {"type": "string", "format": "date-time"}, "description": "Start of each minute, oldest first; the last is in progress"},
                  "streams": {"type": "array", "items": {"type": "integer"}},
                  "series": {"type": "array", "description": "The top five tracks, counts per minute", "items": {"type": "object", "required": ["track", "artist", "counts"], "properties": {"track": {"type": "string"}, "artist": {"type": "string"}, "counts": {"type": "array", "items": {"type": "integer"}}}}}
                }
              },
              "alerts": {"type": "array", "items": {"$ref": "#/components/schemas/LiveAlert"}},
              "now_playing": {"type": "array", "items": {"type": "object", "required": ["track", "artist", "at"], "properties": {"user": {"type": "string", "description": "The listener, only with --live-show-listeners"}, "track": {"type": "string"}, "artist": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}}}
            }
          },
          "LiveAlert": {
            "type": "object", "required": ["kind", "scope", "at", "observed", "expected", "score"],
            "properties": {"kind": {"type": "string", "enum": ["spike", "drop"]}, "scope": {"type": "string", "enum": ["total", "track"], "description": "All streams, or one of the top five tracks (then track and artist are set)"}, "track": {"type": "string"}, "artist": {"type": "string"}, "at": {"type": "string", "format": "date-time", "description": "The unusual minute"}, "observed": {"type": "integer"}, "expected": {"type": "number"}, "score": {"type": "number"}}
          },
          "OwnListening": {
            "type": "object", "required": ["has_scrobbles", "day", "time_zone", "plays_today", "minutes_today", "recent_today"],
            "description": "The visitor's own listening, from the ListenBrainz users whose listens join their profile (every user on a single-user install); never anyone else's",
            "properties": {
              "has_scrobbles": {"type": "boolean", "description": "Whether any of those users has sent a listen or is playing something"},
              "playing_now": {"$ref": "#/components/schemas/OwnTrack"},
              "day": {"type": "string", "format": "date", "description": "Today in the visitor's time zone"},
              "time_zone": {"type": "string"},
              "plays_today": {"type": "integer", "description": "Music plays of the profile that ended today"},
              "minutes_today": {"type": "integer"},
              "recent_today": {"type": "array", "maxItems": 5, "description": "Today's latest listens, newest first", "items": {"$ref": "#/components/schemas/OwnTrack"}}
            }
          },
          "OwnTrack": {
            "type": "object", "required": ["track", "artist"],
            "properties": {"track": {"type": "string"}, "artist": {"type": "string"}, "listened_at": {"type": "integer", "description": "Seconds since 1970 (not for what is playing now)"}, "time": {"type": "string", "description": "The time of day in the visitor's time zone, like 14:05"}}
          },
          "LibraryUpload": {
            "type": "object", "required": ["id", "name", "bytes", "duplicate"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "bytes": {"type": "integer"}, "duplicate": {"type": "boolean", "description": "The same content was uploaded before; id is that upload"}}
          },
          "LibraryTrack": {
            "type": "object", "required": ["file", "status", "tags"],
            "description": "An analysed track, or an uploaded file on its way (uploaded, queued, decoding, analyzing) or refused (failed, with error). Fields as in `segue library list --format json`, without server paths.",
            "properties": {
              "id": {"type": "integer", "description": "The track id, once the file is in the library"},
              "upload": {"type": "string", "description": "The upload it came from"},
              "file": {"type": "string"}, "artist": {"type": "string"}, "title": {"type": "string"}, "album": {"type": "string"},
              "duration_s": {"type": "number"}, "bpm": {"type": "number"}, "bpm_confidence": {"type": "number"},
              "key": {"type": "string", "description": "For example A minor"}, "camelot": {"type": "string", "description": "For example 8A"},
              "loudness_lufs": {"type": "number"}, "energy": {"type": "number"},
              "tags": {"type": "array", "items": {"$ref": "#/components/schemas/TagScore"}, "description": "The strongest tags, when the analysis has tag scores"},
              "status": {"type": "string", "enum": ["uploaded", "queued", "decoding", "analyzing", "done", "failed"]},
              "error": {"type": "string"},
              "plays": {"type": "integer", "description": "Plays of this song in the person's listening history (by artist and title, and album when both name one); files in the library only"},
              "last_played": {"type": "string", "format": "date", "description": "The day of the most recent of them (UTC)"}
            }
          },
          "TagScore": {"type": "object", "required": ["name", "score"], "properties": {"name": {"type": "string"}, "score": {"type": "number"}}},
          "LibraryTrackDetails": {
            "type": "object", "required": ["track", "descriptors", "tags", "similar"],
            "properties": {
              "track": {"$ref": "#/components/schemas/LibraryTrack"},
              "descriptors": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Every analysis descriptor by name"},
              "analysis_version": {"type": "integer"},
              "tags": {"type": "array", "items": {"$ref": "#/components/schemas/TagScore"}},
              "similar": {"type": "array", "items": {"type": "object", "required": ["id", "artist", "title", "distance"], "properties": {"id": {"type": "integer"}, "artist": {"type": "string"}, "title": {"type": "string"}, "distance": {"type": "number"}}}}
            }
          },
          "AnalysisRequest": {"type": "object", "required": ["uploads"], "properties": {"uploads": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 1000}}},
          "PlaylistRequest": {
            "type": "object", "required": ["mode"],
            "description": "radio needs seeds or seed_from_history, path from and to, order tracks (track ids of your library). Durations in seconds.",
            "properties": {
              "mode": {"type": "string", "enum": ["radio", "path", "order"]},
              "seeds": {"type": "array", "items": {"type": "integer"}},
              "seed_from_history": {"type": "string", "pattern": "^([0-9]{4}(-[0-9]{2})?|all)$", "examples": ["2024", "2024-05", "all"], "description": "radio only, instead of seeds: the three library tracks you played most in this year, month (UTC) or your whole history (your history joined to the files by artist, title and album); a saved playlist built so chooses them again at each daily refresh"},
              "prefer": {"type": "string", "enum": ["unplayed"], "description": "unplayed: favour library tracks you have never or seldom played, keeping transitions smooth"},
              "from": {"type": "integer"}, "to": {"type": "integer"},
              "tracks": {"type": "array", "items": {"type": "integer"}},
              "length": {"type": "integer", "minimum": 1, "maximum": 500, "description": "radio: 20 unless duration_seconds is given; path: 10, both ends included"},
              "arc": {"type": "string", "enum": ["none", "steady", "rising", "falling", "peak"]},
              "artist_spacing": {"type": "integer", "minimum": 0, "maximum": 1000, "description": "At least this many other tracks between two by one artist"},
              "max_per_artist": {"type": "integer", "minimum": 1}, "max_per_album": {"type": "integer", "minimum": 1},
              "exclude_artists": {"type": "array", "items": {"type": "string"}}, "exclude_albums": {"type": "array", "items": {"type": "string"}},
              "exclude_tags": {"type": "array", "items": {"type": "string"}},
              "min_bpm": {"type": "number", "minimum": 0, "maximum": 1000}, "max_bpm": {"type": "number", "minimum": 0, "maximum": 1000},
              "max_track_seconds": {"type": "number", "minimum": 0}, "duration_seconds": {"type": "number", "minimum": 0},
              "duration_tolerance_seconds": {"type": "number", "minimum": 0},
              "crossfade_s": {"type": "number", "minimum": 0, "maximum": 30, "default": 6, "description": "Seconds each track overlaps the next in the mix plan (never more than a third of either track)"}
            }
          },
          "MixSlot": {
            "type": "object", "required": ["start_s", "end_s", "at_s", "fade_in_s", "fade_out_s", "gain_db"],
            "description": "A track's place in the crossfaded mix (the plan segue playlist --mix renders): its file plays from start_s to end_s (leading and trailing silence cut), starting at_s seconds into the mix, fading in over fade_in_s and out over its last fade_out_s seconds (linear), at gain_db (bringing it to the playlist's median loudness; the mix ends in a limiter at -2 dBFS)",
            "properties": {"start_s": {"type": "number"}, "end_s": {"type": "number"}, "at_s": {"type": "number"}, "fade_in_s": {"type": "number"}, "fade_out_s": {"type": "number"}, "gain_db": {"type": "number"}}
          },
          "SavedPlaylist": {
            "type": "object", "required": ["id", "name", "mode", "tracks", "created_ms", "updated_ms"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "mode": {"type": "string", "enum": ["radio", "path", "order"]}, "tracks": {"type": "array", "items": {"type": "integer"}, "description": "Track ids in playlist order"}, "created_ms": {"type": "integer"}, "updated_ms": {"type": "integer"}, "target": {"type": "string", "description": "The player it was last sent to (set by its first push)"}, "refreshable": {"type": "boolean", "description": "Saved with how it was made (a radio or a path), so it can be rebuilt"}, "refresh_daily": {"type": "boolean", "description": "Rebuilt from the current library and history and pushed in place to target once a day"}, "last_pushed_ms": {"type": "integer", "description": "When the last push went through"}, "last_missing": {"type": "array", "items": {"type": "string"}, "description": "Artist – Title of each track the target lacked at the last push"}, "last_error": {"type": "string", "description": "The last failed rebuild or push, until one succeeds"}, "last_error_ms": {"type": "integer"}}
          },
          "SavePlaylistRequest": {
            "type": "object", "required": ["name", "tracks"],
            "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}, "mode": {"type": "string", "enum": ["radio", "path", "order"], "default": "order"}, "tracks": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 500}, "recipe": {"$ref": "#/components/schemas/PlaylistRequest", "description": "The request that built it (its mode must be the playlist's): kept so a radio or a path can be rebuilt daily"}}
          },
          "SearchHit": {
            "type": "object", "required": ["id", "artist", "title", "album", "duration_s"],
            "properties": {"id": {"type": "integer"}, "artist": {"type": "string"}, "title": {"type": "string"}, "album": {"type": "string"}, "bpm": {"type": "number"}, "camelot": {"type": "string"}, "duration_s": {"type": "number"}}
          },
          "Transition": {
            "type": "object", "required": ["total", "tempo", "key", "loudness", "energy", "embedding", "grade"],
            "description": "From a track's outro to the next one's intro; each part 0 (seamless) to 1 (jarring), the total their weighted sum",
            "properties": {"total": {"type": "number"}, "tempo": {"type": "number"}, "key": {"type": "number"}, "loudness": {"type": "number"}, "energy": {"type": "number"}, "embedding": {"type": "number"}, "grade": {"type": "string", "enum": ["smooth", "fair", "rough"], "description": "Rough when the total is 1.5 or more or any part 0.6 or more; smooth when the total is under 0.75 and every part under 0.25"}}
          },
          "Playlist": {
            "type": "object", "required": ["mode", "title", "tracks", "total_cost", "duration_s", "exports", "crossfade_s", "mix_s", "missing"],
            "properties": {
              "mode": {"type": "string"}, "title": {"type": "string"}, "total_cost": {"type": "number"}, "duration_s": {"type": "number"},
              "crossfade_s": {"type": "number"}, "mix_s": {"type": "number", "description": "The crossfaded mix's length"},
              "saved": {"$ref": "#/components/schemas/SavedPlaylist"},
              "seed_period": {"type": "string", "description": "A radio seeded with seed_from_history: its period"},
              "seeds": {"type": "array", "description": "A radio seeded with seed_from_history: the seeds it chose, most played first, with their plays in the period", "items": {"type": "object", "required": ["id", "artist", "title", "plays"], "properties": {"id": {"type": "integer"}, "artist": {"type": "string"}, "title": {"type": "string"}, "plays": {"type": "integer"}}}},
              "missing": {"type": "array", "items": {"type": "integer"}, "description": "Tracks of a saved playlist no longer in the library (left out)"},
              "exports": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Download links by format: m3u8, xspf, jspf"},
              "tracks": {"type": "array", "items": {
                "type": "object", "required": ["id", "artist", "title", "album", "duration_s", "bpm", "outro_bpm", "energy", "loudness_lufs", "tags", "audio", "mix"],
                "properties": {
                  "id": {"type": "integer"}, "artist": {"type": "string"}, "title": {"type": "string"}, "album": {"type": "string"},
                  "duration_s": {"type": "number"}, "bpm": {"type": "number"}, "camelot": {"type": "string"}, "outro_bpm": {"type": "number"},
                  "outro_camelot": {"type": "string"}, "energy": {"type": "number"}, "loudness_lufs": {"type": "number"},
                  "tags": {"type": "array", "items": {"type": "string"}}, "transition": {"$ref": "#/components/schemas/Transition"},
                  "audio": {"type": "string", "description": "The track's audio (GET /api/v1/library/tracks/{id}/audio)"},
                  "mix": {"$ref": "#/components/schemas/MixSlot"}
                }
              }}
            }
          },
          "Feedback": {
            "type": "object", "required": ["message"],
            "properties": {"message": {"type": "string", "minLength": 1, "maxLength": 5000}, "rating": {"type": "integer", "minimum": 1, "maximum": 5}, "contact": {"type": "string", "maxLength": 200}}
          }
        }
      },
      "security": [{"session": []}],
      "paths": {
        "/api/v1/session": {
          "get": {"operationId": "getSession", "summary": "The session, its CSRF token and whether it has data", "responses": {"200": {"description": "The session", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}}},
          "delete": {"operationId": "deleteSession", "summary": "Delete my data: plays, uploads, renders, jobs and the session", "security": [{"session": [], "csrf": []}], "responses": {"204": {"description": "Erased"}, "403": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/uploads": {
          "post": {
            "operationId": "upload", "summary": "Upload a listening history: a Spotify ZIP or JSON file, a Last.fm or Apple Music CSV, a ListenBrainz export or YouTube watch history (streamed to disk; size-limited)",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "name", "in": "query", "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Upload"}}}}, "403": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/imports": {
          "post": {
            "operationId": "startImport", "summary": "Import uploads (or the demo data) as a background job",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportRequest"}}}},
            "responses": {"202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/top": {
          "get": {
            "operationId": "top", "summary": "Top artists, tracks or albums",
            "parameters": [{"$ref": "#/components/parameters/source"}, {"$ref": "#/components/parameters/kind"}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/range"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/limit"}],
            "responses": {"200": {"description": "Sorted by the metric, descending; ties by name", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ChartEntry"}}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/stats": {
          "get": {
            "operationId": "stats", "summary": "Totals, distinct counts and listening by hour, weekday and month",
            "parameters": [{"$ref": "#/components/parameters/source"}, {"$ref": "#/components/parameters/range"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}],
            "responses": {"200": {"description": "Statistics", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stats"}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/recap": {
          "get": {
            "operationId": "recap", "summary": "The year (or any range) in review: totals and the change from the period before, top 5 lists, discoveries, loyalty and the shape of the listening",
            "parameters": [{"name": "year", "in": "query", "description": "A calendar year (1900 to 9999); or give from and to.", "schema": {"type": "integer", "minimum": 1900, "maximum": 9999}}, {"name": "from", "in": "query", "description": "First day, inclusive, instead of a year.", "schema": {"type": "string", "format": "date"}}, {"name": "to", "in": "query", "description": "Last day, inclusive, instead of a year (at most 36,525 days after from).", "schema": {"type": "string", "format": "date"}}, {"name": "tz", "in": "query", "description": "IANA time zone for days, hours and weeks (default UTC).", "schema": {"type": "string", "maxLength": 64}}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/source"}],
            "responses": {"200": {"description": "The recap; the totals and top lists equal /api/v1/stats and /api/v1/top for the same range", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Recap"}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/recap/cards": {
          "get": {
            "operationId": "recapCards", "summary": "The recap's cards as a ZIP of PNG images (1080x1920, one per section)",
            "parameters": [{"name": "year", "in": "query", "description": "A calendar year (1900 to 9999); or give from and to.", "schema": {"type": "integer", "minimum": 1900, "maximum": 9999}}, {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "tz", "in": "query", "schema": {"type": "string", "maxLength": 64}}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/source"}],
            "responses": {"200": {"description": "A ZIP archive", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/recap/video": {
          "post": {
            "operationId": "startRecapVideo", "summary": "Make the recap's video (a 30-45 s story of the cards, 1080x1920 H.264 MP4) as a background job; follow it at /api/v1/jobs/{id}/events, download it at /api/v1/jobs/{id}/files/mp4",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "year", "in": "query", "description": "A calendar year (1900 to 9999); or give from and to.", "schema": {"type": "integer", "minimum": 1900, "maximum": 9999}}, {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "tz", "in": "query", "schema": {"type": "string", "maxLength": 64}}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/source"}],
            "responses": {"202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "200": {"description": "The same video is being made already: that job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/recap/shares": {
          "get": {
            "operationId": "recapShares", "summary": "Your shared recaps (read-only links), newest first; the link itself is shown only when made",
            "responses": {"200": {"description": "Shares", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/RecapShare"}}}}}}
          },
          "post": {
            "operationId": "shareRecap", "summary": "Publish a recap as a read-only page at an unguessable address (/r/TOKEN, with a preview image at /r/TOKEN/card.png for link previews)",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "year", "in": "query", "description": "A calendar year (1900 to 9999); or give from and to.", "schema": {"type": "integer", "minimum": 1900, "maximum": 9999}}, {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}, {"name": "tz", "in": "query", "schema": {"type": "string", "maxLength": 64}}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/source"}, {"name": "theme", "in": "query", "schema": {"type": "string", "enum": ["dark", "light", "vivid"], "default": "dark"}}],
            "responses": {"201": {"description": "Shared: url and cardURL are given this once (only the token's SHA-256 is kept)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecapShare"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/recap/shares/{id}": {
          "delete": {
            "operationId": "revokeRecapShare", "summary": "Revoke a shared recap: its page and preview image answer 404 from now on",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"204": {"description": "Revoked"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/history": {
          "get": {
            "operationId": "history", "summary": "Download the merged listening history (ListenBrainz JSON lines or CSV)",
            "parameters": [{"name": "format", "in": "query", "schema": {"type": "string", "enum": ["listenbrainz", "csv"], "default": "listenbrainz"}}, {"$ref": "#/components/parameters/source"}, {"$ref": "#/components/parameters/range"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}],
            "responses": {"200": {"description": "One play per line, oldest first", "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/race": {
          "get": {
            "operationId": "race", "summary": "The data behind a bar-chart race",
            "parameters": [{"$ref": "#/components/parameters/source"}, {"$ref": "#/components/parameters/kind"}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/range"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 10}}, {"name": "period", "in": "query", "schema": {"type": "string", "enum": ["day", "week", "month"], "default": "month"}}],
            "responses": {"200": {"description": "Race data", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RaceData"}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/renders": {
          "post": {
            "operationId": "startRender", "summary": "Render an image (PNG, JPEG, SVG) or an animation (MP4, GIF or WebM) as a background job",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RenderRequest"}}}},
            "responses": {"202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/jobs": {
          "get": {"operationId": "listJobs", "summary": "The session's jobs, newest first", "responses": {"200": {"description": "Jobs", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}}}}}}
        },
        "/api/v1/jobs/{id}": {
          "get": {"operationId": "getJob", "summary": "A job's state, progress and result", "parameters": [{"$ref": "#/components/parameters/jobID"}], "responses": {"200": {"description": "The job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "404": {"$ref": "#/components/responses/Error"}}},
          "delete": {"operationId": "cancelJob", "summary": "Cancel a job", "security": [{"session": [], "csrf": []}], "parameters": [{"$ref": "#/components/parameters/jobID"}], "responses": {"202": {"description": "Cancelling", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/jobs/{id}/events": {
          "get": {"operationId": "jobEvents", "summary": "Server-sent events: progress events with the job as JSON, then a done event", "parameters": [{"$ref": "#/components/parameters/jobID"}], "responses": {"200": {"description": "An event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/jobs/{id}/files/{format}": {
          "get": {
            "operationId": "downloadFile", "summary": "A rendered file (add ?download=1 for an attachment)",
            "parameters": [{"$ref": "#/components/parameters/jobID"}, {"name": "format", "in": "path", "required": true, "schema": {"type": "string", "enum": ["png", "jpg", "svg", "mp4", "gif", "webm"]}}, {"name": "download", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The file", "content": {"image/png": {}, "image/jpeg": {}, "image/svg+xml": {}, "video/mp4": {}, "image/gif": {}, "video/webm": {}}}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/feedback": {
          "post": {
            "operationId": "sendFeedback", "summary": "Send feedback", "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Feedback"}}}},
            "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/library/uploads": {
          "post": {
            "operationId": "libraryUpload", "summary": "Upload one audio file into your library (streamed to disk; size-limited); then start its analysis",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "name", "in": "query", "required": true, "description": "The file name; its extension must be one Segue reads (mp3, flac, ogg, oga, opus, m4a, aac, mp4, wav, wave, aiff, aif)", "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"201": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LibraryUpload"}}}}, "200": {"description": "Already uploaded (duplicate content)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LibraryUpload"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/library/analyses": {
          "post": {
            "operationId": "libraryAnalyse", "summary": "Analyse uploads as one background job (each file: queued, decoding, analyzing, done or failed)",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AnalysisRequest"}}}},
            "responses": {"202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/library/demo": {
          "post": {
            "operationId": "libraryDemo", "summary": "Add eight songs Segue renders itself (known tempos and keys) and analyse them",
            "security": [{"session": [], "csrf": []}],
            "responses": {"202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/library/tracks": {
          "get": {"operationId": "libraryTracks", "summary": "Your library: every track and every uploaded file with its status", "responses": {"200": {"description": "Tracks, uploads first in upload order", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/LibraryTrack"}}}}}}}
        },
        "/api/v1/library/tracks/{id}": {
          "get": {"operationId": "libraryTrack", "summary": "One track: every descriptor, all tag scores and the most similar tracks", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "The track", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LibraryTrackDetails"}}}}, "404": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/library/tracks/{id}/audio": {
          "get": {
            "operationId": "libraryTrackAudio", "summary": "An analysed track's audio for the player, with byte ranges; files browsers cannot decode (AIFF, ALAC) come as the MP3 copy a job made (503 with Retry-After while it is made; 409 for a track whose analysis failed)",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}, {"name": "Range", "in": "header", "description": "bytes=START-END, START- or -SUFFIX", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The whole file", "content": {"audio/mpeg": {}, "audio/flac": {}, "audio/ogg": {}, "audio/mp4": {}, "audio/aac": {}, "audio/wav": {}}}, "206": {"description": "The range asked for (Content-Range)", "content": {"audio/mpeg": {}, "audio/flac": {}, "audio/ogg": {}, "audio/mp4": {}, "audio/aac": {}, "audio/wav": {}}}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "416": {"description": "The range starts past the end of the file"}, "503": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/library/search": {
          "get": {
            "operationId": "librarySearch", "summary": "Analysed tracks whose artist, title or album hold every word of q (case and accents ignored), best first: for picking seeds",
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}}],
            "responses": {"200": {"description": "Matching tracks", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/library/events": {
          "get": {"operationId": "libraryEvents", "summary": "Server-sent events: entries (every LibraryTrack, first), then entry (one LibraryTrack) whenever a row changes", "parameters": [{"name": "limit", "in": "query", "description": "Close the stream after this many events", "schema": {"type": "integer", "minimum": 1}}], "responses": {"200": {"description": "An event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}, "400": {"$ref": "#/components/responses/Error"}}}
        },
        "/api/v1/playlists": {
          "post": {
            "operationId": "buildPlaylist", "summary": "A radio, path or ordered playlist from your analysed tracks under constraints, with each transition's score and parts",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaylistRequest"}}}},
            "responses": {"200": {"description": "The playlist", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Playlist"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"description": "Cannot be made as asked: the message names the rule and what is possible", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
          }
        },
        "/api/v1/playlists/export": {
          "get": {
            "operationId": "exportPlaylist", "summary": "Tracks in the given order as an extended M3U8, XSPF or JSPF file (an attachment)",
            "parameters": [{"name": "format", "in": "query", "required": true, "schema": {"type": "string", "enum": ["m3u8", "xspf", "jspf"]}}, {"name": "tracks", "in": "query", "required": true, "description": "Comma-separated track ids, in playlist order", "schema": {"type": "string"}}, {"name": "title", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The playlist file", "content": {"audio/x-mpegurl": {}, "application/xspf+xml": {}, "application/json": {}}}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/playlists/saved": {
          "get": {"operationId": "savedPlaylists", "summary": "Your saved playlists, most recently changed first", "responses": {"200": {"description": "Saved playlists", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/SavedPlaylist"}}}}}}},
          "post": {
            "operationId": "savePlaylist", "summary": "Save a playlist (track ids of your analysed tracks, in order) under a name",
            "security": [{"session": [], "csrf": []}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavePlaylistRequest"}}}},
            "responses": {"201": {"description": "Saved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedPlaylist"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/playlists/saved/{id}": {
          "get": {
            "operationId": "openSavedPlaylist", "summary": "A saved playlist with its transitions, exports and mix plan (as POST /api/v1/playlists gives them)",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}, {"name": "crossfade_s", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 30, "default": 6}}],
            "responses": {"200": {"description": "The playlist", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Playlist"}}}}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          },
          "patch": {
            "operationId": "renameSavedPlaylist", "summary": "Rename a saved playlist, or switch its daily rebuild on or off (--single-user installs; it needs a recipe and a player it was sent to: else 409)",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "minProperties": 1, "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 200}, "refresh_daily": {"type": "boolean"}}}}}},
            "responses": {"200": {"description": "Changed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SavedPlaylist"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}
          },
          "delete": {
            "operationId": "deleteSavedPlaylist", "summary": "Delete a saved playlist",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"204": {"description": "Deleted"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/playlists/saved/{id}/push": {
          "post": {
            "operationId": "pushSavedPlaylist", "summary": "Send a saved playlist to a player of the data folder (`segue players add`; --single-user installs only): a job whose result says what matched and what is missing; a playlist pushed before is replaced in place",
            "security": [{"session": [], "csrf": []}],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["player"], "properties": {"player": {"type": "string", "minLength": 1, "maxLength": 64}}}}}},
            "responses": {"202": {"description": "Queued", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}, "400": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/players": {
          "get": {"operationId": "players", "summary": "The players saved playlists can be sent to (names and kinds; empty unless --single-user)", "responses": {"200": {"description": "Players", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object", "required": ["name", "kind", "pushes"], "properties": {"name": {"type": "string"}, "kind": {"type": "string", "enum": ["subsonic", "folder"]}, "pushes": {"type": "array", "description": "The latest push of each playlist sent there", "items": {"type": "object", "required": ["playlist", "at_ms", "matched", "missing"], "properties": {"playlist": {"type": "string"}, "at_ms": {"type": "integer"}, "matched": {"type": "integer"}, "missing": {"type": "array", "items": {"type": "string"}}}}}}}}}}}}}
        },
        "/api/v1/events": {
          "post": {
            "operationId": "postEvents", "summary": "Bulk events from a platform: NDJSON or a JSON array, up to 10,000 events, all or nothing; 200 means durably stored",
            "security": [{"ingest": []}],
            "requestBody": {"required": true, "content": {
              "application/x-ndjson": {"schema": {"type": "string", "description": "One Event object a line"}},
              "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}, "maxItems": 10000}}
            }},
            "responses": {
              "200": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsAccepted"}}}},
              "400": {"description": "A malformed body or event; nothing was stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsError"}}}},
              "401": {"description": "Missing or unknown ingest token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsError"}}}},
              "413": {"description": "More than 10,000 events or 16 MB", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsError"}}}}
            }
          }
        },
        "/api/v1/live": {
          "get": {
            "operationId": "liveSnapshot", "summary": "Listening right now: exact streams, active users, leaderboard, per-minute trend, alerts", "security": [],
            "parameters": [{"$ref": "#/components/parameters/window"}],
            "responses": {"200": {"description": "A snapshot", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LiveSnapshot"}}}}, "400": {"description": "An unknown window", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsError"}}}}}
          }
        },
        "/api/v1/live/stream": {
          "get": {
            "operationId": "liveStream", "summary": "Server-sent events: snapshot (a LiveSnapshot, when what it shows changes; checked ten times a second), alert (a LiveAlert) and heartbeat (after 15 s of quiet)", "security": [],
            "parameters": [{"$ref": "#/components/parameters/window"}, {"name": "limit", "in": "query", "description": "Close the stream after this many events", "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": {"description": "An event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}}, "400": {"description": "An unknown window or a bad limit", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventsError"}}}}}
          }
        },
        "/api/v1/live/mine": {
          "get": {
            "operationId": "liveMine", "summary": "My own listening: what my scrobblers play now, and my plays today in my time zone (the Live page polls it)",
            "responses": {"200": {"description": "The visitor's listening", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OwnListening"}}}}}
          }
        },
        "/api/v1/openapi.json": {
          "get": {"operationId": "openapi", "summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}}}
        }
      }
    }
    """#
}
