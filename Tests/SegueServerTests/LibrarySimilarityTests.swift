import Foundation
import SegueAudio
import SegueLibrary
import SegueModel
import SeguePlaylists
import SegueServer
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite
import SegueTestSupport
import Testing

/// One library stored on both backends: nearest neighbours through `LibraryStore.similarityIndex`
/// (the exact scan on SQLite, pgvector's HNSW over `library_track` on PostgreSQL) agree.
@Suite struct LibrarySimilarityTests {
    /// One real analysis (of a synthetic song) for every track: the neighbours come from the
    /// embeddings, which differ per track.
    static let analysisJSON: String = {
        let song = SyntheticSong(bpm: 120, tonic: 0, mode: .major, seconds: 4, seed: 3)
        guard let analysis = try? AudioAnalysis(samples: song.render()), let data = try? JSONEncoder().encode(analysis) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }()

    /// `n` musicnn-sized embeddings around 30 random centres (signed, like musicnn's before ReLU).
    static func embeddings(_ n: Int, seed: UInt64) -> [[Float]] {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Float { Float(Double(rng.next() >> 11) / Double(1 << 53)) * 2 - 1 }
        let centres = (0..<30).map { _ in (0..<MusicnnNetwork.embeddingSize).map { _ in uniform() } }
        return (0..<n).map { _ in
            let c = centres[Int(rng.next() % 30)]
            return c.map { $0 + 0.4 * uniform() }
        }
    }

    /// Stores the tracks `name-<i>` with these embeddings, analysed.
    static func fill(_ store: any LibraryStore, name: String, _ vectors: [[Float]]) throws {
        for (i, v) in vectors.enumerated() {
            let added = try store.add(
                LibraryTrack(
                    path: "/music/\(name)-\(i).flac", contentHash: "\(name)-\(i)", artist: "Artist \(i % 17)", title: "\(name) \(i)",
                    durationSeconds: 200))
            try store.saveAnalysis(id: added.track.id, version: AudioAnalysis.version, json: analysisJSON, embedding: v, tagScores: nil)
        }
    }

    static func playable(_ store: any LibraryStore) throws -> [PlaylistTrack] {
        PlaylistTrack.fromLibrary(try store.tracks().filter { $0.status == .done })
    }

    @Test func theEmbeddedStoreScansExactlyWhatItStores() throws {
        #expect(Self.analysisJSON != "{}")
        let store = try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: try Fixtures.folder().path))
        let vectors = Self.embeddings(40, seed: 1)
        try Self.fill(store, name: "s", vectors)
        let tracks = try Self.playable(store)
        // musicnn vectors are searched as stored (what a database indexes), not rescaled per library.
        let stored = Dictionary(uniqueKeysWithValues: vectors.enumerated().map { ("/music/s-\($0.offset).flac", $0.element) })
        #expect(tracks.count == 40 && tracks.allSatisfy { stored[$0.path] == $0.embedding })
        let index = try store.similarityIndex(for: tracks)
        #expect(index is ExactSimilarityIndex)
        let near = try index.nearest(to: tracks[3].embedding, k: 5, excluding: [tracks[3].id])
        #expect(near.count == 5 && !near.contains { $0.id == tracks[3].id })
        let byHand = tracks.filter { $0.id != tracks[3].id }
            .map { ($0.id, TransitionCost.cosineDistance(tracks[3].embedding, $0.embedding)) }
            .sorted { $0.1 < $1.1 }.prefix(5).map(\.0)
        #expect(near.map(\.id) == byHand)
    }

    @Test(.enabled(if: TestPostgres.isEnabled)) func bothBackendsGiveTheSameNeighbours() throws {
        let backend = try PostgresBackend(url: try TestPostgres.freshSchemaURL())
        let sqlite = try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: try Fixtures.folder().path))
        let postgres = PostgresLibraryStore(backend: backend, library: "session/a")
        // Another library in the same table, its vectors from the same centres: never an answer for "session/a".
        let other = PostgresLibraryStore(backend: backend, library: "session/b")
        let vectors = Self.embeddings(500, seed: 7)
        try Self.fill(sqlite, name: "t", vectors)
        try Self.fill(postgres, name: "t", vectors)
        try Self.fill(other, name: "u", Self.embeddings(500, seed: 7).map { $0.map { $0 * 1.01 } })

        let embedded = try Self.playable(sqlite)
        let scaled = try Self.playable(postgres)
        #expect(embedded.map(\.path) == scaled.map(\.path) && embedded.map(\.embedding) == scaled.map(\.embedding))
        let exact = try sqlite.similarityIndex(for: embedded)
        let hnsw = try postgres.similarityIndex(for: scaled)
        #expect(exact is ExactSimilarityIndex)
        let pgvector = try #require(hnsw as? PgvectorIndex)
        #expect(try pgvector.count == 500)

        // Ids differ between the backends: tracks are matched by path.
        let sqlitePath = Dictionary(uniqueKeysWithValues: embedded.map { ($0.id, $0.path) })
        let pgPath = Dictionary(uniqueKeysWithValues: scaled.map { ($0.id, $0.path) })
        let own = Set(scaled.map(\.id))
        var found = 0
        var asked = 0
        for q in stride(from: 0, to: 500, by: 10) {
            let truth = try exact.nearest(to: embedded[q].embedding, k: 10, excluding: [embedded[q].id])
            let approximate = try hnsw.nearest(to: scaled[q].embedding, k: 10, excluding: [scaled[q].id])
            #expect(approximate.count == 10)
            #expect(approximate.allSatisfy { own.contains($0.id) && $0.id != scaled[q].id })
            let truthDistance = Dictionary(uniqueKeysWithValues: truth.map { (sqlitePath[$0.id]!, $0.distance) })
            for hit in approximate {
                if let d = truthDistance[pgPath[hit.id]!] { #expect(abs(d - hit.distance) < 1e-4) }
            }
            found += Set(truth.map { sqlitePath[$0.id]! }).intersection(approximate.map { pgPath[$0.id]! }).count
            asked += 10
        }
        // HNSW is approximate: recall@10 against the exact scan, the bar.
        let recall = Double(found) / Double(asked)
        #expect(recall >= 0.95, "recall@10 \(recall)")

        // A library much smaller than the table: HNSW's candidates are mostly the other library's,
        // and the store ranks its few rows exactly instead of returning fewer than exist.
        let tiny = PostgresLibraryStore(backend: backend, library: "session/tiny")
        let tinyVectors = Self.embeddings(6, seed: 11)
        try Self.fill(tiny, name: "v", tinyVectors)
        let tinyTracks = try Self.playable(tiny)
        let tinySQLite = try SQLiteLibraryStore(path: SQLiteLibraryStore.databasePath(inDataDirectory: try Fixtures.folder("tiny").path))
        try Self.fill(tinySQLite, name: "v", tinyVectors)
        let tinyEmbedded = try Self.playable(tinySQLite)
        let tinyNear = try tiny.similarityIndex(for: tinyTracks).nearest(to: tinyTracks[0].embedding, k: 10, excluding: [tinyTracks[0].id])
        let tinyTruth = try sqlite.similarityIndex(for: tinyEmbedded).nearest(
            to: tinyEmbedded[0].embedding, k: 10, excluding: [tinyEmbedded[0].id])
        #expect(tinyNear.count == 5)
        let tinyPG = Dictionary(uniqueKeysWithValues: tinyTracks.map { ($0.id, $0.path) })
        let tinyLite = Dictionary(uniqueKeysWithValues: tinyEmbedded.map { ($0.id, $0.path) })
        #expect(tinyNear.map { tinyPG[$0.id]! } == tinyTruth.map { tinyLite[$0.id]! })

        // Playlists through the same seam: a radio on each backend, and a path that leaves the library fails.
        let onSQLite = try PlaylistBuilder(library: embedded, index: exact).radio(seeds: [embedded[0]], length: 8)
        let onPostgres = try PlaylistBuilder(library: scaled, index: hnsw).radio(seeds: [scaled[0]], length: 8)
        #expect(onSQLite.count == 8 && onPostgres.count == 8)
        #expect(Set(onSQLite.map(\.path)).intersection(onPostgres.map(\.path)).count >= 7)
        let stranger = try #require(try Self.playable(other).first)
        #expect(throws: PlaylistError.self) {
            try PlaylistBuilder(library: scaled, index: hnsw).path(from: scaled[0], to: stranger, length: 5)
        }
        let path = try PlaylistBuilder(library: scaled, index: hnsw).path(from: scaled[0], to: scaled[1], length: 5)
        #expect(path.count == 5 && path.allSatisfy { own.contains($0.id) })
    }
}
