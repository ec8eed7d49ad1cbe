import Foundation
import SegueAudio
import SeguePlaylists
import SegueStore

extension LibraryTrack {
    /// The stored analysis, decoded (nil before it is done or when it cannot be read).
    public var analysis: AudioAnalysis? {
        analysisJSON.flatMap { try? JSONDecoder().decode(AudioAnalysis.self, from: Data($0.utf8)) }
    }

    /// musicnn's MSD tags with their scores, strongest first (none when the weights were not installed).
    public var rankedTags: [(name: String, score: Double)] {
        guard let scores = tagScores, scores.count == Musicnn.msdTags.count else { return [] }
        return zip(Musicnn.msdTags, scores).map { ($0, Double($1)) }
            .sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
    }
}

extension PlaylistTrack {
    /// Library tracks with their analysis as playlist tracks (the CLI and the Playlists page both
    /// build from these). The embedding is musicnn's as stored when every track has one (the vector
    /// the database indexes, so its index and the exact scan rank alike), else the DSP feature
    /// vector standardised over the library (centred and scaled, as its descriptors have unrelated
    /// units); tags are the three strongest musicnn tags, when present.
    public static func fromLibrary(_ library: [LibraryTrack]) -> [PlaylistTrack] {
        let decoded: [(LibraryTrack, AudioAnalysis)] = library.compactMap { t in t.analysis.map { (t, $0) } }
        let musicnn = decoded.map(\.0.embedding)
        let usesMusicnn = !musicnn.isEmpty && musicnn.allSatisfy({ $0?.count == MusicnnNetwork.embeddingSize })
        let vectors: [[Float]] = usesMusicnn ? musicnn.map { $0 ?? [] } : decoded.map { $0.1.featureVector }
        let dims = vectors.first?.count ?? 0
        var mean = [Float](repeating: 0, count: dims)
        var sd = [Float](repeating: 1, count: dims)
        if !vectors.isEmpty && !usesMusicnn {
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
            let intro = PlaylistTrack.Section(bpm: a.intro.bpm, camelot: Camelot(a.intro.camelot), energy: a.intro.energy)
            let outro = PlaylistTrack.Section(bpm: a.outro.bpm, camelot: Camelot(a.outro.camelot), energy: a.outro.energy)
            let embedding: [Float] = (0..<dims).map { (vector[$0] - mean[$0]) / sd[$0] }
            let title: String = t.title ?? (t.path as NSString).lastPathComponent
            return PlaylistTrack(
                id: t.id, path: t.path, artist: t.artist ?? "Unknown artist", title: title, album: t.album ?? "",
                durationSeconds: t.durationSeconds, intro: intro, outro: outro, loudnessLUFS: a.loudness.integratedLUFS,
                embedding: embedding, bpm: a.tempo.bpm, energy: a.energy.energy, tags: t.rankedTags.prefix(3).map { $0.name })
        }
    }
}

extension LibraryStore {
    /// The nearest-neighbour index for `tracks`, this store's analysed tracks as `fromLibrary` makes
    /// them: the database's own index (pgvector HNSW on PostgreSQL) when the tracks are searched by
    /// their stored musicnn embeddings and the store has one, else the exact in-memory scan (SQLite,
    /// or DSP features standardised over the library, which no database holds).
    public func similarityIndex(for tracks: [PlaylistTrack]) throws -> any SimilarityIndex {
        let dimensions = tracks.first?.embedding.count ?? 0
        if dimensions == MusicnnNetwork.embeddingSize, let stored = try embeddingIndex(dimensions: dimensions) { return stored }
        var exact = ExactSimilarityIndex(dimensions: dimensions)
        exact.reserveCapacity(tracks.count)
        for t in tracks { exact.add(id: t.id, vector: t.embedding) }
        return exact
    }
}
