import SeguePlaylists

/// A proven lower bound on the least total any order of an `OrderingProblem` can reach, for sizes
/// where the exact optimum is out of reach: it says how much cost an orderer may still be leaving.
///
/// The open path is closed into a cycle through a dummy track (free to enter and leave, unless the
/// first or last track is pinned), so the problem is an asymmetric travelling-salesman tour of
/// `count + 1` stops (transition costs are asymmetric: tempo ratios, outro against intro). Two
/// relaxations are combined additively:
/// - the assignment bound: every stop one successor and one predecessor, subtours allowed
///   (Hungarian algorithm); its dual potentials turn the costs into reduced costs;
/// - the Held–Karp bound on those reduced costs: a minimum 1-arborescence (a spanning arborescence
///   rooted at the dummy plus the cheapest arc back into it), with the "one successor each"
///   constraints moved into the costs by Lagrange multipliers, tuned by subgradient optimisation.
///
/// Every iterate is a valid bound; the best is kept. Artist spacing is ignored (relaxed), and position
/// costs are bounded by each track's cheapest position, so the result stays a bound with them too.
public struct OrderingLowerBound: Sendable {
    /// Subgradient steps at most.
    public var iterations: Int

    public init(iterations: Int = 1_000) {
        self.iterations = iterations
    }

    /// The bound and what it is made of.
    public struct Result: Sendable, Equatable {
        /// The lower bound: no order of the tracks costs less.
        public var value: Double
        /// The assignment bound alone (a weaker bound).
        public var assignment: Double
        /// Whether the best 1-arborescence was a single path through every track: then `value` is
        /// the cost of an order, i.e. the exact optimum (without spacing).
        public var provedOptimal: Bool
        /// Subgradient steps taken.
        public var iterations: Int
    }

    /// The lower bound for `problem`; `upperBound` (the cost of any known order, say the orderer's)
    /// only sizes the subgradient steps: a good one makes the bound converge faster.
    public func bound(_ problem: OrderingProblem, upperBound: Double? = nil) -> Result {
        let n = problem.count
        // Each track sits at some position: its cheapest one bounds the position part.
        var placeBound = 0.0
        if problem.positionCost != nil {
            for t in 0..<n { placeBound += (0..<n).map { problem.place($0, t) }.min() ?? 0 }
        }
        if n <= 1 { return Result(value: placeBound, assignment: placeBound, provedOptimal: true, iterations: 0) }

        // The closed problem: stops 0..<n are the tracks, stop n the dummy.
        let m = n + 1
        let dummy = n
        var largest = 0.0
        for a in 0..<n { for b in 0..<n where a != b { largest = max(largest, abs(problem.edge(a, b))) } }
        // An arc no order uses costs more than any whole order; it is kept finite so reduced costs
        // stay finite (leaving such arcs in only weakens the relaxation, never invalidates it).
        let forbidden = (largest + 1) * Double(m + 1)
        var cost = [Double](repeating: forbidden, count: m * m)
        for a in 0..<n {
            for b in 0..<n where a != b && b != problem.first && a != problem.last {
                cost[a * m + b] = problem.edge(a, b)
            }
        }
        for t in 0..<n {
            if problem.first == nil || problem.first == t { cost[dummy * m + t] = 0 }
            if problem.last == nil || problem.last == t { cost[t * m + dummy] = 0 }
        }

        // Assignment bound and its potentials: for any tour, cost = Σu + Σv + its reduced cost.
        let (u, v, assignmentValue) = Self.assignment(cost, count: m)
        let potential = u.reduce(0, +) + v.reduce(0, +)
        var reduced = cost
        for a in 0..<m { for b in 0..<m { reduced[a * m + b] = cost[a * m + b] - u[a] - v[b] } }
        for a in 0..<m { reduced[a * m + a] = .infinity }

        // Subgradient ascent on the 1-arborescence bound of the reduced costs.
        var target = (upperBound.map { $0 - placeBound } ?? Self.greedyCost(problem)) - potential
        // The assignment optimum is a bound itself; the dual value plus any reduced bound is another.
        var best = assignmentValue
        var bestReduced = -Double.infinity
        var multipliers = [Double](repeating: 0, count: m)
        var weights = reduced
        var step = 2.0
        var sinceImprovement = 0
        var proved = false
        var taken = 0
        var degree = [Int](repeating: 0, count: m)
        while taken < iterations {
            taken += 1
            for a in 0..<m {
                let pa = multipliers[a]
                for b in 0..<m { weights[a * m + b] = reduced[a * m + b] + pa }
            }
            let parent = Self.minimumArborescence(weights, count: m, root: dummy)
            var value = 0.0
            for i in 0..<m { degree[i] = 0 }
            for b in 0..<m where b != dummy {
                value += weights[parent[b] * m + b]
                degree[parent[b]] += 1
            }
            var closing = -1
            for a in 0..<n where closing < 0 || weights[a * m + dummy] < weights[closing * m + dummy] { closing = a }
            value += weights[closing * m + dummy]
            degree[closing] += 1
            value -= multipliers.reduce(0, +)
            if value > bestReduced + 1e-12 {
                bestReduced = value
                sinceImprovement = 0
            } else {
                sinceImprovement += 1
                if sinceImprovement >= 10 {
                    step /= 2
                    sinceImprovement = 0
                }
            }
            var norm = 0.0
            for i in 0..<m { norm += Double((degree[i] - 1) * (degree[i] - 1)) }
            if norm == 0 {
                // Every stop has one successor: the 1-arborescence is a tour, hence an optimal one.
                proved = true
                break
            }
            if target <= value + 1e-9 { target = value + max(1e-3, abs(value) * 0.01) }
            if step < 1e-6 { break }
            let t = step * (target - value) / norm
            for i in 0..<m { multipliers[i] += t * Double(degree[i] - 1) }
        }
        best = max(best, potential + bestReduced)
        return Result(value: best + placeBound, assignment: assignmentValue + placeBound, provedOptimal: proved, iterations: taken)
    }

    /// The cost of the greedy order from the first track (from the pinned one if any), without
    /// position costs: a rough upper bound for step sizes when none is given.
    static func greedyCost(_ p: OrderingProblem) -> Double {
        let start = p.first ?? (p.last == 0 ? 1 : 0)
        let path = PlaylistOrderer.nearestNeighbour(p, start: start) ?? Array(0..<p.count)
        var sum = 0.0
        for (a, b) in zip(path, path.dropFirst()) { sum += p.edge(a, b) }
        return sum
    }

    // MARK: Assignment

    /// The minimum-cost assignment of rows to columns of a square matrix (Hungarian algorithm,
    /// shortest augmenting paths with potentials, O(m³)): returns row and column potentials u, v
    /// with `cost[a][b] − u[a] − v[b] ≥ 0` (up to rounding) and the optimal assignment's cost.
    static func assignment(_ cost: [Double], count m: Int) -> (u: [Double], v: [Double], value: Double) {
        // 1-based inside, as the augmenting-path bookkeeping uses column 0 as the free root.
        var u = [Double](repeating: 0, count: m + 1)
        var v = [Double](repeating: 0, count: m + 1)
        var rowOf = [Int](repeating: 0, count: m + 1)
        var way = [Int](repeating: 0, count: m + 1)
        var slack = [Double](repeating: 0, count: m + 1)
        var used = [Bool](repeating: false, count: m + 1)
        for row in 1...m {
            rowOf[0] = row
            var column = 0
            for j in 0...m {
                slack[j] = .infinity
                used[j] = false
            }
            repeat {
                used[column] = true
                let r = rowOf[column]
                var delta = Double.infinity
                var next = 0
                for j in 1...m where !used[j] {
                    let c = cost[(r - 1) * m + (j - 1)] - u[r] - v[j]
                    if c < slack[j] {
                        slack[j] = c
                        way[j] = column
                    }
                    if slack[j] < delta {
                        delta = slack[j]
                        next = j
                    }
                }
                for j in 0...m {
                    if used[j] {
                        u[rowOf[j]] += delta
                        v[j] -= delta
                    } else {
                        slack[j] -= delta
                    }
                }
                column = next
            } while rowOf[column] != 0
            repeat {
                let previous = way[column]
                rowOf[column] = rowOf[previous]
                column = previous
            } while column != 0
        }
        var value = 0.0
        for j in 1...m { value += cost[(rowOf[j] - 1) * m + (j - 1)] }
        return (Array(u[1...]), Array(v[1...]), value)
    }

    // MARK: Arborescence

    /// The minimum spanning arborescence rooted at `root` of the complete digraph with arc costs
    /// `weights[a * count + b]` (Chu–Liu/Edmonds: each stop's cheapest incoming arc; every cycle
    /// those arcs make is contracted, with arcs into it charged the arc they would replace, and
    /// the contracted graph solved the same way). Returns each stop's parent, −1 for the root.
    static func minimumArborescence(_ weights: [Double], count m: Int, root: Int) -> [Int] {
        var parent = [Int](repeating: -1, count: m)
        for b in 0..<m where b != root {
            var cheapest = Double.infinity
            for a in 0..<m where a != b && weights[a * m + b] < cheapest {
                cheapest = weights[a * m + b]
                parent[b] = a
            }
        }
        var component = [Int](repeating: -1, count: m)
        var seenFrom = [Int](repeating: -1, count: m)
        var onCycle = [Bool](repeating: false, count: m)
        var components = 0
        for start in 0..<m {
            var x = start
            while x != root && seenFrom[x] == -1 {
                seenFrom[x] = start
                x = parent[x]
            }
            if x != root && seenFrom[x] == start && component[x] == -1 {
                var y = x
                repeat {
                    component[y] = components
                    onCycle[y] = true
                    y = parent[y]
                } while y != x
                components += 1
            }
        }
        if components == 0 { return parent }
        for x in 0..<m where component[x] == -1 {
            component[x] = components
            components += 1
        }
        let k = components
        var contracted = [Double](repeating: .infinity, count: k * k)
        var arcFrom = [Int32](repeating: -1, count: k * k)
        var arcTo = [Int32](repeating: -1, count: k * k)
        for a in 0..<m {
            let ca = component[a]
            for b in 0..<m where b != a {
                let cb = component[b]
                if ca == cb { continue }
                let c = weights[a * m + b] - (onCycle[b] ? weights[parent[b] * m + b] : 0)
                let i = ca * k + cb
                if c < contracted[i] {
                    contracted[i] = c
                    arcFrom[i] = Int32(a)
                    arcTo[i] = Int32(b)
                }
            }
        }
        let rootComponent = component[root]
        let inner = minimumArborescence(contracted, count: k, root: rootComponent)
        // Expand: each component's chosen entering arc replaces the cycle arc into the stop it enters.
        for c in 0..<k where c != rootComponent {
            let i = inner[c] * k + c
            parent[Int(arcTo[i])] = Int(arcFrom[i])
        }
        parent[root] = -1
        return parent
    }
}

extension OrderingProblem {
    // The problem's cost lookups, through its public matrices (SeguePlaylists keeps its own inlined ones internal).
    @inline(__always) fileprivate func edge(_ a: Int, _ b: Int) -> Double { cost[a &* count &+ b] }
    @inline(__always) fileprivate func place(_ p: Int, _ t: Int) -> Double { positionCost?[p &* count &+ t] ?? 0 }
}
