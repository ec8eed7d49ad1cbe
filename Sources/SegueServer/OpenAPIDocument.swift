/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
///
/// Kept beside the routes in `APIController`; `Tests/browser/test_openapi.py` validates it and
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
          "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"}
        },
        "parameters": {
          "kind": {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["artists", "tracks", "albums"], "default": "artists"}},
          "metric": {"name": "metric", "in": "query", "schema": {"type": "string", "enum": ["streams", "minutes"], "default": "streams"}},
          "range": {"name": "range", "in": "query", "description": "A preset; custom (or from/to alone) uses from and to.", "schema": {"type": "string", "enum": ["all", "this-year", "last-year", "this-decade", "custom"]}},
          "from": {"name": "from", "in": "query", "description": "First day, inclusive (UTC).", "schema": {"type": "string", "format": "date"}},
          "to": {"name": "to", "in": "query", "description": "Last day, inclusive (UTC).", "schema": {"type": "string", "format": "date"}},
          "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
          "jobID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
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
              "size": {"type": "string", "description": "story, square, landscape or WIDTHxHEIGHT"},
              "theme": {"type": "string", "enum": ["dark", "light", "vivid"]},
              "container": {"type": "string", "enum": ["mp4", "gif", "webm"]},
              "period": {"type": "string", "enum": ["day", "week", "month"]},
              "duration": {"type": "number", "minimum": 3, "maximum": 60}
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
              "millisecondsByHour": {"type": "array", "items": {"type": "integer"}},
              "millisecondsByWeekday": {"type": "array", "items": {"type": "integer"}},
              "millisecondsByMonth": {"type": "array", "items": {"type": "integer"}},
              "streamsByHour": {"type": "array", "items": {"type": "integer"}},
              "streamsByWeekday": {"type": "array", "items": {"type": "integer"}},
              "streamsByMonth": {"type": "array", "items": {"type": "integer"}}
            }
          },
          "RaceData": {
            "type": "object",
            "description": "Cumulative values per period of every entity ever in the top N."
          },
          "Job": {
            "type": "object", "required": ["id", "kind", "state", "progress", "createdAt"],
            "properties": {
              "id": {"type": "string"}, "kind": {"type": "string", "enum": ["import", "render"]},
              "state": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
              "progress": {"type": "number", "minimum": 0, "maximum": 1}, "detail": {"type": "string"},
              "error": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"},
              "etaSeconds": {"type": "number"}, "width": {"type": "integer"}, "height": {"type": "integer"}, "frames": {"type": "integer"},
              "files": {"type": "array", "items": {"type": "object", "required": ["format", "url", "bytes", "mediaType"], "properties": {"format": {"type": "string"}, "url": {"type": "string"}, "bytes": {"type": "integer"}, "mediaType": {"type": "string"}}}},
              "report": {"type": "object", "description": "The import report: per file and total counts of music plays, short plays, episodes, audiobook chapters, duplicates and rejected records."}
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
            "operationId": "upload", "summary": "Upload a Spotify ZIP or JSON file (streamed to disk; size-limited)",
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
            "parameters": [{"$ref": "#/components/parameters/kind"}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/range"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/limit"}],
            "responses": {"200": {"description": "Sorted by the metric, descending; ties by name", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ChartEntry"}}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/stats": {
          "get": {
            "operationId": "stats", "summary": "Totals, distinct counts and listening by hour, weekday and month",
            "parameters": [{"$ref": "#/components/parameters/range"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}],
            "responses": {"200": {"description": "Statistics", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stats"}}}}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/api/v1/race": {
          "get": {
            "operationId": "race", "summary": "The data behind a bar-chart race",
            "parameters": [{"$ref": "#/components/parameters/kind"}, {"$ref": "#/components/parameters/metric"}, {"$ref": "#/components/parameters/range"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 20, "default": 10}}, {"name": "period", "in": "query", "schema": {"type": "string", "enum": ["day", "week", "month"], "default": "month"}}],
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
        "/api/v1/openapi.json": {
          "get": {"operationId": "openapi", "summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}}}
        }
      }
    }
    """#
}
