import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SegueAudio
import SegueLibrary
import SegueMedia
import SegueModel
import SeguePlayers
import SeguePlaylists
import SegueStore

/// The Playlists page and `/api/v1/playlists`: radio, path and order playlists from the session's
/// analysed library under the constraints, each transition with its score and parts, and exports.
struct PlaylistsController {
    /// The ways to build a playlist: around seeds, from one track to another, or the best order of a selection.
    static let modes = ["radio", "path", "order"]
    /// How many tracks a playlist (and a track list) may hold.
    static let lengths = 1...500
    /// How long each crossfade may be, in seconds.
    static let crossfades: ClosedRange<Double> = 0...30

    let deps: ServerDependencies

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("playlists", use: page)
        group.post("api/v1/playlists", use: build)
        group.get("api/v1/playlists/export", use: export)
        group.get("api/v1/playlists/saved", use: listSaved)
        group.post("api/v1/playlists/saved", use: save)
        group.get("api/v1/playlists/saved/:id", use: openSaved)
        group.patch("api/v1/playlists/saved/:id", use: rename)
        group.delete("api/v1/playlists/saved/:id", use: deleteSaved)
        group.get("api/v1/library/search", use: search)
        group.get("api/v1/library/tracks/:id/audio", use: audio)
    }

    /// The session's analysed tracks as playlist tracks, and the library they come from.
    func playable(_ context: AppRequestContext) throws -> (library: WebLibrary, all: [LibraryTrack], tracks: [PlaylistTrack]) {
        let library = WebLibrary.of(try context.requireSession(), deps: deps)
        let all = try library.tracks()
        return (library, all, PlaylistTrack.fromLibrary(all.filter { $0.status == .done }))
    }

    // MARK: Page

    /// What `playlists.mustache` shows.
    struct PageView {
        /// The form's bounds for the artist spacing: the ones every playlist's rules are checked against.
        let artistSpacingMin = PlaylistRecipe.Rules.artistSpacingLimits.lowerBound
        let artistSpacingMax = PlaylistRecipe.Rules.artistSpacingLimits.upperBound
        /// Why a "More like this" radio in a small library holds fewer songs.
        struct SmallNote {
            let count: Int
            let length: Int
            let title: String
        }

        /// A track chooser (`playlist-picker.mustache`); `chosen` is its first choice as JSON chips.
        struct Picker {
            let name: String
            let label: String
            let classes: String
            let multiple: Bool
            let chosen: String
        }

        let smallNote: SmallNote?
        let autostart: Bool
        let noHistory: Bool
        let periods: [OptionView]
        let pickers: [Picker]
        let length: Int
        let arcs: [OptionView]
    }

    /// What `playlists-empty.mustache` shows.
    struct EmptyView {
        let found: String
    }

    func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let s = try context.requireSession()
        let (_, _, tracks) = try playable(context)
        let hasData = (try? deps.hasData(profileName: s.profileName)) ?? false
        guard tracks.count >= 2 else {
            let body = PageTemplates.render("playlists-empty", EmptyView(found: tracks.isEmpty ? "none yet" : "only one so far"))
            return htmlResponse(layout(page: .playlists, title: "Playlists", csrf: s.csrfToken, hasData: hasData, body: body))
        }
        // A seed from "More like this" arrives chosen; from and to start at the library's two ends.
        let sorted = tracks.sorted { ($0.artist.lowercased(), $0.title.lowercased()) < ($1.artist.lowercased(), $1.title.lowercased()) }
        let seed = request.uri.queryParameters.get("seed").flatMap { Int64($0) }.flatMap { id in tracks.first { $0.id == id } }
        // "More like this" in a small library: ten songs "like" one of eight would be every song, so the radio
        // takes the closer half and the page says why.
        let smallLibrary = 20
        let length = seed != nil && tracks.count < smallLibrary ? max(2, tracks.count / 2) : min(10, tracks.count)
        let smallNote = seed.flatMap { seed in
            tracks.count < smallLibrary ? PageView.SmallNote(count: tracks.count, length: length, title: seed.title) : nil
        }
        func chosen(_ t: PlaylistTrack?) -> String {
            guard let t else { return "[]" }
            return (try? encodeJSON([Chip(id: t.id, label: "\(t.artist) – \(t.title)")])) ?? "[]"
        }
        let pickers = [
            PageView.Picker(
                name: "tracks", label: "Seed tracks (one or more)", classes: "for-radio for-order wide", multiple: true,
                chosen: chosen(seed ?? sorted.first)),
            PageView.Picker(name: "from", label: "From", classes: "for-path wide-half", multiple: false, chosen: chosen(sorted.first)),
            PageView.Picker(name: "to", label: "To", classes: "for-path wide-half", multiple: false, chosen: chosen(sorted.last)),
        ]
        let arcs = EnergyArc.allCases.map { ($0.rawValue, $0 == EnergyArc.none ? "No preference" : $0.rawValue.capitalized) }
        // The years the session's history covers, newest first (at most 100), for "My most played in".
        let stats = try? deps.stats(.all, profileName: s.profileName)
        var periods: [(String, String)] = []
        if let first = stats?.firstPlay, let last = stats?.lastPlay {
            let year = { (t: Int64) in CalendarDay(time: t, timeZone: .gmt).year }
            let (a, b) = (max(year(first), 1900), min(year(last), 9999))
            if a <= b { periods = (max(a, b - 99)...b).reversed().map { ("\($0)", "\($0)") } }
        }
        let noHistory = periods.isEmpty
        periods.append(("all", "All time"))
        let view = PageView(
            smallNote: smallNote, autostart: seed != nil, noHistory: noHistory, periods: options(periods, selected: periods[0].0),
            pickers: pickers, length: length, arcs: options(arcs, selected: "none"))
        return htmlResponse(
            layout(page: .playlists, title: "Playlists", csrf: s.csrfToken, hasData: hasData, body: PageTemplates.render("playlists", view)))
    }

    struct Chip: Codable {
        var id: Int64
        var label: String
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
        /// Seconds each track overlaps the next in the player's (and the mix's) crossfade; 6 unless given.
        var crossfadeSeconds: Double?
        /// A radio's seeds chosen from the person's history instead of `seeds`: `2024`, `2024-05` or `all`.
        var seedFromHistory: String?
        /// `unplayed`: favour library tracks the person has never or seldom played.
        var prefer: String?

        enum CodingKeys: String, CodingKey {
            case crossfadeSeconds = "crossfade_s"
            case seedFromHistory = "seed_from_history"
            case prefer
            case mode, seeds, from, to, tracks, length, arc
            case artistSpacing = "artist_spacing"
            case maxPerArtist = "max_per_artist"
            case
                maxPerAlbum = "max_per_album"
            case excludeArtists = "exclude_artists"
            case excludeAlbums = "exclude_albums"
            case
                excludeTags = "exclude_tags"
            case minBpm = "min_bpm"
            case maxBpm = "max_bpm"
            case maxTrackSeconds = "max_track_seconds"
            case
                durationSeconds = "duration_seconds"
            case durationToleranceSeconds = "duration_tolerance_seconds"
        }

        /// The period of `seed_from_history`, checked: nil when the seeds are given; `APIError.invalid`
        /// naming the field for another mode, seeds given as well, or text that is not a period.
        func historyPeriod() throws -> (text: String, range: TimeRange)? {
            guard let raw = seedFromHistory else { return nil }
            guard mode == "radio" else { throw APIError.invalid("seed_from_history is for mode radio") }
            guard (seeds ?? []).isEmpty else { throw APIError.invalid("give seeds or seed_from_history, not both") }
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard let range = PlaylistRecipe.period(text) else {
                let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
                throw APIError.invalid("seed_from_history '\(shown)' is not a period: give a year (2024), a month (2024-05) or all")
            }
            return (text, range)
        }

        /// True for `prefer: unplayed`; `APIError.invalid` for any other value.
        func preferUnplayed() throws -> Bool {
            guard let prefer else { return false }
            guard prefer == "unplayed" else { throw APIError.invalid("The preference (prefer) must be unplayed, or left out.") }
            return true
        }

        /// The rules as a recipe keeps them (names trimmed, blank ones dropped), unchecked.
        func rules() -> PlaylistRecipe.Rules {
            var rules = PlaylistRecipe.Rules()
            rules.artistSpacing = artistSpacing ?? 0
            rules.maxPerArtist = maxPerArtist
            rules.maxPerAlbum = maxPerAlbum
            func names(_ list: [String]?) -> [String] { (list ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            rules.excludedArtists = names(excludeArtists)
            rules.excludedAlbums = names(excludeAlbums)
            rules.excludedTags = names(excludeTags)
            rules.minBPM = minBpm
            rules.maxBPM = maxBpm
            rules.maxTrackSeconds = maxTrackSeconds
            rules.durationSeconds = durationSeconds
            rules.durationToleranceSeconds = durationToleranceSeconds
            return rules
        }

        /// The constraints, checked by the rules' one check (`PlaylistRecipe.Rules.checked()`, which `segue playlist`
        /// and a saved recipe's rebuild use too); a bad value is `APIError.invalid` naming the field.
        func constraints() throws -> PlaylistConstraints {
            do {
                return try rules().checked()
            } catch {
                throw APIError.invalid(error.message(naming: Self.fieldName))
            }
        }

        /// A rule's field in this request's JSON.
        static func fieldName(_ field: PlaylistRecipe.Rules.Field) -> String {
            switch field {
            case .artistSpacing: "artist_spacing"
            case .maxPerArtist: "max_per_artist"
            case .maxPerAlbum: "max_per_album"
            case .minBPM: "min_bpm"
            case .maxBPM: "max_bpm"
            case .maxTrackSeconds: "max_track_seconds"
            case .durationSeconds: "duration_seconds"
            case .durationToleranceSeconds: "duration_tolerance_seconds"
            }
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
        /// The track's audio (`GET /api/v1/library/tracks/{id}/audio`).
        var audio: String
        /// Where it sits in the crossfaded mix (the plan `segue playlist --mix` renders).
        var mix: MixSlot

        enum CodingKeys: String, CodingKey {
            case id, artist, title, album
            case durationSeconds = "duration_s"
            case bpm, camelot
            case outroBpm = "outro_bpm"
            case
                outroCamelot = "outro_camelot"
            case energy
            case loudnessLUFS = "loudness_lufs"
            case tags, transition, audio, mix
        }
    }

    /// One track's place in the mix: its file plays from `start_s` to `end_s` (leading and trailing
    /// silence cut off), starting `at_s` seconds into the mix, fading in over `fade_in_s` while the
    /// previous track fades out, and out over its last `fade_out_s` seconds.
    struct MixSlot: Codable {
        var start: Double
        var end: Double
        var at: Double
        var fadeIn: Double
        var fadeOut: Double
        var gainDB: Double

        enum CodingKeys: String, CodingKey {
            case start = "start_s"
            case end = "end_s"
            case at = "at_s"
            case fadeIn = "fade_in_s"
            case fadeOut = "fade_out_s"
            case gainDB = "gain_db"
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
        /// The crossfade asked for, and the mix's length with every overlap.
        var crossfadeSeconds: Double
        var mixSeconds: Double
        /// Set when this is a saved playlist.
        var saved: SavedView?
        /// Tracks of a saved playlist that are no longer in the library (left out).
        var missing: [Int64]
        /// A radio seeded from the history: the period and the seeds it chose, with their plays there.
        var seedPeriod: String? = nil
        var seeds: [HistorySeed]? = nil

        enum CodingKeys: String, CodingKey {
            case mode, title, tracks
            case totalCost = "total_cost"
            case durationSeconds = "duration_s"
            case exports
            case
                crossfadeSeconds = "crossfade_s"
            case mixSeconds = "mix_s"
            case saved, missing
            case seedPeriod = "seed_period"
            case seeds
        }
    }

    /// A seed a history radio chose: one of the library tracks played most in its period.
    struct HistorySeed: Codable {
        var id: Int64
        var artist: String
        var title: String
        var plays: Int
    }

    /// A saved playlist as listed: with where it was last sent, what the target lacked, and
    /// whether it is rebuilt daily.
    struct SavedView: Codable {
        var id: Int64
        var name: String
        var mode: String
        var tracks: [Int64]
        var createdMillis: Int64
        var updatedMillis: Int64
        /// The player it goes to (set by its first push).
        var target: String?
        /// True when it was saved with how it was made (radio or path), so it can be rebuilt.
        var refreshable: Bool
        var refreshDaily: Bool
        var lastPushedMillis: Int64?
        var lastMissing: [String]
        var lastError: String?
        var lastErrorMillis: Int64?

        enum CodingKeys: String, CodingKey {
            case id, name, mode, tracks
            case createdMillis = "created_ms"
            case updatedMillis = "updated_ms"
            case target, refreshable
            case
                refreshDaily = "refresh_daily"
            case lastPushedMillis = "last_pushed_ms"
            case lastMissing = "last_missing"
            case lastError = "last_error"
            case
                lastErrorMillis = "last_error_ms"
        }

        init(_ p: SavedPlaylist) {
            id = p.id
            name = p.name
            mode = p.mode
            tracks = p.trackIDs
            createdMillis = p.createdMillis
            updatedMillis = p.updatedMillis
            target = p.pushTarget
            refreshable = ((try? p.recipe()) ?? nil) != nil
            refreshDaily = p.refreshDaily
            lastPushedMillis = p.lastPushedMillis
            lastMissing = p.lastMissing
            // Browsers see the cleaned sentence (the log has the detail).
            lastError = p.lastError.map(BrowserMessage.sentence)
            lastErrorMillis = p.lastErrorMillis
        }
    }

    /// The sequence with its transitions, exports and mix plan.
    func view(
        _ order: [PlaylistTrack], weights: TransitionCost.Weights, mode: String, title: String, all: [LibraryTrack], crossfade: Double
    ) -> PlaylistView {
        let transitions = zip(order, order.dropFirst()).map { TransitionCost(from: $0, to: $1, weights: weights) }
        let byID = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let segments = order.map { t -> AudioMixer.Segment in
            let energy = byID[t.id]?.analysis?.energy
            return AudioMixer.Segment(
                path: t.path, durationSeconds: t.durationSeconds, leadingSilence: Double(energy?.leadingSilence ?? 0),
                trailingSilence: Double(energy?.trailingSilence ?? 0))
        }
        let plan = AudioMixer.placements(AudioMixer.levelled(segments, loudness: order.map(\.loudnessLUFS)), fade: crossfade)
        let items = order.enumerated().map { i, t in
            let p = plan[i]
            return Item(
                id: t.id, artist: t.artist, title: t.title, album: t.album, durationSeconds: t.durationSeconds, bpm: Double(t.bpm),
                camelot: t.intro.camelot?.description, outroBpm: Double(t.outro.bpm), outroCamelot: t.outro.camelot?.description,
                energy: Double(t.energy), loudnessLUFS: t.loudnessLUFS, tags: t.tags, transition: i < transitions.count ? transitions[i] : nil,
                audio: "/api/v1/library/tracks/\(t.id)/audio",
                mix: MixSlot(start: p.segment.start, end: p.segment.end, at: p.at, fadeIn: p.fadeIn, fadeOut: p.fadeOut, gainDB: p.segment.gainDB))
        }
        let ids = order.map { String($0.id) }.joined(separator: ",")
        let encodedTitle = title.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "Segue"
        var exports: [String: String] = [:]
        for format in PlaylistExport.Format.allCases {
            exports[format.rawValue] = "/api/v1/playlists/export?format=\(format.rawValue)&tracks=\(ids)&title=\(encodedTitle)"
        }
        return PlaylistView(
            mode: mode, title: title, tracks: items, totalCost: transitions.reduce(0) { $0 + $1.total },
            durationSeconds: order.reduce(0) { $0 + $1.durationSeconds }, exports: exports, crossfadeSeconds: crossfade,
            mixSeconds: plan.last?.until ?? 0, saved: nil, missing: [])
    }

    func build(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await APIController(deps: deps).decode(PlaylistRequest.self, request)
        let crossfade = body.crossfadeSeconds ?? 6
        guard Self.crossfades.contains(crossfade) else {
            throw APIError.invalid(
                "The crossfade (crossfade_s) must be \(Int(Self.crossfades.lowerBound)) to \(Int(Self.crossfades.upperBound)) seconds.")
        }
        let history = try body.historyPeriod()
        let preferUnplayed = try body.preferUnplayed()
        let (library, all, tracks) = try playable(context)
        let index = try library.similarityIndex(for: tracks)
        var builder = PlaylistBuilder(library: tracks, constraints: try body.constraints(), index: index)
        // The session profile's history joined to the analysed files (ListeningIndex), as the CLI and the daily refresh do.
        let plays = deps.plays
        let profile = try context.requireSession().profileName
        let done = all.filter { $0.status == .done }
        let playCounts: @Sendable (TimeRange) throws -> [Int64: Int] = { range in
            try plays.libraryPlayCounts(profile: profile, tracks: done, range: range)
        }
        if preferUnplayed, history == nil {
            builder.playCounts = try await BlockingWork.run { try playCounts(.all) }
            builder.preferUnplayed = true
        }
        if let arcName = body.arc {
            guard let arc = EnergyArc(rawValue: arcName) else {
                throw APIError.invalid("The energy arc (arc) must be one of " + EnergyArc.allCases.map(\.rawValue).joined(separator: ", ") + ".")
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
        if let n = body.length, !Self.lengths.contains(n) {
            throw APIError.invalid("The playlist length (length) must be \(Self.lengths.lowerBound) to \(Self.lengths.upperBound) tracks.")
        }
        let order: [PlaylistTrack]
        let title: String
        var chosen: [HistorySeed]?
        do {
            switch body.mode {
            case "radio" where history != nil:
                // The saved recipe's path: seeds are the period's most played library tracks.
                guard let history, let recipe = try body.recipe(known: Set(tracks.map(\.id))) else {
                    throw APIError.invalid("The playlist mode (mode) must be radio.")
                }
                let counts = try await BlockingWork.run { try playCounts(history.range) }
                let built = try await BlockingWork.run {
                    try recipe.build(library: tracks, index: index) { range in range == history.range ? counts : try playCounts(range) }
                }
                order = built.tracks
                chosen = built.seeds.map { HistorySeed(id: $0.id, artist: $0.artist, title: $0.title, plays: counts[$0.id] ?? 0) }
                title = history.text == "all" ? "Radio: your most played" : "Radio: your most played of \(history.text)"
            case "radio":
                let seeds = try (body.seeds ?? []).map { try resolve($0, "seed") }
                guard !seeds.isEmpty, seeds.count <= 50 else { throw APIError.invalid("a radio playlist needs 1 to 50 seeds") }
                let n = body.length ?? (body.durationSeconds == nil ? min(20, tracks.count) : nil)
                if let n, n > tracks.count {
                    throw APIError.unprocessable("a \(n)-track playlist is not possible: your library has \(tracks.count) analysed tracks")
                }
                let radio = builder
                order = try await BlockingWork.run { try radio.radio(seeds: seeds, length: n) }
                title = "Radio: \(seeds[0].artist) – \(seeds[0].title)"
            case "path":
                guard let from = body.from, let to = body.to else { throw APIError.invalid("a path needs from and to (track ids)") }
                let n = body.length ?? min(10, tracks.count)
                if n > tracks.count {
                    throw APIError.unprocessable("a \(n)-track path is not possible: your library has \(tracks.count) analysed tracks")
                }
                let a = try resolve(from, "from track")
                let b = try resolve(to, "to track")
                let paths = builder
                order = try await BlockingWork.run { try paths.path(from: a, to: b, length: n) }
                title = "Path: \(a.title) to \(b.title)"
            case "order":
                let chosen = try (body.tracks ?? []).map { try resolve($0, "track") }
                guard (2...500).contains(chosen.count) else { throw APIError.invalid("An ordered playlist (mode order) needs 2 to 500 tracks.") }
                guard Set(chosen.map(\.id)).count == chosen.count else { throw APIError.invalid("a track is listed twice") }
                let orderer = builder
                order = try await BlockingWork.run { try orderer.order(chosen) }
                title = "Ordered selection"
            default:
                throw APIError.invalid("The playlist mode (mode) must be radio, path or order.")
            }
        } catch let error as PlaylistError {
            throw APIError.unprocessable(BrowserMessage.playlist(error.description))
        }
        var made = view(order, weights: builder.weights, mode: body.mode, title: title, all: all, crossfade: crossfade)
        if let history, let chosen {
            made.seedPeriod = history.text
            made.seeds = chosen
        }
        return try json(made)
    }

    /// The given tracks, in the given order, as an M3U8, XSPF or JSPF attachment. A session's
    /// library names its files (as uploaded); a single-user install gives their full paths.
    func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        guard let format = q.get("format").flatMap(PlaylistExport.Format.init(rawValue:)) else {
            throw APIError.invalid("The playlist format (format) must be m3u8, xspf or jspf.")
        }
        let texts = (q.get("tracks") ?? "").split(separator: ",")
        guard Self.lengths.contains(texts.count) else {
            throw APIError.invalid("The track list (tracks) must hold \(Self.lengths.lowerBound) to \(Self.lengths.upperBound) track ids.")
        }
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
        return Response(
            status: .ok,
            headers: [
                .contentType: "\(media); charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: Self.attachment(title: title, extension: format.rawValue),
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension PlaylistsController {
    /// A Content-Disposition naming the download after the playlist: `Radio: Björk – Jóga` becomes
    /// `Radio-Bjork-Joga.m3u8` (ASCII, for every browser) and, in `filename*`, `Radio Björk – Jóga.m3u8`.
    /// Path separators, quotes and control characters never reach the name; an empty one is `segue-playlist`.
    static func attachment(title: String, extension ext: String) -> String {
        let unsafe = CharacterSet(charactersIn: "/\\:*?\"<>|%").union(.controlCharacters)
        let words = String(String.UnicodeScalarView(title.unicodeScalars.map { unsafe.contains($0) ? " " : $0 }))
            .split(whereSeparator: \.isWhitespace).prefix(20)
        let unicode = words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ".-– "))
        let ascii = words.joined(separator: " ").folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
            .unicodeScalars.map { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_".unicodeScalars.contains($0)) ? Character($0) : " " }
            .split(separator: " ").map { String($0) }.joined(separator: "-")
        let plain = String((ascii.isEmpty ? "segue-playlist" : ascii).prefix(80))
        var header = "attachment; filename=\"\(plain).\(ext)\""
        if !unicode.isEmpty, unicode != plain,
            let encoded = (String(unicode.prefix(80)) + "." + ext).addingPercentEncoding(withAllowedCharacters: .alphanumerics)
        {
            header += "; filename*=UTF-8''\(encoded)"
        }
        return header
    }
}

// MARK: Saved playlists, seed search and the player's audio

extension PlaylistsController {
    /// The owner of a session's saved playlists: its profile.
    func owner(_ context: AppRequestContext) throws -> String { try context.requireSession().profileName }

    func savedID(_ context: AppRequestContext) throws -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text) else { throw APIError.notFound("no saved playlist \(text)") }
        return id
    }

    /// A playlist name, trimmed: 1 to 200 characters, no control characters.
    static func checkedName(_ raw: String?) throws -> String {
        let name = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw APIError.invalid("The playlist name must not be empty.") }
        guard name.count <= 200 else { throw APIError.invalid("The playlist name must be at most 200 characters (it has \(name.count)).") }
        guard !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw APIError.invalid("The playlist name must not contain control characters.")
        }
        return name
    }

    struct SaveRequest: Codable {
        var name: String?
        var mode: String?
        var tracks: [Int64]?
        /// The request that built it (`POST /api/v1/playlists`'s body): kept as its recipe, so a radio
        /// or a path can be rebuilt every day.
        var recipe: PlaylistRequest?
    }

    /// A new name, the daily rebuild switched on or off, or both.
    struct ChangeRequest: Codable {
        var name: String?
        var refreshDaily: Bool?

        enum CodingKeys: String, CodingKey {
            case name
            case refreshDaily = "refresh_daily"
        }
    }

    func listSaved(_ request: Request, context: AppRequestContext) async throws -> Response {
        try json(try deps.playlists.savedPlaylists(owner: try owner(context)).map(SavedView.init))
    }

    /// Keeps a built playlist: every track must be an analysed track of the session's library.
    func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await APIController(deps: deps).decode(SaveRequest.self, request)
        let name = try Self.checkedName(body.name)
        let mode = body.mode ?? "order"
        guard Self.modes.contains(mode) else { throw APIError.invalid("The playlist mode (mode) must be radio, path or order.") }
        let ids = body.tracks ?? []
        guard Self.lengths.contains(ids.count) else {
            throw APIError.invalid("The track list (tracks) must hold \(Self.lengths.lowerBound) to \(Self.lengths.upperBound) track ids.")
        }
        let (_, _, tracks) = try playable(context)
        let known = Set(tracks.map(\.id))
        if let unknown = ids.first(where: { !known.contains($0) }) {
            throw APIError.notFound("no analysed track \(unknown) in your library")
        }
        var recipe: PlaylistRecipe?
        if let request = body.recipe {
            guard request.mode == mode else { throw APIError.invalid("recipe.mode must be the playlist's mode (\(mode))") }
            recipe = try request.recipe(known: known)
        }
        let saved = try deps.playlists.savePlaylist(
            owner: try owner(context), name: name, mode: mode, trackIDs: ids, recipe: recipe, pushTarget: nil, refreshDaily: false,
            millis: deps.environment.now())
        return try json(SavedView(saved), status: .created)
    }

    /// A saved playlist with its transitions and mix plan, as `POST /api/v1/playlists` gives them.
    func openSaved(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try savedID(context)
        guard let saved = try deps.playlists.savedPlaylist(id: id, owner: try owner(context)) else {
            throw APIError.notFound("no saved playlist \(id)")
        }
        var crossfade = 6.0
        if let text = request.uri.queryParameters.get("crossfade_s") {
            guard let value = Double(text), Self.crossfades.contains(value) else {
                throw APIError.invalid(
                    "The crossfade (crossfade_s) must be \(Int(Self.crossfades.lowerBound)) to \(Int(Self.crossfades.upperBound)) seconds.")
            }
            crossfade = value
        }
        let (_, all, tracks) = try playable(context)
        let byID = Dictionary(uniqueKeysWithValues: tracks.map { ($0.id, $0) })
        let order = saved.trackIDs.compactMap { byID[$0] }
        var result = view(
            order, weights: TransitionCost.Weights(), mode: saved.mode,
            title: saved.name, all: all, crossfade: crossfade)
        result.saved = SavedView(saved)
        result.missing = saved.trackIDs.filter { byID[$0] == nil }
        return try json(result)
    }

    /// Renames a saved playlist, or marks it for the daily rebuild (which needs a --single-user
    /// install, a recipe and a player it was sent to), or both.
    func rename(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try savedID(context)
        let body = try await APIController(deps: deps).decode(ChangeRequest.self, request)
        guard body.name != nil || body.refreshDaily != nil else { throw APIError.invalid("give a name or refresh_daily") }
        let owner = try owner(context)
        guard var saved = try deps.playlists.savedPlaylist(id: id, owner: owner) else { throw APIError.notFound("no saved playlist \(id)") }
        let name = try body.name.map { try Self.checkedName($0) }
        if body.refreshDaily == true {
            guard deps.configuration.singleUserProfile != nil else {
                throw APIError.notFound("keeping playlists current on a player is only for a --single-user install")
            }
            guard saved.pushTarget != nil else {
                throw APIError.conflict(
                    "send “\(BrowserMessage.clean(saved.name))” to a player first: it is kept current on the player it was sent to")
            }
            guard ((try? saved.recipe()) ?? nil) != nil else {
                throw APIError.conflict(
                    "“\(BrowserMessage.clean(saved.name))” cannot be rebuilt: only a radio or a path saved with how it was made can; build it again and save it"
                )
            }
        }
        let now = deps.environment.now()
        if let name, name != saved.name {
            let before = saved.name
            saved = try deps.playlists.renamePlaylist(id: id, owner: owner, name: name, millis: now) ?? saved
            // The player it went to follows the new name with the same playlist (id kept, renamed at the next push).
            if deps.configuration.singleUserProfile != nil, let target = saved.pushTarget, case .player(let player)? = try? PushTarget(target) {
                do {
                    try PlayerRegistry.renamePushed(
                        at: PlayerRegistry.path(inDataDirectory: deps.configuration.dataDirectory), player: player, from: before, to: name)
                } catch {
                    context.logger.warning(
                        "cannot carry a renamed playlist's push record over", metadata: ["player": "\(player)", "error": "\(error)"])
                }
            }
        }
        if let on = body.refreshDaily { saved = try deps.playlists.setRefreshDaily(id: id, owner: owner, on, millis: now) ?? saved }
        return try json(SavedView(saved))
    }

    func deleteSaved(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try savedID(context)
        guard try deps.playlists.deletePlaylist(id: id, owner: try owner(context)) else { throw APIError.notFound("no saved playlist \(id)") }
        return Response(status: .noContent)
    }

    struct SearchHit: Codable {
        var id: Int64
        var artist: String
        var title: String
        var album: String
        var bpm: Double?
        var camelot: String?
        var durationSeconds: Double

        enum CodingKeys: String, CodingKey {
            case id, artist, title, album, bpm, camelot
            case durationSeconds = "duration_s"
        }
    }

    /// Analysed tracks whose artist, title or album hold every word of `q` (case and accents
    /// ignored), best first: "artist - title" or title starting with the query, then a word
    /// starting with it, then the rest; alphabetical within each.
    func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        var limit = 10
        if let text = q.get("limit") {
            guard let n = Int(text), (1...50).contains(n) else { throw APIError.invalid("The number of results (limit) must be 1 to 50.") }
            limit = n
        }
        let query = String((q.get("q") ?? "").prefix(200))
        let library = WebLibrary.of(try context.requireSession(), deps: deps)
        let fold = { (text: String) in text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil) }
        let phrase = fold(query).split(whereSeparator: { $0.isWhitespace }).filter { $0 != "-" && $0 != "–" }.joined(separator: " ")
        let words = phrase.split(separator: " ").map(String.init)
        var scored: [(rank: Int, key: String, track: LibraryTrack)] = []
        for t in try library.tracks() where t.status == .done {
            let artist = t.artist ?? "Unknown artist"
            let title = t.title ?? (t.path as NSString).lastPathComponent
            let artistTitle = fold("\(artist) \(title)")
            let hay = fold("\(artist) \(title) \(t.album ?? "")")
            guard words.allSatisfy({ hay.contains($0) }) else { continue }
            let rank: Int
            if phrase.isEmpty {
                rank = 0
            } else if artistTitle.hasPrefix(phrase) || fold(title).hasPrefix(phrase) {
                rank = 0
            } else if hay.split(separator: " ").contains(where: { $0.hasPrefix(words[0]) }) {
                rank = 1
            } else {
                rank = 2
            }
            scored.append((rank, artistTitle, t))
        }
        scored.sort { ($0.rank, $0.key, $0.track.id) < ($1.rank, $1.key, $1.track.id) }
        let hits = scored.prefix(limit).map { item -> SearchHit in
            let t = item.track
            let a = t.analysis
            return SearchHit(
                id: t.id, artist: t.artist ?? "Unknown artist", title: t.title ?? (t.path as NSString).lastPathComponent, album: t.album ?? "",
                bpm: a.map { Double($0.tempo.bpm) }, camelot: a?.key.camelot, durationSeconds: t.durationSeconds)
        }
        return try json(Array(hits))
    }

    /// A library track's audio for the player, with byte ranges (seeking). Only analysed tracks
    /// play. Files browsers cannot decode (AIFF, ALAC) are served as the MP3 copy their analysis
    /// job made; no tool runs in the request: a track not prepared yet gets a playback job and a 503
    /// with Retry-After.
    func audio(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session = try context.requireSession()
        let library = WebLibrary.of(session, deps: deps)
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), let track = try library.tracks().first(where: { $0.id == id }) else {
            throw APIError.notFound("no track \(text) in your library")
        }
        guard track.status == .done else {
            throw APIError.conflict("track \(id) cannot be played: its analysis has not succeeded")
        }
        guard FileManager.default.fileExists(atPath: track.path) else {
            throw APIError.notFound("the audio file of track \(id) is no longer there")
        }
        let playback = BrowserPlayback(libraryFolder: library.folder)
        guard let (path, mediaType) = playback.prepared(track) else {
            if playback.claim(track) {
                let parameters = try encodeJSON(PlaybackParameters(library: library.folder, libraryName: library.name, track: track.id))
                do {
                    _ = try APIController(deps: deps).submit(owner: session.id, kind: PlaybackParameters.kind, parameters: parameters)
                } catch {
                    playback.release(track)
                    throw error
                }
            }
            let headers: HTTPFields = [.contentType: "application/json", .retryAfter: "2", .cacheControl: "no-store"]
            let body = #"{"error":{"status":503,"message":"track \#(id) is being prepared for the browser: try again in a moment"}}"#
            return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        var headers: HTTPFields = [.contentType: mediaType, .cacheControl: "private, max-age=3600", .acceptRanges: "bytes"]
        if let header = request.headers[.range] {
            if let range = byteRange(header, size: size) {
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
                headers[.contentLength] = "\(range.count)"
                return Response(
                    status: .partialContent, headers: headers, body: try await FileIO().loadFile(path: path, range: range, context: context))
            }
            // A range starting past the end cannot be served; any other header we do not read is ignored (the whole file).
            let start = header.hasPrefix("bytes=") ? Int(header.dropFirst(6).prefix { $0 != "-" }) : nil
            if let start, start >= size { return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"]) }
        }
        headers[.contentLength] = "\(size)"
        return Response(status: .ok, headers: headers, body: try await FileIO().loadFile(path: path, context: context))
    }
}

extension PlaylistsController.PlaylistRequest {
    /// How this request makes its playlist, to make it again later: a radio's seeds or a path's
    /// ends with the length, arc and constraints; nil for an ordered selection (nothing to rebuild).
    /// - Parameter known: the session's analysed track ids.
    /// - Throws: `APIError` naming the field (the same checks as building).
    func recipe(known: Set<Int64>) throws -> PlaylistRecipe? {
        _ = try constraints()
        if let arc, EnergyArc(rawValue: arc) == nil {
            throw APIError.invalid("The energy arc (arc) must be one of " + EnergyArc.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        if let n = length, !PlaylistsController.lengths.contains(n) {
            throw APIError.invalid(
                "The playlist length (length) must be \(PlaylistsController.lengths.lowerBound) to \(PlaylistsController.lengths.upperBound) tracks.")
        }
        var recipe: PlaylistRecipe
        switch mode {
        case "radio":
            if let history = try historyPeriod() {
                recipe = PlaylistRecipe(kind: .historyRadio)
                recipe.historyPeriod = history.text
                break
            }
            let seeds = self.seeds ?? []
            guard (1...50).contains(seeds.count) else { throw APIError.invalid("a radio playlist needs 1 to 50 seeds or seed_from_history") }
            recipe = PlaylistRecipe(kind: .radio)
            recipe.seeds = seeds
        case "path":
            guard let from, let to else { throw APIError.invalid("a path needs from and to (track ids)") }
            recipe = PlaylistRecipe(kind: .path)
            recipe.from = from
            recipe.to = to
        case "order":
            return nil
        default:
            throw APIError.invalid("The playlist mode (mode) must be radio, path or order.")
        }
        if let unknown = (recipe.seeds + [recipe.from, recipe.to].compactMap { $0 }).first(where: { !known.contains($0) }) {
            throw APIError.notFound("no analysed track \(unknown) in your library")
        }
        recipe.length = length
        recipe.arc = arc ?? EnergyArc.none.rawValue
        recipe.preferUnplayed = try preferUnplayed()
        recipe.rules = rules()
        return recipe
    }
}
