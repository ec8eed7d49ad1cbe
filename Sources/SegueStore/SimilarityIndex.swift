/// Nearest neighbours by cosine distance: the exact in-memory scan (`ExactSimilarityIndex`) and
/// pgvector's HNSW index on PostgreSQL both answer through this protocol.
public protocol SimilarityIndex: Sendable {
    /// The `k` items nearest to `query`, nearest first, leaving out `excluding`.
    /// - Throws: when the index lives in a database that cannot answer (the in-memory scan never throws).
    func nearest(to query: [Float], k: Int, excluding: Set<Int64>) throws -> [(id: Int64, distance: Double)]
}
