import ArgumentParser
import Foundation
import SegueAudio
import SegueMedia
import SeguePlaylists
import SegueStore
import SegueStoreSQLite

/// `segue playlist`: smooth playlists from the analysed library.
struct PlaylistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playlist", abstract: "Order tracks for the smoothest transitions, or build a radio around seeds.")

    enum Mode: String, ExpressibleByArgument { case order, radio }

    @OptionGroup var store: StoreOptions
    @Option(help: "order (reorder --tracks) or radio (tracks around --seed).") var mode: Mode = .order
    @Option(help: "Comma-separated track ids (order mode).") var tracks: String?
    @Option(help: "Seed track id (radio mode; repeatable).") var seed: [Int64] = []
    @Option(help: "Number of tracks (radio mode).") var length: Int = 20
    @Option(help: "Write the playlist: .m3u8, .xspf or .jspf.") var out: String?
    @Option(help: "text or json (json lists each transition and its parts).") var format: ImportCommand.ReportFormat = .text
    @Option(help: "Also render the playlist as one continuous file (.m4a or .mp3), crossfaded.") var mix: String?
    @Option(help: "Crossfade length in seconds for --mix.") var fade: Double = 6

    func run() throws {
        let library = try LibraryCommand.open(store).tracks().filter { $0.status == .done }
        let all = Self.playlistTracks(library)
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        var chosen: [PlaylistTrack]
        var first: Int?
        switch mode {
        case .order:
            let ids = (tracks ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !ids.isEmpty else { throw ValidationError("--mode order needs --tracks ID,ID,…") }
            chosen = try ids.map { text in
                guard let id = Int64(text), let t = byID[id] else {
                    throw ValidationError("track '\(text)' is not an analysed track in the library (see `segue library list`)")
                }
                return t
            }
        case .radio:
            guard !seed.isEmpty else { throw ValidationError("--mode radio needs --seed ID") }
            let seeds = try seed.map { id -> PlaylistTrack in
                guard let t = byID[id] else { throw ValidationError("seed \(id) is not an analysed track in the library") }
                return t
            }
            guard length >= seeds.count, length <= all.count else {
                throw ValidationError("--length \(length) is not possible: the library has \(all.count) analysed tracks")
            }
            // The nearest tracks to any seed by embedding, seeds included and first.
            let others = all.filter { t in !seeds.contains { $0.id == t.id } }
                .map { t in (t, seeds.map { TransitionCost.cosineDistance($0.embedding, t.embedding) }.min() ?? 1) }
                .sorted { $0.1 < $1.1 }.prefix(length - seeds.count).map(\.0)
            chosen = seeds + others
            first = 0
        }
        let cost = chosen.map { a in chosen.map { b in a.id == b.id ? 0 : TransitionCost(from: a, to: b).total } }
        let order = PlaylistOrderer().order(cost: cost, first: first).map { chosen[$0] }
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
            let silences = Dictionary(uniqueKeysWithValues: library.compactMap { t -> (Int64, (Double, Double))? in
                guard let json = t.analysisJSON, let a = try? JSONDecoder().decode(AudioAnalysis.self, from: Data(json.utf8)) else { return nil }
                return (t.id, (Double(a.energy.leadingSilence), Double(a.energy.trailingSilence)))
            })
            let segments = order.map { t -> AudioMixer.Segment in
                let (lead, trail) = silences[t.id] ?? (0, 0)
                return AudioMixer.Segment(path: t.path, start: lead, end: max(lead + 1, t.durationSeconds - trail))
            }
            try AudioMixer(tools: try FFmpegTools.locate()).mix(segments, fade: fade, output: mix)
            printError("Wrote \(mix).")
        }
        let transitions = zip(order, order.dropFirst()).map { TransitionCost(from: $0, to: $1) }
        if format == .json {
            var rows: [[String: Any]] = []
            for (i, t) in order.enumerated() {
                var row: [String: Any] = ["id": t.id, "artist": t.artist, "title": t.title, "path": t.path]
                if i < transitions.count {
                    let c = transitions[i]
                    row["transition"] = ["total": c.total, "tempo": c.tempo, "key": c.key, "loudness": c.loudness, "energy": c.energy, "embedding": c.embedding]
                }
                rows.append(row)
            }
            try LibraryCommand.printJSON(rows)
        } else {
            for (i, t) in order.enumerated() {
                let next = i < transitions.count ? String(format: "  → %.2f", transitions[i].total) : ""
                print("\(i + 1). \(t.artist) – \(t.title)  [\(Int(t.outro.bpm.rounded())) BPM, \(t.outro.camelot?.description ?? "?")]\(next)")
            }
            print(String(format: "Total transition cost %.2f.", transitions.reduce(0) { $0 + $1.total }))
        }
    }

    /// Library tracks with their analysis as playlist tracks; the embedding is the DSP feature
    /// vector standardised over the library (until the musicnn embedding lands).
    static func playlistTracks(_ library: [LibraryTrack]) -> [PlaylistTrack] {
        let decoded: [(LibraryTrack, AudioAnalysis)] = library.compactMap { t in
            guard let json = t.analysisJSON, let a = try? JSONDecoder().decode(AudioAnalysis.self, from: Data(json.utf8)) else { return nil }
            return (t, a)
        }
        let vectors = decoded.map { $0.1.featureVector }
        let dims = vectors.first?.count ?? 0
        var mean = [Float](repeating: 0, count: dims)
        var sd = [Float](repeating: 1, count: dims)
        if !vectors.isEmpty {
            for d in 0..<dims {
                let values = vectors.map { $0[d] }
                let m = values.reduce(0, +) / Float(values.count)
                let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(values.count)
                mean[d] = m
                sd[d] = v > 1e-12 ? v.squareRoot() : 1
            }
        }
        return zip(decoded, vectors).map { pair, vector in
            let (t, a) = pair
            return PlaylistTrack(
                id: t.id, path: t.path, artist: t.artist ?? "Unknown artist", title: t.title ?? (t.path as NSString).lastPathComponent,
                album: t.album ?? "", durationSeconds: t.durationSeconds,
                intro: .init(bpm: a.intro.bpm, camelot: Camelot(a.intro.camelot), energy: a.intro.energy),
                outro: .init(bpm: a.outro.bpm, camelot: Camelot(a.outro.camelot), energy: a.outro.energy),
                loudnessLUFS: a.loudness.integratedLUFS, embedding: (0..<dims).map { (vector[$0] - mean[$0]) / sd[$0] })
        }
    }
}
