import Foundation
import SegueStore

/// An exact scan over unit-normalised vectors stored contiguously, each row padded to a multiple
/// of 8 floats so the dot products run on `SIMD8<Float>` lanes; libraries over 20,000 items are
/// scanned by two threads, each keeping its own best k, merged at the end.
public struct ExactSimilarityIndex: SimilarityIndex {
    public let dimensions: Int
    /// Floats per stored row (dimensions rounded up to a multiple of 8, the padding zero).
    let stride: Int
    private var ids: [Int64] = []
    private var vectors: [Float] = []
    /// Scans at least this long are split over two threads.
    public var parallelThreshold = 20_000

    public init(dimensions: Int) {
        self.dimensions = dimensions
        stride = max(8, (dimensions + 7) / 8 * 8)
    }

    public mutating func reserveCapacity(_ n: Int) {
        ids.reserveCapacity(n)
        vectors.reserveCapacity(n * stride)
    }

    /// Adds an item; vectors of another length are refused (returns false).
    @discardableResult
    public mutating func add(id: Int64, vector: [Float]) -> Bool {
        guard vector.count == dimensions else { return false }
        ids.append(id)
        vectors += padded(vector)
        return true
    }

    public var count: Int { ids.count }

    func padded(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var out = norm > 0 ? v.map { $0 / norm } : v
        out += [Float](repeating: 0, count: stride - v.count)
        return out
    }

    public func nearest(to query: [Float], k: Int, excluding: Set<Int64> = []) -> [(id: Int64, distance: Double)] {
        guard query.count == dimensions, k > 0, !ids.isEmpty else { return [] }
        let q = padded(query)
        let n = ids.count
        if n < parallelThreshold { return scan(q, 0..<n, k: k, excluding: excluding).map { (ids[$0.row], Double(1 - $0.dot)) } }
        let halves = [0..<(n / 2), (n / 2)..<n]
        let results = Partials(count: halves.count)
        DispatchQueue.concurrentPerform(iterations: halves.count) { part in
            results.store(part, scan(q, halves[part], k: k, excluding: excluding))
        }
        var merged: [(row: Int, dot: Float)] = results.all().flatMap { $0 }
        merged.sort { (a: (row: Int, dot: Float), b: (row: Int, dot: Float)) -> Bool in
            a.dot > b.dot || (a.dot == b.dot && a.row < b.row)
        }
        return merged.prefix(k).map { (ids[$0.row], Double(1 - $0.dot)) }
    }

    /// The best `k` rows of `rows` by dot product with `q`, best first.
    func scan(_ q: [Float], _ rows: Range<Int>, k: Int, excluding: Set<Int64>) -> [(row: Int, dot: Float)] {
        var best: [(row: Int, dot: Float)] = []
        best.reserveCapacity(k + 1)
        var threshold = -Float.infinity
        let lanes = stride / 8
        vectors.withUnsafeBytes { raw in
            q.withUnsafeBytes { qraw in
                var qv = [SIMD8<Float>]()
                for l in 0..<lanes { qv.append(qraw.loadUnaligned(fromByteOffset: l * 32, as: SIMD8<Float>.self)) }
                qv.withUnsafeBufferPointer { qp in
                    let rowBytes = stride * 4
                    for row in rows {
                        let base = row * rowBytes
                        var acc = raw.loadUnaligned(fromByteOffset: base, as: SIMD8<Float>.self) * qp[0]
                        var l = 1
                        while l < lanes {
                            // A multiply and an add (addProduct would be a fused call per lane without FMA enabled).
                            acc += raw.loadUnaligned(fromByteOffset: base + l * 32, as: SIMD8<Float>.self) * qp[l]
                            l += 1
                        }
                        let dot = acc.sum()
                        if dot <= threshold { continue }
                        if !excluding.isEmpty && excluding.contains(ids[row]) { continue }
                        let at = best.firstIndex { dot > $0.dot } ?? best.count
                        best.insert((row, dot), at: at)
                        if best.count > k { best.removeLast() }
                        if best.count == k { threshold = best[k - 1].dot }
                    }
                }
            }
        }
        return best
    }
}

/// Per-thread results of a split scan (each thread writes only its own slot).
private final class Partials: @unchecked Sendable {
    private var slots: UnsafeMutableBufferPointer<[(row: Int, dot: Float)]>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: [])
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ i: Int, _ value: [(row: Int, dot: Float)]) { slots[i] = value }
    func all() -> [[(row: Int, dot: Float)]] { Array(slots) }
}
