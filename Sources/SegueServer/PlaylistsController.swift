import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SeguePlaylists
import SegueStore

/// The Playlists page and `/api/v1/playlists`: radio, path and order playlists from the session's
/// analysed library under the constraints, each transition with its score and parts, and exports.
struct PlaylistsController {
    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("playlists", use: page)
        group.post("api/v1/playlists", use: build)
        group.get("api/v1/playlists/export", use: export)
    }

    /// The session's analysed tracks as playlist tracks, and the library they come from.
    func playable(_ context: AppRequestContext) throws -> (library: WebLibrary, all: [LibraryTrack], tracks: [PlaylistTrack]) {
        let library = WebLibrary.of(try context.requireSession(), configuration: deps.configuration)
        let all = try library.tracks()
        return (library, all, PlaylistTrack.fromLibrary(all.filter { $0.status == .done }))
    }

    // MARK: Page

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let (_, _, tracks) = try playable(context)
        let hasData = (try? deps.hasData(profileName: s.profileName)) ?? false
        guard tracks.count >= 2 else {
            let body = """
                <h1>Playlists</h1>
                <p class="notice">Playlists are built from your analysed tracks: \(tracks.isEmpty ? "none yet" : "only one so far"). <a href="/library">Add music (or the demo songs) on the Library page</a> first.</p>
                """
            return htmlResponse(layout(page: .playlists, title: "Playlists", csrf: s.csrfToken, hasData: hasData, body: body))
        }
        let sorted = tracks.sorted { ($0.artist.lowercased(), $0.title.lowercased()) < ($1.artist.lowercased(), $1.title.lowercased()) }
        let seed = request.uri.queryParameters.get("seed").flatMap { Int64($0) }
        func choices(_ selected: Int64?) -> String {
            sorted.map { t in
                let label = "\(t.artist) – \(t.title) (\(Int(t.bpm.rounded())) BPM, \(t.intro.camelot?.description ?? "?"))"
                return "<option value=\"\(t.id)\"\(t.id == selected ? " selected" : "")>\(escapeHTML(label))</option>"
            }.joined()
        }
        let arcs = EnergyArc.allCases.map { ($0.rawValue, $0 == EnergyArc.none ? "No preference" : $0.rawValue.capitalized) }
        let body = """
            <h1>Playlists</h1>
            <p class="lead">Segue picks and orders tracks so every transition fits: tempo, key, loudness, energy and sound. Each step shows its score (lower is smoother) and why.</p>
            <form class="card playlist-form" id="pl-form" aria-label="Playlist settings" data-autostart="\(seed != nil)">
              <fieldset class="modes"><legend>Mode</legend>
                <label class="mode"><input type="radio" name="mode" value="radio" checked><span><strong>Radio</strong> around seed tracks</span></label>
                <label class="mode"><input type="radio" name="mode" value="path"><span><strong>Path</strong> from one track to another</span></label>
                <label class="mode"><input type="radio" name="mode" value="order"><span><strong>Order</strong> a selection smoothly</span></label>
              </fieldset>
              <div class="grid">
                <label class="for-radio for-order wide"><span id="pick-label">Seed tracks (choose one or more)</span><select name="tracks" id="pl-tracks" multiple size="6">\(choices(seed ?? sorted.first?.id))</select></label>
                <label class="for-path">From<select name="from">\(choices(sorted.first?.id))</select></label>
                <label class="for-path">To<select name="to">\(choices(sorted.last?.id))</select></label>
                <label class="for-radio for-path">Length<input type="number" name="length" min="2" max="500" value="\(min(10, tracks.count))" inputmode="numeric"></label>
                <label>Energy arc<select name="arc">\(options(arcs, selected: "none"))</select></label>
              </div>
              <details class="constraints">
                <summary>Constraints</summary>
                <div class="grid">
                  <label>No artist repeat within<input type="number" name="artist_spacing" min="0" max="50" value="0" inputmode="numeric"></label>
                  <label>Max per artist<input type="number" name="max_per_artist" min="1" inputmode="numeric"></label>
                  <label>Max per album<input type="number" name="max_per_album" min="1" inputmode="numeric"></label>
                  <label>Min BPM<input type="number" name="min_bpm" min="0" max="400" step="any" inputmode="decimal"></label>
                  <label>Max BPM<input type="number" name="max_bpm" min="0" max="400" step="any" inputmode="decimal"></label>
                  <label>Max track length (min)<input type="number" name="max_track_minutes" min="0" step="any" inputmode="decimal"></label>
                  <label>Target duration (min)<input type="number" name="duration_minutes" min="0" step="any" inputmode="decimal"></label>
                  <label>Tolerance (min)<input type="number" name="tolerance_minutes" min="0" step="any" value="2" inputmode="decimal"></label>
                  <label class="wide">Exclude artists (comma-separated)<input type="text" name="exclude_artists" autocomplete="off"></label>
                  <label class="wide">Exclude albums<input type="text" name="exclude_albums" autocomplete="off"></label>
                  <label class="wide">Exclude tags<input type="text" name="exclude_tags" autocomplete="off" placeholder="rock, metal"></label>
                </div>
              </details>
              <div class="actions"><button class="button primary" type="submit" id="pl-build">Build playlist</button></div>
            </form>
            <p id="pl-status" class="status-line" role="status" aria-live="polite"></p>
            <section id="pl-result" class="card" hidden aria-labelledby="pl-h">
              <div class="table-head">
                <h2 id="pl-h">Your playlist <span class="muted" id="pl-summary"></span></h2>
                <div class="downloads" id="pl-downloads"></div>
              </div>
              <ol class="sequence" id="pl-list"></ol>
            </section>
            """
        return htmlResponse(layout(page: .playlists, title: "Playlists", csrf: s.csrfToken, hasData: hasData, body: body))
    }

    // MARK: API

    /// What `POST /api/v1/playlists` takes (the `segue playlist` options as JSON).
    struct PlaylistRequest: Codable {
        var mode: String
        var seeds: [Int64]?
        var from: Int64?
        var to: Int64?
        var tracks: [Int64]?
        var length: Int?
        var arc: String?
        var artistSpacing: Int?
        var maxPerArtist: Int?
        var maxPerAlbum: Int?
        var excludeArtists: [String]?
        var excludeAlbums: [String]?
        var excludeTags: [String]?
        var minBpm: Double?
        var maxBpm: Double?
        var maxTrackSeconds: Double?
        var durationSeconds: Double?
        var durationToleranceSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case mode, seeds, from, to, tracks, length, arc, artistSpacing = "artist_spacing", maxPerArtist = "max_per_artist",
                maxPerAlbum = "max_per_album", excludeArtists = "exclude_artists", excludeAlbums = "exclude_albums",
                excludeTags = "exclude_tags", minBpm = "min_bpm", maxBpm = "max_bpm", maxTrackSeconds = "max_track_seconds",
                durationSeconds = "duration_seconds", durationToleranceSeconds = "duration_tolerance_seconds"
        }

        /// The constraints, checked; a bad value is `APIError.invalid` naming the field.
        func constraints() throws -> PlaylistConstraints {
            var c = PlaylistConstraints()
            if let k = artistSpacing {
                guard (0...1000).contains(k) else { throw APIError.invalid("artist_spacing must be 0 to 1000") }
                c.artistSpacing = k
            }
            for (name, value) in [("max_per_artist", maxPerArtist), ("max_per_album", maxPerAlbum)] {
                if let value, value < 1 { throw APIError.invalid("\(name) must be at least 1") }
            }
            c.maxPerArtist = maxPerArtist
            c.maxPerAlbum = maxPerAlbum
            func names(_ list: [String]?) -> Set<String> {
                Set((list ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            }
            c.excludedArtists = names(excludeArtists)
            c.excludedAlbums = names(excludeAlbums)
            c.excludedTags = names(excludeTags)
            for (name, value) in [("min_bpm", minBpm), ("max_bpm", maxBpm)] {
                if let value, !(0...1000).contains(value) { throw APIError.invalid("\(name) must be 0 to 1000") }
            }
            if minBpm != nil || maxBpm != nil {
                let low = Float(minBpm ?? 0)
                let high = Float(maxBpm ?? 1000)
                guard low <= high else { throw APIError.invalid("min_bpm \(low) is above max_bpm \(high)") }
                c.tempoRange = low...high
            }
            for (name, value) in [
                ("max_track_seconds", maxTrackSeconds), ("duration_seconds", durationSeconds),
                ("duration_tolerance_seconds", durationToleranceSeconds),
            ] {
                if let value, !(value >= 0 && value <= 1_000_000) { throw APIError.invalid("\(name) must be 0 to 1,000,000 seconds") }
            }
            c.maxTrackSeconds = maxTrackSeconds
            c.targetDurationSeconds = durationSeconds
            if let t = durationToleranceSeconds { c.durationTolerance = t }
            return c
        }
    }

    /// One track of a built playlist, with the transition into the next.
    struct Item: Codable {
        var id: Int64
        var artist: String
        var title: String
        var album: String
        var durationSeconds: Double
        var bpm: Double
        var camelot: String?
        var outroBpm: Double
        var outroCamelot: String?
        var energy: Double
        var loudnessLUFS: Double
        var tags: [String]
        /// From this track's outro to the next one's intro; none after the last.
        var transition: TransitionCost?

        enum CodingKeys: String, CodingKey {
            case id, artist, title, album, durationSeconds = "duration_s", bpm, camelot, outroBpm = "outro_bpm",
                outroCamelot = "outro_camelot", energy, loudnessLUFS = "loudness_lufs", tags, transition
        }
    }

    struct PlaylistView: Codable {
        var mode: String
        var title: String
        var tracks: [Item]
        var totalCost: Double
        var durationSeconds: Double
        /// Download links by format (m3u8, xspf, jspf).
        var exports: [String: String]

        enum CodingKeys: String, CodingKey {
            case mode, title, tracks, totalCost = "total_cost", durationSeconds = "duration_s", exports
        }
    }

    func build(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await APIController(deps: deps).decode(PlaylistRequest.self, request)
        let (_, all, tracks) = try playable(context)
        var builder = PlaylistBuilder(library: tracks, constraints: try body.constraints())
        if let arcName = body.arc {
            guard let arc = EnergyArc(rawValue: arcName) else {
                throw APIError.invalid("arc must be one of " + EnergyArc.allCases.map(\.rawValue).joined(separator: ", "))
            }
            builder.arc = arc
        }
        let byID = Dictionary(uniqueKeysWithValues: tracks.map { ($0.id, $0) })
        func resolve(_ id: Int64, _ role: String) throws -> PlaylistTrack {
            if let t = byID[id] { return t }
            if let t = all.first(where: { $0.id == id }) {
                throw APIError.unprocessable("\(role) \(id) has no analysis yet (status \(t.status.rawValue)); wait until it is done")
            }
            throw APIError.notFound("no track \(id) in your library")
        }
        if let n = body.length, !(1...500).contains(n) { throw APIError.invalid("length must be 1 to 500") }
        let order: [PlaylistTrack]
        let title: String
        do {
            switch body.mode {
            case "radio":
                let seeds = try (body.seeds ?? []).map { try resolve($0, "seed") }
                guard !seeds.isEmpty, seeds.count <= 50 else { throw APIError.invalid("a radio playlist needs 1 to 50 seeds") }
                let n = body.length ?? (body.durationSeconds == nil ? min(20, tracks.count) : nil)
                if let n, n > tracks.count {
                    throw APIError.unprocessable("a \(n)-track playlist is not possible: your library has \(tracks.count) analysed tracks")
                }
                order = try builder.radio(seeds: seeds, length: n)
                title = "Radio: \(seeds[0].artist) – \(seeds[0].title)"
            case "path":
                guard let from = body.from, let to = body.to else { throw APIError.invalid("a path needs from and to (track ids)") }
                let n = body.length ?? min(10, tracks.count)
                if n > tracks.count {
                    throw APIError.unprocessable("a \(n)-track path is not possible: your library has \(tracks.count) analysed tracks")
                }
                let a = try resolve(from, "from track")
                let b = try resolve(to, "to track")
                order = try builder.path(from: a, to: b, length: n)
                title = "Path: \(a.title) to \(b.title)"
            case "order":
                let chosen = try (body.tracks ?? []).map { try resolve($0, "track") }
                guard (2...500).contains(chosen.count) else { throw APIError.invalid("order needs 2 to 500 tracks") }
                guard Set(chosen.map(\.id)).count == chosen.count else { throw APIError.invalid("a track is listed twice") }
                order = try builder.order(chosen)
                title = "Ordered selection"
            default:
                throw APIError.invalid("mode must be radio, path or order")
            }
        } catch let error as PlaylistError {
            throw APIError.unprocessable(error.description)
        }
        let transitions = zip(order, order.dropFirst()).map { TransitionCost(from: $0, to: $1, weights: builder.weights) }
        let items = order.enumerated().map { i, t in
            Item(
                id: t.id, artist: t.artist, title: t.title, album: t.album, durationSeconds: t.durationSeconds, bpm: Double(t.bpm),
                camelot: t.intro.camelot?.description, outroBpm: Double(t.outro.bpm), outroCamelot: t.outro.camelot?.description,
                energy: Double(t.energy), loudnessLUFS: t.loudnessLUFS, tags: t.tags, transition: i < transitions.count ? transitions[i] : nil)
        }
        let ids = order.map { String($0.id) }.joined(separator: ",")
        let encodedTitle = title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "Segue"
        var exports: [String: String] = [:]
        for format in PlaylistExport.Format.allCases {
            exports[format.rawValue] = "/api/v1/playlists/export?format=\(format.rawValue)&tracks=\(ids)&title=\(encodedTitle)"
        }
        return try json(
            PlaylistView(
                mode: body.mode, title: title, tracks: items, totalCost: transitions.reduce(0) { $0 + $1.total },
                durationSeconds: order.reduce(0) { $0 + $1.durationSeconds }, exports: exports))
    }

    /// The given tracks, in the given order, as an M3U8, XSPF or JSPF attachment. A session's
    /// library names its files (as uploaded); a single-user install gives their full paths.
    func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        guard let format = q.get("format").flatMap(PlaylistExport.Format.init(rawValue:)) else {
            throw APIError.invalid("format must be m3u8, xspf or jspf")
        }
        let texts = (q.get("tracks") ?? "").split(separator: ",")
        guard (1...500).contains(texts.count) else { throw APIError.invalid("tracks must list 1 to 500 track ids") }
        let (library, _, tracks) = try playable(context)
        let byID = Dictionary(uniqueKeysWithValues: tracks.map { ($0.id, $0) })
        let names = Dictionary(library.uploads().map { ($0.contentHash, $0.name) }, uniquingKeysWith: { a, _ in a })
        let hashes = Dictionary(uniqueKeysWithValues: try library.tracks().map { ($0.id, $0.contentHash) })
        var chosen: [PlaylistTrack] = []
        for text in texts {
            guard let id = Int64(text), var t = byID[id] else { throw APIError.notFound("no analysed track \(text) in your library") }
            if library.isSessionLibrary { t.path = hashes[id].flatMap { names[$0] } ?? (t.path as NSString).lastPathComponent }
            chosen.append(t)
        }
        let title = String((q.get("title") ?? "Segue playlist").prefix(200))
        let text = PlaylistExport.render(chosen, format: format, title: title)
        let media: String
        switch format {
        case .m3u8: media = "audio/x-mpegurl"
        case .xspf: media = "application/xspf+xml"
        case .jspf: media = "application/json"
        }
        let fileName = "segue-playlist.\(format.rawValue)"
        return Response(
            status: .ok,
            headers: [
                .contentType: "\(media); charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(fileName)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
