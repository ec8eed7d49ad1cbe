import SegueModel

/// What the orderer minimises: the transition costs of consecutive tracks plus, optionally, a cost
/// for each track at each position (an energy arc, or a path's distance from its guide line),
/// with the first and/or last track pinned and tracks of one artist kept apart.
public struct OrderingProblem: Sendable {
    public let count: Int
    /// Row-major `count × count`: `cost[a * count + b]` is the cost of b right after a.
    public private(set) var cost: [Double]
    /// Row-major `count × count`: `positionCost[p * count + t]` is the cost of track t at position p.
    public private(set) var positionCost: [Double]?
    public var first: Int?
    public var last: Int?
    /// A group (artist) per track, and how many other tracks at least separate two of one group.
    public var groups: [Int]?
    public var spacing: Int = 0

    public init(cost: [[Double]], positionCost: [[Double]]? = nil, first: Int? = nil, last: Int? = nil, groups: [Int]? = nil, spacing: Int = 0) {
        count = cost.count
        self.cost = cost.flatMap { $0 }
        self.positionCost = positionCost.map { $0.flatMap { $0 } }
        self.first = first
        self.last = last
        self.groups = groups
        self.spacing = groups == nil ? 0 : spacing
    }

    @inline(__always) func edge(_ a: Int, _ b: Int) -> Double { cost[a &* count &+ b] }
    @inline(__always) func place(_ p: Int, _ t: Int) -> Double { positionCost?[p &* count &+ t] ?? 0 }

    /// How reversing `path[i...j]` changes its transition cost (position costs not included), with
    /// `forward[k]` / `backward[k]` the cost of `path[0...k]` read forwards / backwards.
    @inline(__always) func reversalDelta(_ path: [Int], _ forward: [Double], _ backward: [Double], _ i: Int, _ j: Int) -> Double {
        var before = forward[j] - forward[i]
        var after = backward[j] - backward[i]
        if i > 0 {
            before += edge(path[i - 1], path[i])
            after += edge(path[i - 1], path[j])
        }
        if j < path.count - 1 {
            before += edge(path[j], path[j + 1])
            after += edge(path[i], path[j + 1])
        }
        return after - before
    }

    /// The objective of an order: transitions plus position costs.
    public func total(_ path: [Int]) -> Double {
        var sum = 0.0
        for (p, t) in path.enumerated() {
            sum += place(p, t)
            if p > 0 { sum += edge(path[p - 1], t) }
        }
        return sum
    }

    /// Whether two tracks of one group sit closer than `spacing` allows.
    public func violatesSpacing(_ path: [Int]) -> Bool {
        guard spacing > 0, let groups else { return false }
        var lastSeen = [Int](repeating: Int.min / 2, count: (groups.max() ?? 0) + 1)
        for (p, t) in path.enumerated() {
            let g = groups[t]
            if p - lastSeen[g] <= spacing { return true }
            lastSeen[g] = p
        }
        return false
    }
}

/// Orders tracks so the sum of transition (and position) costs is smallest: exact (Held–Karp
/// dynamic programming over subsets, then a branch-and-bound over it when artist spacing beyond
/// back-to-back must hold) up to 13 tracks, and beyond that nearest-neighbour starts improved by
/// 2-opt and Or-opt moves, from several starts, keeping the best, then iterated local search
/// (segment-swap kicks, each improved by moves around the transitions it changed). Every move keeps
/// the artist spacing. `OrderingLowerBound` (SegueBenchSupport, for `segue-bench playlists`) says
/// how far from the optimum the result can be.
/// Peers order greedily and keep the bad transitions greedy search leaves at the end.
public struct PlaylistOrderer: Sendable {
    public static let exactLimit = 13
    public var restarts: Int
    public var seed: UInt64
    /// Nodes the exact branch-and-bound may visit before settling for local search.
    public var searchBudget = 2_000_000
    /// Sizes up to this are solved exactly (the benchmark lowers it to measure the local search alone).
    public var exactUpTo = PlaylistOrderer.exactLimit
    /// Perturbations of the best local-search order (iterated local search). Each kick is searched
    /// around its joins only, so 300 cost about what 200 full rescans did (100 tracks, ~75 ms of CPU).
    public var kicks = 300

    public init(restarts: Int = 8, seed: UInt64 = 1) {
        self.restarts = restarts
        self.seed = seed
    }

    /// The order (indices into `cost`'s rows) with the least total cost; `first` pins the opening track.
    public func order(cost: [[Double]], first: Int? = nil) -> [Int] {
        // Without spacing every order is allowed, so this cannot fail.
        (try? order(OrderingProblem(cost: cost, first: first))) ?? Array(cost.indices)
    }

    /// The best order found; throws when the spacing cannot be kept.
    public func order(_ problem: OrderingProblem) throws(PlaylistError) -> [Int] {
        let n = problem.count
        if let groups = problem.groups, problem.spacing > 0 {
            var counts: [Int: Int] = [:]
            for g in groups { counts[g, default: 0] += 1 }
            if !PlaylistConstraints.spacingFeasible(Array(counts.values), spacing: problem.spacing) {
                let most = counts.values.max() ?? 0
                let largest = PlaylistConstraints.largestSpacing(Array(counts.values))
                throw PlaylistError(
                    "no order of these \(n) tracks keeps \(problem.spacing) other tracks between two by one artist: one artist has "
                        + "\(most) of them; \(largest <= 0 ? "no spacing is possible" : "at most \(largest) between is possible"), "
                        + "or add tracks by other artists")
            }
        }
        if n <= 2 {
            let path = Self.pinnedTrivial(problem)
            if problem.violatesSpacing(path) { throw PlaylistError("these \(n) tracks by one artist cannot be spaced apart") }
            return path
        }
        if n <= min(exactUpTo, Self.exactLimit), let exact = exactOrder(problem) { return exact }
        var best: [Int]?
        var bestCost = Double.infinity
        var rng = SplitMix64(seed: seed)
        var starts =
            problem.first.map { [$0] }
            ?? Array(Set((0..<restarts).map { _ in Int(rng.next() % UInt64(n)) }).subtracting(problem.last.map { [$0] } ?? [])).sorted()
        if starts.isEmpty { starts = [problem.last == 0 ? 1 : 0] }
        if problem.first == nil, let groups = problem.groups, problem.spacing > 0 {
            // A tight spacing may need the most frequent artist to open; try one of its tracks too.
            var counts: [Int: Int] = [:]
            for g in groups { counts[g, default: 0] += 1 }
            let most = counts.values.max() ?? 0
            if let opener = (0..<n).first(where: { counts[groups[$0]] == most && $0 != problem.last }), !starts.contains(opener) {
                starts.append(opener)
            }
        }
        for start in starts {
            guard var path = Self.nearestNeighbour(problem, start: start) ?? Self.spacedConstruction(problem, start: start) else { continue }
            Self.improve(&path, problem)
            let c = problem.total(path)
            if c < bestCost {
                bestCost = c
                best = path
            }
        }
        guard var best else {
            throw PlaylistError(
                "no order of these \(n) tracks keeps \(problem.spacing) other tracks between two by one artist with the first and last tracks fixed")
        }
        // Iterated local search: kick the best order out of its local optimum (swap two adjacent
        // segments, a move 2-opt and Or-opt cannot undo in one step), improve, keep it if better.
        let lowest = problem.first != nil ? 1 : 0
        let end = problem.last != nil ? n - 1 : n  // one past the last movable position
        if end - lowest >= 8 {
            for _ in 0..<kicks {
                var cuts = (0..<3).map { _ in lowest + 1 + Int(rng.next() % UInt64(end - lowest - 1)) }.sorted()
                if cuts[0] == cuts[1] || cuts[1] == cuts[2] { continue }
                let a = Int(rng.next() % UInt64(cuts[0] - lowest + 1)) + lowest
                cuts.insert(a, at: 0)
                if cuts[0] == cuts[1] { continue }
                var path =
                    Array(best[..<cuts[0]]) + Array(best[cuts[2]..<cuts[3]]) + Array(best[cuts[1]..<cuts[2]])
                    + Array(best[cuts[0]..<cuts[1]]) + Array(best[cuts[3]...])
                if problem.violatesSpacing(path) { continue }
                // Only the three joins the kick made are new: look for moves around their tracks.
                let joins = [cuts[0], cuts[0] + cuts[3] - cuts[2], cuts[0] + cuts[3] - cuts[1], cuts[3]].filter { $0 < n }
                Self.improve(&path, problem, around: joins.flatMap { $0 > 0 ? [path[$0 - 1], path[$0]] : [path[$0]] })
                let c = problem.total(path)
                if c < bestCost - 1e-12 {
                    bestCost = c
                    best = path
                }
            }
            // The kicks searched around their joins only; finish with a full pass.
            Self.improve(&best, problem)
        }
        return best
    }

    public static func pathCost(_ path: [Int], _ cost: [[Double]]) -> Double {
        zip(path, path.dropFirst()).reduce(0) { $0 + cost[$1.0][$1.1] }
    }

    static func pinnedTrivial(_ p: OrderingProblem) -> [Int] {
        guard p.count == 2 else { return Array(0..<p.count) }
        if p.first == 1 || p.last == 0 { return [1, 0] }
        if p.first == 0 || p.last == 1 { return [0, 1] }
        return p.total([0, 1]) <= p.total([1, 0]) ? [0, 1] : [1, 0]
    }

    // MARK: Exact

    /// Held–Karp: `dp[mask][last]` is the cheapest start of a playlist holding `mask` and ending
    /// with `last` (position terms counted at `popcount(mask) − 1`); same-artist neighbours are
    /// left out when spacing is asked. With spacing over 1 the table is the bound of a
    /// branch-and-bound that builds the order from its end. Nil if the search budget runs out.
    func exactOrder(_ p: OrderingProblem) -> [Int]? {
        let n = p.count
        let full = 1 << n
        var dp = [Double](repeating: .infinity, count: full * n)
        var parent = [Int8](repeating: -1, count: full * n)
        let groups = p.groups ?? []
        let banAdjacent = p.spacing > 0 && !groups.isEmpty
        for i in 0..<n where (p.first == nil || p.first == i) && (p.last != i) { dp[(1 << i) * n + i] = p.place(0, i) }
        for mask in 1..<full {
            let position = mask.nonzeroBitCount
            for last in 0..<n where mask & (1 << last) != 0 {
                let current = dp[mask * n + last]
                if current == .infinity { continue }
                for next in 0..<n where mask & (1 << next) == 0 {
                    let m = mask | (1 << next)
                    if next == p.last && m != full - 1 { continue }
                    if banAdjacent && groups[last] == groups[next] { continue }
                    let c = current + p.edge(last, next) + p.place(position, next)
                    if c < dp[m * n + next] {
                        dp[m * n + next] = c
                        parent[m * n + next] = Int8(last)
                    }
                }
            }
        }
        let ends = (0..<n).filter { dp[(full - 1) * n + $0] < .infinity && (p.last == nil || p.last == $0) }
        guard let end = ends.min(by: { dp[(full - 1) * n + $0] < dp[(full - 1) * n + $1] }) else { return nil }
        var last = end
        var mask = full - 1
        var path: [Int] = []
        while last >= 0 {
            path.append(last)
            let prev = Int(parent[mask * n + last])
            mask &= ~(1 << last)
            last = prev
        }
        path.reverse()
        if !p.violatesSpacing(path) { return path }
        return branchAndBound(p, dp: dp, ends: ends)
    }

    func branchAndBound(_ p: OrderingProblem, dp: [Double], ends: [Int]) -> [Int]? {
        let n = p.count
        let full = (1 << n) - 1
        let groups = p.groups ?? []
        var best = Double.infinity
        var bestPath: [Int]?
        var suffix: [Int] = []  // the order's end, last track first
        var nodes = 0
        // `rest` holds the tracks before `f`; `s` is the suffix's cost without f's position term.
        func search(_ rest: Int, _ f: Int, _ s: Double) {
            nodes += 1
            if nodes > searchBudget { return }
            suffix.append(f)
            defer { suffix.removeLast() }
            let position = rest.nonzeroBitCount
            if rest == 0 {
                let total = s + p.place(0, f)
                if total < best {
                    best = total
                    bestPath = suffix.reversed()
                }
                return
            }
            let s2 = s + p.place(position, f)
            var children: [(Int, Double)] = []
            for q in 0..<n where rest & (1 << q) != 0 {
                let bound = dp[rest * n + q] + p.edge(q, f) + s2
                if bound >= best - 1e-12 { continue }
                let g = groups[q]
                if suffix.suffix(p.spacing).contains(where: { groups[$0] == g }) { continue }
                children.append((q, bound))
            }
            for (q, bound) in children.sorted(by: { $0.1 < $1.1 }) where bound < best - 1e-12 {
                search(rest & ~(1 << q), q, s2 + p.edge(q, f))
            }
        }
        for end in ends.sorted(by: { dp[full * n + $0] < dp[full * n + $1] }) where dp[full * n + end] < best {
            search(full & ~(1 << end), end, 0)
        }
        return nodes > searchBudget ? nil : bestPath
    }

    // MARK: Construction

    /// Each next track the cheapest allowed one (the peers' greedy ordering); nil if the spacing
    /// leaves no allowed track at some step.
    public static func nearestNeighbour(_ p: OrderingProblem, start: Int) -> [Int]? {
        let n = p.count
        var used = [Bool](repeating: false, count: n)
        var path = [start]
        used[start] = true
        if let last = p.last, last != start { used[last] = true }
        let target = p.last != nil && p.last != start ? n - 1 : n
        while path.count < target {
            let prev = path[path.count - 1]
            var best = -1
            var bestCost = Double.infinity
            let nearEnd = p.last != nil && target < n && path.count >= target - p.spacing
            for j in 0..<n where !used[j] && allowed(j, after: path, p) {
                if nearEnd, let groups = p.groups, groups[j] == groups[p.last!] { continue }
                let c = p.edge(prev, j) + p.place(path.count, j)
                if c < bestCost {
                    bestCost = c
                    best = j
                }
            }
            if best < 0 { return nil }
            path.append(best)
            used[best] = true
        }
        if target < n { path.append(p.last!) }
        return p.violatesSpacing(path) ? nil : path
    }

    /// Greedy over a plain cost matrix.
    public static func nearestNeighbour(_ cost: [[Double]], start: Int) -> [Int] {
        nearestNeighbour(OrderingProblem(cost: cost), start: start)!
    }

    @inline(__always) static func allowed(_ j: Int, after path: [Int], _ p: OrderingProblem) -> Bool {
        guard p.spacing > 0, let groups = p.groups else { return true }
        let g = groups[j]
        return !path.suffix(p.spacing).contains { groups[$0] == g }
    }

    /// Most-remaining artist first among those allowed (the cheapest of its tracks next): keeps any
    /// spacing the counts allow.
    static func spacedConstruction(_ p: OrderingProblem, start: Int) -> [Int]? {
        guard let groups = p.groups else { return nil }
        let n = p.count
        var remaining: [Int: [Int]] = [:]
        for t in 0..<n where t != start && t != p.last { remaining[groups[t], default: []].append(t) }
        var path = [start]
        let target = p.last != nil && p.last != start ? n - 1 : n
        while path.count < target {
            let recent = Set(path.suffix(p.spacing).map { groups[$0] })
            var mustAvoid = -1
            if let last = p.last, path.count >= target - p.spacing { mustAvoid = groups[last] }
            let candidates = remaining.filter { !$0.value.isEmpty && !recent.contains($0.key) && $0.key != mustAvoid }
            guard let most = candidates.values.map({ $0.count }).max() else { return nil }
            let prev = path[path.count - 1]
            let choice = candidates.values.filter { $0.count == most }.flatMap { $0 }.min { p.edge(prev, $0) < p.edge(prev, $1) }!
            path.append(choice)
            remaining[groups[choice]]!.removeAll { $0 == choice }
        }
        if target < n { path.append(p.last!) }
        return p.violatesSpacing(path) ? nil : path
    }

    // MARK: Local search

    /// 2-opt (reverse a segment; costs are not symmetric, so a reversal's change reads the edges
    /// both ways) and Or-opt (move a run of 1–3 tracks elsewhere) until no move helps; position
    /// costs are kept in O(1) per move with prefix sums, and a move that breaks the spacing is
    /// passed over.
    static func improve(_ path: inout [Int], _ p: OrderingProblem) {
        let n = path.count
        let lowest = p.first != nil ? 1 : 0
        let highest = p.last != nil ? n - 2 : n - 1
        guard highest - lowest >= 1 else { return }
        let hasPlace = p.positionCost != nil
        let spaced = p.spacing > 0
        var improved = true
        var rounds = 0
        var forward = [Double](repeating: 0, count: n)
        var backward = [Double](repeating: 0, count: n)
        var candidates: [(delta: Double, i: Int, j: Int)] = []
        var scratch = path
        while improved && rounds < 10_000 {
            improved = false
            rounds += 1
            for t in 1..<n {
                forward[t] = forward[t - 1] + p.edge(path[t - 1], path[t])
                backward[t] = backward[t - 1] + p.edge(path[t], path[t - 1])
            }
            candidates.removeAll(keepingCapacity: true)
            var bestDelta = -1e-9
            var bestMove: (Int, Int)?
            // Reversals grouped by their centre, growing outwards, so the position change accumulates.
            for centre in (2 * lowest + 1)...(2 * highest - 1) {
                var i = centre / 2
                var j = centre - i
                var placeDelta = 0.0
                if i == j {
                    i -= 1
                    j += 1
                }
                while i >= lowest && j <= highest {
                    if hasPlace {
                        placeDelta += p.place(i, path[j]) + p.place(j, path[i]) - p.place(i, path[i]) - p.place(j, path[j])
                    }
                    let delta = p.reversalDelta(path, forward, backward, i, j) + placeDelta
                    if delta < -1e-9 {
                        if spaced {
                            candidates.append((delta, i, j))
                        } else if delta < bestDelta {
                            bestDelta = delta
                            bestMove = (i, j)
                        }
                    }
                    i -= 1
                    j += 1
                }
            }
            if spaced {
                candidates.sort { $0.delta < $1.delta }
                for c in candidates {
                    scratch = path
                    scratch[c.i...c.j].reverse()
                    if !p.violatesSpacing(scratch) {
                        bestMove = (c.i, c.j)
                        break
                    }
                }
            }
            if let (i, j) = bestMove {
                path[i...j].reverse()
                improved = true
                continue
            }
            if orOpt(&path, p, lowest: lowest, highest: highest) { improved = true }
        }
    }

    /// 2-opt and Or-opt moves that change a transition of the given tracks (and then of the tracks
    /// each applied move touches), the best for each track in turn, until none helps. After a kick
    /// only a few transitions are new, and a full scan would mostly re-prove the rest locally
    /// optimal: this costs O(n) per track looked at instead of O(n²) per pass. With position costs
    /// (whose change a reversal spreads over every position it spans) it runs the full scan.
    static func improve(_ path: inout [Int], _ p: OrderingProblem, around tracks: [Int]) {
        if p.positionCost != nil {
            improve(&path, p)
            return
        }
        let n = path.count
        let lowest = p.first != nil ? 1 : 0
        let highest = p.last != nil ? n - 2 : n - 1
        guard highest - lowest >= 1 else { return }
        let spaced = p.spacing > 0
        var position = [Int](repeating: 0, count: n)
        var forward = [Double](repeating: 0, count: n)
        var backward = [Double](repeating: 0, count: n)
        func refresh() {
            for t in 0..<n { position[path[t]] = t }
            for t in 1..<n {
                forward[t] = forward[t - 1] + p.edge(path[t - 1], path[t])
                backward[t] = backward[t - 1] + p.edge(path[t], path[t - 1])
            }
        }
        refresh()
        var queue: [Int] = []
        var queued = [Bool](repeating: false, count: n)
        func mark(_ t: Int) {
            if !queued[t] {
                queued[t] = true
                queue.append(t)
            }
        }
        for t in tracks { mark(t) }
        // Cost of the transition into and out of a gap: `g` is the gap after position g (−1: before the first).
        @inline(__always) func link(_ a: Int, _ b: Int) -> Double { a >= 0 && b < n ? p.edge(path[a], path[b]) : 0 }
        enum Move {
            case reverse(Int, Int)
            case shift(Int, Int, Int)
        }  // reverse i...j; move s..<s+L to gap g
        var steps = 0
        while let x = queue.popLast(), steps < 100 * n {
            queued[x] = false
            steps += 1
            let q = position[x]
            var bestDelta = -1e-9
            var bestMove: Move?
            func consider(_ delta: Double, _ move: Move) {
                guard delta < bestDelta else { return }
                if spaced {
                    var trial = path
                    apply(move, to: &trial)
                    if p.violatesSpacing(trial) { return }
                }
                bestDelta = delta
                bestMove = move
            }
            func reversal(_ i: Int, _ j: Int) -> Double { p.reversalDelta(path, forward, backward, i, j) }
            // 2-opt: reversals that cut the transition into x (i = q or j = q − 1) or out of it (i = q + 1 or j = q).
            for i in [q, q + 1] where i >= lowest && i < highest {
                for j in (i + 1)...highest { consider(reversal(i, j), .reverse(i, j)) }
            }
            for j in [q - 1, q] where j <= highest && j > lowest {
                for i in lowest..<j { consider(reversal(i, j), .reverse(i, j)) }
            }
            // Or-opt: a run of 1–3 tracks taken out (s..<e) and put into gap g.
            func shift(_ s: Int, _ e: Int, _ g: Int) -> Double {
                let removed = link(s - 1, s) + link(e - 1, e) - link(s - 1, e)
                let added = link(g, s) + link(e - 1, g + 1) - link(g, g + 1)
                return added - removed
            }
            for length in 1...3 where highest - lowest + 1 > length {
                // Runs holding x, moved anywhere (none when x is a pinned end).
                let firstStart = max(lowest, q - length + 1)
                let lastStart = min(q, highest - length + 1)
                for s in stride(from: firstStart, through: lastStart, by: 1) {
                    for g in (lowest - 1)...highest where g < s - 1 || g >= s + length {
                        consider(shift(s, s + length, g), .shift(s, length, g))
                    }
                }
                // Any run put right before or right after x.
                for g in [q - 1, q] where g >= lowest - 1 && g <= highest {
                    for s in lowest...(highest - length + 1) where g < s - 1 || g >= s + length {
                        consider(shift(s, s + length, g), .shift(s, length, g))
                    }
                }
            }
            guard let move = bestMove else { continue }
            let touched: [Int]
            switch move {
            case .reverse(let i, let j): touched = [i - 1, i, j, j + 1]
            case .shift(let s, let length, let g): touched = [s - 1, s, s + length - 1, s + length, g, g + 1]
            }
            let tracks = touched.filter { $0 >= 0 && $0 < n }.map { path[$0] }
            apply(move, to: &path)
            refresh()
            for t in tracks { mark(t) }
            mark(x)
        }

        func apply(_ move: Move, to path: inout [Int]) {
            switch move {
            case .reverse(let i, let j): path[i...j].reverse()
            case .shift(let s, let length, let g):
                let run = Array(path[s..<(s + length)])
                path.removeSubrange(s..<(s + length))
                path.insert(contentsOf: run, at: g < s ? g + 1 : g + 1 - length)
            }
        }
    }

    /// One improving Or-opt move, if there is one.
    static func orOpt(_ path: inout [Int], _ p: OrderingProblem, lowest: Int, highest: Int) -> Bool {
        let n = path.count
        let hasPlace = p.positionCost != nil
        // shiftRight[L][t]: prefix sums of the change when the track at t moves to t + L; shiftLeft likewise to t − L.
        var shiftRight: [[Double]] = []
        var shiftLeft: [[Double]] = []
        if hasPlace {
            for length in 0...3 {
                var r = [Double](repeating: 0, count: n + 1)
                var l = [Double](repeating: 0, count: n + 1)
                if length > 0 {
                    for t in 0..<n {
                        let here = p.place(t, path[t])
                        r[t + 1] = r[t] + (t + length < n ? p.place(t + length, path[t]) - here : 0)
                        l[t + 1] = l[t] + (t - length >= 0 ? p.place(t - length, path[t]) - here : 0)
                    }
                }
                shiftRight.append(r)
                shiftLeft.append(l)
            }
        }
        for length in 1...3 where highest - lowest + 1 > length {
            for i in lowest...(highest - length + 1) {
                let f = path[i]
                let l = path[i + length - 1]
                var removed = 0.0
                if i > 0 { removed += p.edge(path[i - 1], f) }
                if i + length < n { removed += p.edge(l, path[i + length]) }
                if i > 0 && i + length < n { removed -= p.edge(path[i - 1], path[i + length]) }
                var rest = path
                rest.removeSubrange(i..<(i + length))
                for k in lowest...(highest - length + 1) where k != i {
                    var added = 0.0
                    if k > 0 { added += p.edge(rest[k - 1], f) }
                    if k < rest.count { added += p.edge(l, rest[k]) }
                    if k > 0 && k < rest.count { added -= p.edge(rest[k - 1], rest[k]) }
                    var placeDelta = 0.0
                    if hasPlace {
                        for r in 0..<length { placeDelta += p.place(k + r, path[i + r]) - p.place(i + r, path[i + r]) }
                        if k < i {
                            placeDelta += shiftRight[length][i] - shiftRight[length][k]
                        } else {
                            placeDelta += shiftLeft[length][k + length] - shiftLeft[length][i + length]
                        }
                    }
                    if added - removed + placeDelta < -1e-9 {
                        var moved = rest
                        moved.insert(contentsOf: path[i..<(i + length)], at: k)
                        if p.violatesSpacing(moved) { continue }
                        path = moved
                        return true
                    }
                }
            }
        }
        return false
    }
}
