/// Nearest neighbours by cosine distance; pgvector implements the same protocol at scale.
public protocol SimilarityIndex: Sendable {
    /// The `k` items nearest to `query`, nearest first, leaving out `excluding`.
    func nearest(to query: [Float], k: Int, excluding: Set<Int64>) -> [(id: Int64, distance: Double)]
}

/// An exact scan over unit-normalised vectors stored contiguously: one dot product per item, which
/// the compiler vectorises; fine to a few hundred thousand items on one core.
public struct ExactSimilarityIndex: SimilarityIndex {
    public let dimensions: Int
    private var ids: [Int64] = []
    private var vectors: [Float] = []

    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    /// Adds an item; vectors of another length are refused (returns false).
    @discardableResult
    public mutating func add(id: Int64, vector: [Float]) -> Bool {
        guard vector.count == dimensions else { return false }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        ids.append(id)
        vectors += norm > 0 ? vector.map { $0 / norm } : vector
        return true
    }

    public var count: Int { ids.count }

    public func nearest(to query: [Float], k: Int, excluding: Set<Int64> = []) -> [(id: Int64, distance: Double)] {
        guard query.count == dimensions, k > 0 else { return [] }
        let norm = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let q = norm > 0 ? query.map { $0 / norm } : query
        var best: [(id: Int64, distance: Double)] = []
        vectors.withUnsafeBufferPointer { v in
            q.withUnsafeBufferPointer { qp in
                for i in 0..<ids.count {
                    var dot: Float = 0
                    let base = i * dimensions
                    for d in 0..<dimensions { dot += v[base + d] * qp[d] }
                    let distance = Double(1 - dot)
                    if best.count == k, distance >= best[k - 1].distance { continue }
                    if excluding.contains(ids[i]) { continue }
                    let at = best.firstIndex { distance < $0.distance } ?? best.count
                    best.insert((ids[i], distance), at: at)
                    if best.count > k { best.removeLast() }
                }
            }
        }
        return best
    }
}
