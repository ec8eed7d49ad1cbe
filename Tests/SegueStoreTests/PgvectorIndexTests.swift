import Foundation
import SegueModel
import SeguePlaylists
import SegueStore
import SegueStorePostgres
import SegueTestSupport
import Testing

/// pgvector's HNSW index against the exact scan, through the same protocol.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PgvectorIndexTests {
    /// Points around 40 random centres in 36 dimensions (like analysis vectors: clustered, not uniform).
    func library(_ n: Int, dimensions: Int, seed: UInt64) -> [(id: Int64, vector: [Float])] {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Float { Float(Double(rng.next() >> 11) / Double(1 << 53)) * 2 - 1 }
        let centres = (0..<40).map { _ in (0..<dimensions).map { _ in uniform() } }
        return (0..<n).map { i in
            let c = centres[Int(rng.next() % 40)]
            return (Int64(i + 1), c.map { $0 + 0.35 * uniform() })
        }
    }

    @Test func recallAtTenAgainstTheExactScan() throws {
        let backend = try PostgresBackend(url: try TestPostgres.freshSchemaURL())
        let items = library(4_000, dimensions: 36, seed: 5)
        let index = try PgvectorIndex(backend: backend, name: "tracks", dimensions: 36)
        try index.add(items)
        #expect(try index.count == 4_000)
        var exact = ExactSimilarityIndex(dimensions: 36)
        for item in items { exact.add(id: item.id, vector: item.vector) }
        var found = 0
        let queries = library(50, dimensions: 36, seed: 9)
        for query in queries {
            let truth = exact.nearest(to: query.vector, k: 10, excluding: [])
            let approximate = try index.nearest(to: query.vector, k: 10, excluding: [])
            #expect(approximate.count == 10)
            found += Set(truth.map(\.id)).intersection(approximate.map(\.id)).count
            // Same distance measure: cosine distance, as the exact scan reports it.
            let truthDistance = Dictionary(uniqueKeysWithValues: truth.map { ($0.id, $0.distance) })
            for hit in approximate {
                if let d = truthDistance[hit.id] { #expect(abs(d - hit.distance) < 1e-4) }
            }
            #expect(approximate.map(\.distance) == approximate.map(\.distance).sorted())
        }
        let recall = Double(found) / Double(queries.count * 10)
        #expect(recall >= 0.95, "recall@10 \(recall)")
    }

    @Test func exclusionsReplacementsAndBadVectors() throws {
        let backend = try PostgresBackend(url: try TestPostgres.freshSchemaURL())
        let index = try PgvectorIndex(backend: backend, name: "small", dimensions: 3)
        try index.add([(1, [1, 0, 0]), (2, [0.9, 0.1, 0]), (3, [0, 1, 0]), (4, [0, 0, 1])])
        #expect(try index.nearest(to: [1, 0, 0], k: 2, excluding: []).map(\.id) == [1, 2])
        #expect(try index.nearest(to: [1, 0, 0], k: 1, excluding: [1]).map(\.id) == [2])
        try index.add([(4, [1, 0.01, 0])])
        #expect(try index.nearest(to: [1, 0, 0], k: 2, excluding: [1]).map(\.id) == [4, 2])
        #expect(throws: PostgresStoreError.self) { try index.add([(5, [1, 0])]) }
        #expect(throws: PostgresStoreError.self) { try PgvectorIndex(backend: backend, name: "Bad Name", dimensions: 3) }
        let generic: any SimilarityIndex = index
        #expect(try generic.nearest(to: [0, 1, 0], k: 1, excluding: []).map(\.id) == [3])
    }
}
