import SegueModel
import Testing

@testable import SeguePlaylists

@Suite struct LocalImprovementTests {
    /// A chain 0 → 1 → … → n−1 at cost 1 a step, every other move costing more the further it jumps.
    func chain(_ n: Int) -> OrderingProblem {
        let cost: [[Double]] = (0..<n).map { a in
            (0..<n).map { b -> Double in
                if b == a + 1 { return 1 }
                return 3 + Double(abs(a - b)) / Double(n)
            }
        }
        return OrderingProblem(cost: cost)
    }

    @Test func movesAroundTheGivenTracksRepairTheirDefects() {
        let n = 40
        let p = chain(n)
        // Track 17 taken out and put near the end, runs 5...7 and 24...29 reversed.
        var path = Array(0..<n)
        path.remove(at: 17)
        path.insert(17, at: 33)
        path[5...7].reverse()
        path[23...28].reverse()
        let before = p.total(path)
        var repaired = path
        PlaylistOrderer.improve(&repaired, p, around: [17, path[5], path[7], path[23], path[28]])
        #expect(repaired == Array(0..<n), "\(repaired)")
        #expect(p.total(repaired) == Double(n - 1) && before > p.total(repaired))
        // Looking around a track whose transitions are all right changes nothing.
        var untouched = path
        PlaylistOrderer.improve(&untouched, p, around: [38])
        #expect(untouched == path)
    }

    @Test func movesAroundKeepPinsAndSpacing() {
        var rng = SplitMix64(seed: 9)
        for seed in 1...5 {
            let n = 30
            let cost = (0..<n).map { i in (0..<n).map { j in i == j ? 0 : rng.unit() * 10 } }
            let p = OrderingProblem(cost: cost, first: 4, last: 11, groups: (0..<n).map { $0 % 5 }, spacing: 2)
            guard var path = PlaylistOrderer.nearestNeighbour(p, start: 4) ?? PlaylistOrderer.spacedConstruction(p, start: 4) else {
                Issue.record("no spaced start for seed \(seed)")
                continue
            }
            let before = p.total(path)
            PlaylistOrderer.improve(&path, p, around: Array(path[8..<16]))
            #expect(Set(path) == Set(0..<n) && path.count == n)
            #expect(path.first == 4 && path.last == 11)
            #expect(!p.violatesSpacing(path))
            #expect(p.total(path) < before)
        }
    }
}
