import SegueModel

/// Orders tracks so the sum of transition costs is smallest: exact (Held–Karp dynamic programming
/// over subsets) up to 13 tracks, and beyond that nearest-neighbour starts improved by 2-opt and
/// Or-opt moves, from several starts, keeping the best. Peers order greedily and keep the bad
/// transitions greedy search leaves at the end; this optimises the whole sequence.
public struct PlaylistOrderer: Sendable {
    public static let exactLimit = 13
    public var restarts: Int
    public var seed: UInt64

    public init(restarts: Int = 8, seed: UInt64 = 1) {
        self.restarts = restarts
        self.seed = seed
    }

    /// The order (indices into `cost`'s rows) with the least total cost; `first` pins the opening track.
    public func order(cost: [[Double]], first: Int? = nil) -> [Int] {
        let n = cost.count
        guard n > 2 else { return Array(0..<n) }
        if n <= Self.exactLimit { return Self.heldKarp(cost, first: first) }
        var best: [Int] = []
        var bestCost = Double.infinity
        var rng = SplitMix64(seed: seed)
        let starts = first.map { [$0] } ?? Array(Set((0..<restarts).map { _ in Int(rng.next() % UInt64(n)) })).sorted()
        for start in starts {
            var path = Self.nearestNeighbour(cost, start: start)
            Self.improve(&path, cost, pinnedFirst: first != nil)
            let c = Self.pathCost(path, cost)
            if c < bestCost {
                bestCost = c
                best = path
            }
        }
        return best
    }

    public static func pathCost(_ path: [Int], _ cost: [[Double]]) -> Double {
        zip(path, path.dropFirst()).reduce(0) { $0 + cost[$1.0][$1.1] }
    }

    /// Exact shortest Hamiltonian path (open at both ends, or starting at `first`).
    static func heldKarp(_ cost: [[Double]], first: Int?) -> [Int] {
        let n = cost.count
        let full = 1 << n
        var dp = [Double](repeating: .infinity, count: full * n)
        var parent = [Int8](repeating: -1, count: full * n)
        for i in 0..<n where first == nil || first == i { dp[(1 << i) * n + i] = 0 }
        for mask in 1..<full {
            for last in 0..<n where mask & (1 << last) != 0 {
                let current = dp[mask * n + last]
                if current == .infinity { continue }
                for next in 0..<n where mask & (1 << next) == 0 {
                    let m = mask | (1 << next)
                    let c = current + cost[last][next]
                    if c < dp[m * n + next] {
                        dp[m * n + next] = c
                        parent[m * n + next] = Int8(last)
                    }
                }
            }
        }
        var last = (0..<n).min { dp[(full - 1) * n + $0] < dp[(full - 1) * n + $1] }!
        var mask = full - 1
        var path: [Int] = []
        while last >= 0 {
            path.append(last)
            let p = Int(parent[mask * n + last])
            mask &= ~(1 << last)
            last = p
        }
        return path.reversed()
    }

    static func nearestNeighbour(_ cost: [[Double]], start: Int) -> [Int] {
        var used = [Bool](repeating: false, count: cost.count)
        var path = [start]
        used[start] = true
        while path.count < cost.count {
            let last = path[path.count - 1]
            var best = -1
            for j in cost.indices where !used[j] && (best < 0 || cost[last][j] < cost[last][best]) { best = j }
            path.append(best)
            used[best] = true
        }
        return path
    }

    /// 2-opt (reverse a segment; costs are not symmetric, so every move is evaluated in full where
    /// it matters) and Or-opt (move a run of 1–3 tracks elsewhere) until no move helps.
    static func improve(_ path: inout [Int], _ cost: [[Double]], pinnedFirst: Bool) {
        let n = path.count
        var improved = true
        var rounds = 0
        while improved && rounds < 10_000 {
            improved = false
            rounds += 1
            let lowest = pinnedFirst ? 1 : 0
            // Prefix sums of the path's edges read forwards and backwards make a reversal's change O(1).
            var forward = [Double](repeating: 0, count: n)
            var backward = [Double](repeating: 0, count: n)
            for t in 1..<n {
                forward[t] = forward[t - 1] + cost[path[t - 1]][path[t]]
                backward[t] = backward[t - 1] + cost[path[t]][path[t - 1]]
            }
            var bestDelta = -1e-12
            var bestMove: (Int, Int)?
            for i in lowest..<(n - 1) {
                for j in (i + 1)..<n {
                    var before = forward[j] - forward[i]
                    var after = backward[j] - backward[i]
                    if i > 0 {
                        before += cost[path[i - 1]][path[i]]
                        after += cost[path[i - 1]][path[j]]
                    }
                    if j < n - 1 {
                        before += cost[path[j]][path[j + 1]]
                        after += cost[path[i]][path[j + 1]]
                    }
                    if after - before < bestDelta {
                        bestDelta = after - before
                        bestMove = (i, j)
                    }
                }
            }
            if let (i, j) = bestMove {
                path[i...j].reverse()
                improved = true
            }
            // Or-opt: the change of moving a run is a handful of edges, computed directly.
            orOpt: for length in 1...3 {
                for i in lowest..<(n - length + 1) {
                    let f = path[i]
                    let l = path[i + length - 1]
                    var removed = 0.0
                    if i > 0 { removed += cost[path[i - 1]][f] }
                    if i + length < n { removed += cost[l][path[i + length]] }
                    if i > 0 && i + length < n { removed -= cost[path[i - 1]][path[i + length]] }
                    var rest = path
                    rest.removeSubrange(i..<(i + length))
                    for k in (pinnedFirst ? 1 : 0)...rest.count where k != i {
                        var added = 0.0
                        if k > 0 { added += cost[rest[k - 1]][f] }
                        if k < rest.count { added += cost[l][rest[k]] }
                        if k > 0 && k < rest.count { added -= cost[rest[k - 1]][rest[k]] }
                        if added - removed < -1e-12 {
                            rest.insert(contentsOf: path[i..<(i + length)], at: k)
                            path = rest
                            improved = true
                            break orOpt
                        }
                    }
                }
            }
        }
    }
}
