import Foundation
import SegueAudio
import SegueLibrary
import SegueModel
import SeguePlaylists
import SegueRecap
import SegueStore

extension RecapSound {
    /// The sound of `period` from a library's analysed files joined to the plays in `columns`
    /// (`ListeningIndex`: artist and title, and album when both name one), the playlist ordered as
    /// the playlists order tracks (`PlaylistBuilder.order`, smoothest transitions). Files that
    /// match the same song are counted once (the first by id), so a duplicate file does not double
    /// its plays. Nil when no analysed file was played in the period.
    public static func fromLibrary(_ library: [LibraryTrack], columns: MusicColumns, period: RecapPeriod, periodPlays: Int) -> RecapSound? {
        let analysed = library.filter { $0.status == .done && $0.analysis != nil }.sorted { $0.id < $1.id }
        guard !analysed.isEmpty else { return nil }
        let now = ListeningIndex(columns, range: period.range)
        let before = ListeningIndex(columns, range: period.previous.range)
        var songs = Set<String>()
        var inputs: [RecapSoundInput] = []
        for t in analysed {
            guard let analysis = t.analysis else { continue }
            let plays = now.listening(artist: t.artist, title: t.title, album: t.album)?.plays ?? 0
            let previous = before.listening(artist: t.artist, title: t.title, album: t.album)?.plays ?? 0
            guard plays > 0 || previous > 0 else { continue }
            let song = NameKey.track(artist: t.artist ?? "", title: t.title ?? "") + "\u{1F}" + NameKey.normalized(t.album ?? "")
            guard songs.insert(song).inserted else { continue }
            inputs.append(
                RecapSoundInput(
                    id: t.id, artist: t.artist ?? "Unknown artist", title: t.title ?? (t.path as NSString).lastPathComponent, plays: plays,
                    previousPlays: previous, bpm: Double(analysis.tempo.bpm), energy: Double(analysis.energy.energy),
                    loudnessLUFS: analysis.loudness.integratedLUFS, tags: t.rankedTags.prefix(3).map(\.name)))
        }
        return RecapSound(inputs, periodPlays: periodPlays) { ids in
            let tracks = PlaylistTrack.fromLibrary(analysed)
            let byID = Dictionary(tracks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let chosen = ids.compactMap { byID[$0] }
            // Fewer than three have no order to find; an ordering that refuses keeps the play order.
            guard chosen.count > 2, let ordered = try? PlaylistBuilder(library: tracks).order(chosen) else { return ids }
            return ordered.map(\.id)
        }
    }
}

/// A library's tracks as a recap reads them, and a key that changes when they do (files added,
/// removed or analysed), so a cached recap never keeps an old sound.
struct LibrarySnapshot: Sendable {
    var tracks: [LibraryTrack]
    var cacheKey: String

    init(_ library: WebLibrary) throws {
        tracks = try library.tracks()
        let done = tracks.filter { $0.status == .done }
        cacheKey = tracks.isEmpty ? "" : "|library:\(library.name):\(tracks.count):\(done.count):\(done.map(\.id).reduce(0, ^))"
    }
}
