import ArgumentParser
import Foundation
import SegueAudio
import SegueLibrary
import SegueMedia
import SegueModel
import SeguePlayers
import SeguePlaylists
import SegueStore

/// `segue playlist`: smooth playlists from the analysed library.
struct PlaylistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playlist",
        abstract: "Order tracks for the smoothest transitions, build a radio around seeds, or a path from one track to another.",
        discussion: """
            TRACK is an id or "artist - title". Durations are minutes, or m:ss, h:mm:ss, or a number with s, m or h. \
            Constraints that cannot be met are an error naming the rule and what is possible instead.
            """)

    enum Mode: String, ExpressibleByArgument { case order, radio, path }

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "order (reorder --tracks), radio (tracks around --seed) or path (--from a track --to another).") var mode: Mode = .order
    @Option(help: "Comma-separated track ids (order mode).") var tracks: String?
    @Option(help: "Seed track, id or \"artist - title\" (radio mode; repeatable).") var seed: [String] = []
    @Option(help: "Radio seeds from your history: your three most played library tracks of a period (2024, 2024-05 or all).")
    var seedFromHistory: String?
    @Option(help: "unplayed: favour library tracks you have never or seldom played (from your history).") var prefer: PlaylistPreference?
    @Option(help: "First track of the path (path mode).") var from: String?
    @Option(help: "Last track of the path (path mode).") var to: String?
    @Option(help: "Number of tracks (radio: 20 unless --duration is given; path: 10, both ends included).") var length: Int?
    @Option(help: "Energy over the playlist: none, steady, rising, falling or peak.") var arc: EnergyArc = .none
    @Option(help: "At least this many other tracks between two by one artist (1: never back to back).") var artistSpacing: Int = 0
    @Option(help: "At most this many tracks per artist.") var maxPerArtist: Int?
    @Option(help: "At most this many tracks per album.") var maxPerAlbum: Int?
    @Option(help: "Leave out an artist (repeatable).") var excludeArtist: [String] = []
    @Option(help: "Leave out an album (repeatable).") var excludeAlbum: [String] = []
    @Option(help: "Leave out tracks with this tag among their strongest (repeatable).") var excludeTag: [String] = []
    @Option(help: "Slowest tempo allowed, BPM.") var minBpm: Float?
    @Option(help: "Fastest tempo allowed, BPM.") var maxBpm: Float?
    @Option(help: "Longest track allowed (minutes, or m:ss).") var maxTrackLength: String?
    @Option(help: "Target total duration (minutes, or h:mm:ss).") var duration: String?
    @Option(help: "How far from --duration the total may be (minutes, or m:ss).") var durationTolerance: String = "2"
    @Option(help: "Write the playlist: .m3u8, .xspf or .jspf.") var out: String?
    @Option(help: "text or json (json lists each transition and its parts).") var format: ImportCommand.ReportFormat = .text
    @Option(help: "Also render the playlist as one continuous file (.m4a or .mp3), crossfaded.") var mix: String?
    @Option(help: "Crossfade length in seconds for --mix.") var fade: Double = 6
    @Option(help: "Send the playlist to a player (`segue players list`) or to folder:/path, replacing an earlier push of the same name (repeatable).")
    var push: [String] = []
    @Option(help: "The playlist's name on the player (default: Segue radio, Segue path or Segue order).") var pushName: String?
    @Option(help: "For --push folder:/path: FROM=TO rewrites the start of each path as the folder's reader sees the music.") var pathMap: String?
    @Option(
        help:
            "Keep the playlist under this name (the Playlists page lists it), with how it was made; with --push it goes to the player under this name."
    )
    var save: String?
    @Flag(
        help: "With --save and one --push: rebuild it every day from the current library and history and push the new order in place (radio or path)."
    )
    var refreshDaily = false

    /// The rules as given on the command line, durations parsed (checked by `constraints()`).
    func rules() throws -> PlaylistRecipe.Rules {
        var r = PlaylistRecipe.Rules()
        r.artistSpacing = artistSpacing
        r.maxPerArtist = maxPerArtist
        r.maxPerAlbum = maxPerAlbum
        r.excludedArtists = excludeArtist
        r.excludedAlbums = excludeAlbum
        r.excludedTags = excludeTag
        r.minBPM = minBpm.map(Double.init)
        r.maxBPM = maxBpm.map(Double.init)
        r.maxTrackSeconds = try maxTrackLength.map { try Self.seconds($0, option: "--max-track-length") }
        r.durationSeconds = try duration.map { try Self.seconds($0, option: "--duration") }
        r.durationToleranceSeconds = try Self.seconds(durationTolerance, option: "--duration-tolerance")
        return r
    }

    /// The constraints, checked by the same rule check as the web API and a saved recipe's rebuild
    /// (`PlaylistRecipe.Rules.checked()`), each problem named by its option.
    func constraints() throws -> PlaylistConstraints {
        let rules = try rules()
        do {
            return try rules.checked()
        } catch {
            throw ValidationError(error.message(naming: Self.optionName))
        }
    }

    /// A rule's option on this command.
    static func optionName(_ field: PlaylistRecipe.Rules.Field) -> String {
        switch field {
        case .artistSpacing: "--artist-spacing"
        case .maxPerArtist: "--max-per-artist"
        case .maxPerAlbum: "--max-per-album"
        case .minBPM: "--min-bpm"
        case .maxBPM: "--max-bpm"
        case .maxTrackSeconds: "--max-track-length"
        case .durationSeconds: "--duration"
        case .durationToleranceSeconds: "--duration-tolerance"
        }
    }

    /// Minutes ("45", "7.5"), clock time ("3:30", "1:00:00"), or a number with s, m or h ("90s").
    static func seconds(_ text: String, option: String) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        var value: Double?
        if t.contains(":") {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
            if parts.count <= 3, parts.allSatisfy({ $0 != nil && $0! >= 0 }) { value = parts.reduce(0) { $0 * 60 + $1! } }
        } else if let unit = t.last, "smh".contains(unit), let n = Double(t.dropLast()) {
            value = n * (unit == "s" ? 1 : unit == "m" ? 60 : 3600)
        } else if let n = Double(t) {
            value = n * 60
        }
        guard let value, value >= 0, value.isFinite else {
            throw ValidationError("\(option) '\(text)' is not a duration (minutes, m:ss, h:mm:ss, or a number with s, m or h)")
        }
        return value
    }

    func run() async throws {
        // Checked before any work, so a typo does not cost a build.
        _ = try constraints()
        let targets = try push.map { text throws(PlayerError) in try PushTarget(text) }
        let mapping = try pathMap.map { text throws(PlayerError) in try PathMapping(text) }
        if mapping != nil, !targets.contains(where: { if case .folder = $0 { true } else { false } }) {
            throw ValidationError("--path-map is for --push folder:/path (a registered folder player has its own)")
        }
        if let save {
            guard pushName == nil || pushName == save else {
                throw ValidationError("with --save the playlist goes to the player under its saved name; leave out --push-name")
            }
        }
        if refreshDaily {
            guard save != nil else { throw ValidationError("--refresh-daily keeps a saved playlist current: give it a name with --save") }
            guard mode != .order else {
                throw ValidationError("--refresh-daily rebuilds a radio or a path; an ordered selection has nothing to rebuild")
            }
            guard targets.count == 1 else { throw ValidationError("--refresh-daily needs exactly one --push target to keep current") }
        }
        if let period = seedFromHistory {
            guard mode == .radio else { throw ValidationError("--seed-from-history is for --mode radio") }
            guard PlaylistRecipe.period(period) != nil else {
                throw ValidationError("'\(period)' is not a period: give a year (2024), a month (2024-05) or all")
            }
        }
        let playlistName = try PlaylistName.validated(save ?? pushName ?? "Segue \(mode.rawValue)")
        let libraryStore = try LibraryCommand.open(store, database)
        let everything = try libraryStore.tracks()
        let library = everything.filter { $0.status == .done }
        let all = PlaylistTrack.fromLibrary(library)
        func resolve(_ text: String, _ role: String) throws -> PlaylistTrack {
            if let id = Int64(text), let t = everything.first(where: { $0.id == id }), t.status != .done {
                throw ValidationError("\(role) \(id) has no analysis yet (status \(t.status.rawValue)); run `segue library add` and wait for it")
            }
            return try SimilarCommand.find(text, in: all)
        }
        let index = try libraryStore.similarityIndex(for: all)
        // The person's history, joined to the library by artist and title.
        var lastCounts: [Int64: Int] = [:]
        func playCounts(in range: TimeRange) throws -> [Int64: Int] {
            lastCounts = try database.openStore(store).libraryPlayCounts(profile: store.profile, tracks: library, range: range)
            return lastCounts
        }
        // Radio and path are made from a recipe, the one a daily refresh makes them again from.
        var recipe: PlaylistRecipe?
        func build(_ made: PlaylistRecipe) throws -> [PlaylistTrack] {
            var r = made
            r.arc = arc.rawValue
            r.preferUnplayed = prefer == .unplayed
            r.rules = try rules()
            recipe = r
            let built = try r.build(library: all, index: index, playCounts: playCounts)
            if let period = seedFromHistory {
                let fromHistory = built.seeds.filter { !r.seeds.contains($0.id) }
                printError(
                    "Seeds from your history (\(period)): "
                        + fromHistory.map { "\($0.artist) – \($0.title) (\(lastCounts[$0.id] ?? 0) play\(lastCounts[$0.id] == 1 ? "" : "s"))" }
                        .joined(separator: "; "))
            }
            return built.tracks
        }
        let order: [PlaylistTrack]
        switch mode {
        case .order:
            var builder = PlaylistBuilder(library: all, constraints: try constraints(), index: index)
            builder.arc = arc
            if prefer == .unplayed {
                builder.playCounts = try playCounts(in: .all)
                builder.preferUnplayed = true
            }
            let ids = (tracks ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !ids.isEmpty else { throw ValidationError("--mode order needs --tracks ID,ID,…") }
            let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
            let chosen = try ids.map { text in
                guard let id = Int64(text), let t = byID[id] else {
                    throw ValidationError("track '\(text)' is not an analysed track in the library (see `segue library list`)")
                }
                return t
            }
            order = try builder.order(chosen)
        case .radio:
            guard !seed.isEmpty || seedFromHistory != nil else {
                throw ValidationError("--mode radio needs --seed TRACK or --seed-from-history PERIOD")
            }
            var r = PlaylistRecipe(kind: seedFromHistory == nil ? .radio : .historyRadio)
            r.seeds = try seed.map { try resolve($0, "seed").id }
            r.historyPeriod = seedFromHistory
            r.length = length ?? (duration == nil ? 20 : nil)
            // A history radio says first whether the period has plays (the build checks the length after its seeds).
            if seedFromHistory == nil, let n = r.length, n > all.count {
                throw ValidationError("--length \(n) is not possible: the library has \(all.count) analysed tracks")
            }
            order = try build(r)
        case .path:
            guard let from, let to else { throw ValidationError("--mode path needs --from TRACK and --to TRACK") }
            var r = PlaylistRecipe(kind: .path)
            r.from = try resolve(from, "--from track").id
            r.to = try resolve(to, "--to track").id
            let n = length ?? 10
            if n > all.count { throw ValidationError("--length \(n) is not possible: the library has \(all.count) analysed tracks") }
            r.length = n
            order = try build(r)
        }
        if let out {
            guard let kind = PlaylistExport.Format(path: out) else { throw ValidationError("--out must end in .m3u8, .xspf or .jspf") }
            let folder = (out as NSString).deletingLastPathComponent
            let text = PlaylistExport.render(
                order, format: kind, title: "Segue \(mode.rawValue)",
                relativeTo: kind == .m3u8 ? (folder.isEmpty ? FileManager.default.currentDirectoryPath : folder) : nil)
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        }
        if let mix {
            // Each track from its first sound to its last: crossfades sit on the outro and the next intro.
            let silences = Dictionary(
                uniqueKeysWithValues: library.compactMap { t -> (Int64, (Double, Double))? in
                    guard let a = t.analysis else { return nil }
                    return (t.id, (Double(a.energy.leadingSilence), Double(a.energy.trailingSilence)))
                })
            let segments = order.map { t -> AudioMixer.Segment in
                let (lead, trail) = silences[t.id] ?? (0, 0)
                return AudioMixer.Segment(path: t.path, durationSeconds: t.durationSeconds, leadingSilence: lead, trailingSilence: trail)
            }
            let levelled = AudioMixer.levelled(segments, loudness: order.map(\.loudnessLUFS))
            try AudioMixer(tools: try FFmpegTools.locate()).mix(levelled, fade: fade, output: mix)
            printError("Wrote \(mix).")
        }
        let now = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
        var saved: SavedPlaylist?
        var playlists: (any SavedPlaylistStore)?
        if save != nil {
            let kept = try database.openPlaylists(dataDirectory: store.dataDirectory)
            saved = try kept.savePlaylist(
                owner: store.profile, name: playlistName, mode: mode.rawValue, trackIDs: order.map(\.id), recipe: recipe,
                pushTarget: targets.count == 1 ? targets[0].description : nil, refreshDaily: refreshDaily, millis: now())
            playlists = kept
            printError(
                "Saved '\(playlistName)' (profile '\(store.profile)')"
                    + (refreshDaily ? "; `segue serve` or `segue worker` rebuilds it and sends it to \(targets[0]) every day." : "."))
        }
        var failed = false
        for target in targets {
            // On standard error: standard output stays the playlist (and valid JSON with --format json).
            var outcome: SavedPlaylistPush
            do {
                let report = try await PlaylistPush(dataDirectory: store.dataDirectory).push(
                    order, name: playlistName, to: target, pathMapping: mapping)
                printError(report.summary)
                outcome = .sent(target: target.description, missing: report.missing)
            } catch {
                failed = true
                printError("Not pushed to \(target): \(error)")
                outcome = .failed(target: target.description, message: "\(error)")
            }
            if let saved, let playlists, targets.count == 1 { _ = try playlists.recordPush(id: saved.id, owner: saved.owner, outcome, millis: now()) }
        }
        let transitions = zip(order, order.dropFirst()).map { TransitionCost(from: $0, to: $1) }
        if format == .json {
            var rows: [[String: Any]] = []
            for (i, t) in order.enumerated() {
                var row: [String: Any] = [
                    "id": t.id, "artist": t.artist, "title": t.title, "album": t.album, "path": t.path, "duration": t.durationSeconds,
                    "bpm": Double(t.bpm), "energy": Double(t.energy), "camelot": t.intro.camelot?.description ?? NSNull(),
                ]
                if i < transitions.count {
                    let c = transitions[i]
                    row["transition"] = [
                        "total": c.total, "tempo": c.tempo, "key": c.key, "loudness": c.loudness, "energy": c.energy, "embedding": c.embedding,
                    ]
                }
                rows.append(row)
            }
            try LibraryCommand.printJSON(rows)
        } else {
            for (i, t) in order.enumerated() {
                let next = i < transitions.count ? String(format: "  → %.2f", transitions[i].total) : ""
                print(
                    "\(i + 1). \(t.artist) – \(t.title)  [\(Int(t.outro.bpm.rounded())) BPM, \(t.outro.camelot?.description ?? "?"), energy \(String(format: "%.2f", t.energy))]\(next)"
                )
            }
            let total = order.reduce(0) { $0 + $1.durationSeconds }
            print(
                String(
                    format: "Total transition cost %.2f; %d tracks, %d:%02d.", transitions.reduce(0) { $0 + $1.total }, order.count, Int(total) / 60,
                    Int(total) % 60))
        }
        // The playlist is printed either way; a push that failed makes the command fail.
        if failed { throw ExitCode.failure }
    }
}

extension EnergyArc: ExpressibleByArgument {}

/// `--prefer`: what a radio favours beyond similarity.
enum PlaylistPreference: String, ExpressibleByArgument { case unplayed }
