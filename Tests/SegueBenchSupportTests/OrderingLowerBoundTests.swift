import SegueModel
import SeguePlaylists
import Testing

@testable import SegueBenchSupport

@Suite struct OrderingLowerBoundTests {
    func randomCosts(_ n: Int, seed: UInt64) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { i in (0..<n).map { j in i == j ? 0 : 0.1 + Double(rng.next() % 1000) / 100 } }
    }

    /// Points in a plane with a one-way penalty (climbing in y costs extra): asymmetric, and
    /// structured like the playlists (near tracks are cheap both ways), where the assignment bound is weak.
    func planeCosts(_ n: Int, seed: UInt64) -> [[Double]] {
        var rng = SplitMix64(seed: seed)
        let points = (0..<n).map { _ in (rng.unit() * 10, rng.unit() * 10) }
        return points.map { a in
            points.map { b in
                let d = ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot()
                return d + 0.3 * max(0, b.1 - a.1)
            }
        }
    }

    func exact(_ problem: OrderingProblem) throws -> Double {
        problem.total(try PlaylistOrderer().order(problem))
    }

    @Test func arborescenceMatchesBruteForce() {
        let m = 5
        for seed in 1...20 {
            var rng = SplitMix64(seed: UInt64(seed))
            let weights = (0..<(m * m)).map { _ in Double(rng.next() % 100) / 10 - 2 }  // some negative
            let root = seed % m
            let parent = OrderingLowerBound.minimumArborescence(weights, count: m, root: root)
            func reachesRoot(_ p: [Int]) -> Bool {
                (0..<m).allSatisfy { start in
                    var x = start
                    for _ in 0...m where x != root { x = p[x] }
                    return x == root
                }
            }
            func cost(_ p: [Int]) -> Double { (0..<m).filter { $0 != root }.reduce(0) { $0 + weights[p[$1] * m + $1] } }
            #expect(parent[root] == -1 && reachesRoot(parent))
            // Every choice of a parent (not itself) for each non-root stop; keep the arborescences.
            var best = Double.infinity
            let others = (0..<m).filter { $0 != root }
            for code in 0..<others.reduce(1, { r, _ in r * (m - 1) }) {
                var p = [Int](repeating: -1, count: m)
                var c = code
                for v in others {
                    let choices = (0..<m).filter { $0 != v }
                    p[v] = choices[c % (m - 1)]
                    c /= m - 1
                }
                if reachesRoot(p) { best = min(best, cost(p)) }
            }
            #expect(abs(cost(parent) - best) < 1e-9, "seed \(seed): \(cost(parent)) vs brute force \(best)")
        }
    }

    @Test func assignmentMatchesBruteForce() {
        let m = 6
        for seed in 1...10 {
            var rng = SplitMix64(seed: UInt64(seed) + 100)
            let cost = (0..<(m * m)).map { _ in Double(rng.next() % 1000) / 100 }
            let (u, v, value) = OrderingLowerBound.assignment(cost, count: m)
            var best = Double.infinity
            func go(_ row: Int, _ used: Set<Int>, _ sum: Double) {
                if row == m {
                    best = min(best, sum)
                    return
                }
                for col in 0..<m where !used.contains(col) { go(row + 1, used.union([col]), sum + cost[row * m + col]) }
            }
            go(0, [], 0)
            #expect(abs(value - best) < 1e-9)
            #expect(abs(u.reduce(0, +) + v.reduce(0, +) - best) < 1e-9)
            for a in 0..<m { for b in 0..<m { #expect(cost[a * m + b] - u[a] - v[b] > -1e-9) } }
        }
    }

    @Test func boundNeverExceedsTheExactOptimum() throws {
        var gaps: [Double] = []
        for seed in 1...12 {
            for costs in [randomCosts(10, seed: UInt64(seed)), planeCosts(10, seed: UInt64(seed))] {
                for (first, last) in [(nil, nil), (3, nil), (nil, 7), (2, 9)] as [(Int?, Int?)] {
                    let problem = OrderingProblem(cost: costs, first: first, last: last)
                    let optimum = try exact(problem)
                    let bound = OrderingLowerBound().bound(problem)
                    #expect(bound.value <= optimum + 1e-9, "seed \(seed) first \(String(describing: first)) last \(String(describing: last))")
                    #expect(bound.value > 0)
                    #expect(bound.value >= bound.assignment - 1e-9)
                    gaps.append(1 - bound.value / optimum)
                }
            }
        }
        // Held–Karp is a strong bound: on these it closes most of the way to the optimum.
        #expect(gaps.reduce(0, +) / Double(gaps.count) < 0.05)
    }

    @Test func boundWithPositionCostsAndSpacingStaysBelowTheOptimum() throws {
        for seed in 1...6 {
            var rng = SplitMix64(seed: UInt64(seed) + 7)
            let n = 9
            let positions = (0..<n).map { _ in (0..<n).map { _ in rng.unit() * 3 } }
            let problem = OrderingProblem(
                cost: planeCosts(n, seed: UInt64(seed)), positionCost: positions, groups: (0..<n).map { $0 % 3 }, spacing: 1)
            let optimum = try exact(problem)
            let bound = OrderingLowerBound().bound(problem)
            #expect(bound.value <= optimum + 1e-9)
            #expect(bound.value > 0)
        }
    }

    @Test func tightWhereTheOptimumIsObvious() {
        // A chain 0 → 1 → … → 5 at cost 1 a step, every other move 10: the optimum is 5.
        let n = 6
        let chain = (0..<n).map { a in (0..<n).map { b in b == a + 1 ? 1.0 : 10.0 } }
        let bound = OrderingLowerBound().bound(OrderingProblem(cost: chain))
        #expect(abs(bound.value - 5) < 1e-9)
        // Points on a line (cost = distance): the best order walks end to end, max − min; pairing
        // neighbours both ways fools the assignment bound, the Held–Karp bound reaches the optimum.
        var rng = SplitMix64(seed: 3)
        let xs = (0..<12).map { _ in rng.unit() * 100 }
        let line = xs.map { a in xs.map { b in abs(a - b) } }
        let lineBound = OrderingLowerBound().bound(OrderingProblem(cost: line))
        let span = xs.max()! - xs.min()!
        #expect(lineBound.assignment < 0.9 * span)
        #expect(lineBound.value <= span + 1e-9)
        #expect(lineBound.value > 0.995 * span)
    }

}
