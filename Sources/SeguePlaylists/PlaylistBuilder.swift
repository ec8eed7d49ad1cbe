import Foundation
import SegueStore

/// The shape the energy takes over a playlist.
public enum EnergyArc: String, Sendable, CaseIterable {
    /// No preference (transitions alone decide).
    case none
    /// Energy changes between neighbours cost extra, so it stays level.
    case steady
    case rising, falling
    /// Rising to the middle, then falling.
    case peak

    /// The energy wanted at each position: the selection's own energies laid out in the arc's
    /// shape (a perfect arc costs nothing, whatever the energies are). Nil for none and steady.
    public func targets(_ energies: [Float]) -> [Float]? {
        let sorted = energies.sorted()
        switch self {
        case .none, .steady: return nil
        case .rising: return sorted
        case .falling: return sorted.reversed()
        case .peak:
            var out = [Float](repeating: 0, count: sorted.count)
            var left = 0
            var right = sorted.count - 1
            for (i, e) in sorted.enumerated() {
                if i % 2 == 0 {
                    out[left] = e
                    left += 1
                } else {
                    out[right] = e
                    right -= 1
                }
            }
            return out
        }
    }
}

/// Builds playlists from a library in the three modes, under `PlaylistConstraints`: selection
/// respects exclusions, tempo, track length, per-artist and per-album counts and the total
/// duration; `PlaylistOrderer` orders with the artist spacing, the energy arc and (in path mode)
/// the guide line as terms. What cannot be done is a `PlaylistError` naming the rule that failed and
/// the closest thing that can be made, never a shorter playlist.
public struct PlaylistBuilder: Sendable {
    public let library: [PlaylistTrack]
    public var constraints: PlaylistConstraints
    public var arc: EnergyArc = .none
    /// Plays per library track id in the person's history (tracks never played are absent).
    public var playCounts: [Int64: Int] = [:]
    /// Favour tracks the person has never or seldom played ("forgotten gems"): a candidate's
    /// distance grows by `unplayedWeight` × log2(1 + plays), so a played track needs to be that much
    /// nearer to be chosen; the order is still the smoothest one.
    public var preferUnplayed = false
    public var unplayedWeight = 0.08
    /// Weight of the arc term: a track one selection-wide energy range off its target costs this much.
    public var arcWeight = 2.0
    /// Weight of the path's guide term: a track one unit (in normalised embedding space) off the line costs this much.
    public var guideWeight = 2.0
    public var weights = TransitionCost.Weights()
    public var orderer = PlaylistOrderer()
    /// Nearest neighbours among `library` by embedding: the exact scan, or the database's index.
    let index: any SimilarityIndex
    let position: [Int64: Int]

    /// - Parameter index: an index over exactly `library`'s embeddings (an exact scan already
    ///   filled, or the store's own, see `LibraryStore.embeddingIndex`); else an exact scan is built.
    public init(library: [PlaylistTrack], constraints: PlaylistConstraints = PlaylistConstraints(), index: (any SimilarityIndex)? = nil) {
        self.library = library
        self.constraints = constraints
        position = Dictionary(library.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        if let index {
            self.index = index
        } else {
            var built = ExactSimilarityIndex(dimensions: library.first?.embedding.count ?? 0)
            for t in library { built.add(id: t.id, vector: t.embedding) }
            self.index = built
        }
    }

    // MARK: Modes

    /// Reorders the given tracks; every constraint is checked against them (none is dropped).
    public func order(_ tracks: [PlaylistTrack]) throws(PlaylistError) -> [PlaylistTrack] {
        for t in tracks {
            if let why = constraints.rejection(of: t) { throw PlaylistError("track \(t.id) (\(t.artist) – \(t.title)) is not allowed: \(why)") }
        }
        try checkCounts(tracks)
        if let window = constraints.durationWindow {
            let total = tracks.reduce(0) { $0 + $1.durationSeconds }
            if !window.contains(total) {
                throw PlaylistError(
                    "the \(tracks.count) tracks last \(PlaylistConstraints.clock(total)), outside the target duration "
                        + "\(PlaylistConstraints.clock(window.lowerBound))–\(PlaylistConstraints.clock(window.upperBound))")
            }
        }
        return try arrange(tracks, first: nil, last: nil, guide: nil)
    }

    /// `length` tracks around the seeds (the seeds first, the opening one pinned), nearest by
    /// embedding to any seed; with a target duration and no length, as many as fit it.
    public func radio(seeds: [PlaylistTrack], length: Int?) throws(PlaylistError) -> [PlaylistTrack] {
        guard !seeds.isEmpty else { throw PlaylistError("a radio playlist needs at least one seed track") }
        // The index answers for this library only: a track from another one has no neighbours here.
        if let stranger = seeds.first(where: { track($0.id) == nil }) {
            throw PlaylistError("seed \(stranger.id) (\(stranger.artist) – \(stranger.title)) is not an analysed track of this library")
        }
        for s in seeds {
            if let why = constraints.rejection(of: s) { throw PlaylistError("seed \(s.id) (\(s.artist) – \(s.title)) breaks a constraint: \(why)") }
        }
        let seedIDs = Set(seeds.map(\.id))
        let queries = seeds.map(\.embedding)
        let wanted = max(length ?? 0, 25)
        let chosen: [PlaylistTrack]
        do {
            // The nearest few hundred usually suffice; tight constraints fall back to the whole library.
            chosen = try select(
                pinned: seeds, candidates: try preferred(near: queries, excluding: seedIDs, wanted: wanted, complete: false), length: length,
                what: "radio")
        } catch {
            guard library.count > nearestCount(wanted) else { throw error }
            chosen = try select(
                pinned: seeds, candidates: try preferred(near: queries, excluding: seedIDs, wanted: wanted, complete: true), length: length,
                what: "radio")
        }
        return try arrange(chosen, first: 0, last: nil, guide: nil)
    }

    /// `length` tracks from `a` to `b`: each step the nearest allowed track to the next point on
    /// the straight line between them in normalised embedding space, then ordered with both ends
    /// pinned and the distance from the line as a position term.
    public func path(from a: PlaylistTrack, to b: PlaylistTrack, length: Int) throws(PlaylistError) -> [PlaylistTrack] {
        guard a.id != b.id else { throw PlaylistError("the path starts and ends at the same track (\(a.id)); pick two tracks") }
        guard length >= 2 else { throw PlaylistError("a path needs --length 2 or more (it holds both ends)") }
        for (end, t) in [("start", a), ("end", b)] where track(t.id) == nil {
            throw PlaylistError("the path's \(end) \(t.id) (\(t.artist) – \(t.title)) is not an analysed track of this library")
        }
        guard a.embedding.count == b.embedding.count, a.embedding.count == library.first?.embedding.count else {
            throw PlaylistError(
                "tracks \(a.id) and \(b.id) were analysed differently (\(a.embedding.count) and \(b.embedding.count) embedding "
                    + "dimensions); re-analyse them with the same version")
        }
        for (end, t) in [("start", a), ("end", b)] {
            if let why = constraints.rejection(of: t) {
                throw PlaylistError("the path's \(end) \(t.id) (\(t.artist) – \(t.title)) breaks a constraint: \(why)")
            }
        }
        let guide = Self.guideLine(from: a.embedding, to: b.embedding, count: length)
        // Step by step: the nearest track to each guide point that keeps every rule.
        var picked = [a]
        var used: Set<Int64> = [a.id, b.id]
        var pool: [PlaylistTrack] = []
        var counts = Counts(constraints: constraints, length: length)
        counts.add(a)
        counts.add(b)
        let spacing = constraints.artistSpacing
        for step in 1..<(length - 1) {
            var k = 16
            var choice: PlaylistTrack?
            while choice == nil {
                let near = try neighbours(of: guide[step], k: min(k, library.count), excluding: used)
                for n in near {
                    guard let t = track(n.id) else { continue }
                    if constraints.rejection(of: t) != nil || !counts.allows(t) { continue }
                    let recent = picked.suffix(spacing).map(PlaylistConstraints.artistKey)
                    let key = PlaylistConstraints.artistKey(t)
                    if spacing > 0 && (recent.contains(key) || (length - 1 - step <= spacing && key == PlaylistConstraints.artistKey(b))) { continue }
                    if choice == nil { choice = t } else if pool.count < 8 * length { pool.append(t) }
                }
                if near.count < k || k >= library.count { break }
                k *= 4
            }
            guard let t = choice else {
                throw PlaylistError(
                    "only \(picked.count + 1) tracks of the \(length) asked can make a path from \(a.id) to \(b.id) under these constraints; "
                        + "ask for --length \(picked.count + 1) or loosen them")
            }
            picked.append(t)
            used.insert(t.id)
            counts.add(t)
        }
        picked.append(b)
        picked = try fitDuration(picked, pinned: [0, picked.count - 1], pool: pool.filter { !used.contains($0.id) }, what: "path")
        return try arrange(picked, first: 0, last: picked.count - 1, guide: guide)
    }

    // MARK: Selection

    /// Tracks in order of preference: nearest by cosine distance to any of `queries`; the few
    /// hundred nearest, or with `complete` the whole library.
    func preferred(near queries: [[Float]], excluding: Set<Int64>, wanted: Int, complete: Bool) throws(PlaylistError) -> [PlaylistTrack] {
        let k = nearestCount(wanted)
        var best: [Int64: Double] = [:]
        for q in queries {
            for n in try neighbours(of: q, k: k, excluding: excluding) { best[n.id] = min(best[n.id] ?? .infinity, n.distance) }
        }
        if preferUnplayed {
            for (id, distance) in best { best[id] = distance + unplayedWeight * log2(1 + Double(playCounts[id] ?? 0)) }
        }
        var out = best.sorted { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }.compactMap { track($0.key) }
        if complete && k < library.count {
            // The rest of the library after the nearest, so tight constraints can still be met.
            let near = Set(out.map(\.id)).union(excluding)
            let rest = library.filter { !near.contains($0.id) }
                .map { t in
                    (
                        t,
                        (queries.map { TransitionCost.cosineDistance($0, t.embedding) }.min() ?? 1)
                            + (preferUnplayed ? unplayedWeight * log2(1 + Double(playCounts[t.id] ?? 0)) : 0)
                    )
                }
                .sorted { $0.1 < $1.1 }.map(\.0)
            out += rest
        }
        return out
    }

    func nearestCount(_ wanted: Int) -> Int { min(library.count, max(4 * wanted + 64, 256)) }

    /// The index's answer; a database that cannot answer is a playlist error saying so.
    func neighbours(of query: [Float], k: Int, excluding: Set<Int64>) throws(PlaylistError) -> [(id: Int64, distance: Double)] {
        do {
            return try index.nearest(to: query, k: k, excluding: excluding)
        } catch {
            throw PlaylistError("the similarity search failed: \(error)")
        }
    }

    /// The pinned tracks plus the most preferred candidates that keep every count rule, and the
    /// total duration in its window (by swapping in other candidates if needed).
    func select(pinned: [PlaylistTrack], candidates: [PlaylistTrack], length: Int?, what: String) throws(PlaylistError) -> [PlaylistTrack] {
        let allowedCandidates = candidates.filter { constraints.rejection(of: $0) == nil }
        guard let length else {
            guard let window = constraints.durationWindow else { throw PlaylistError("give a length or a target duration") }
            // As many tracks as the duration needs: start from the typical track length and widen.
            let typical =
                (allowedCandidates.prefix(200).map(\.durationSeconds).sorted().dropFirst(allowedCandidates.prefix(200).count / 2).first) ?? 240
            let guess = max(pinned.count, Int((constraints.targetDurationSeconds! / max(typical, 1)).rounded()))
            var firstError: PlaylistError?
            for delta in [0, 1, -1, 2, -2, 3, -3, 4, -4] where guess + delta >= max(1, pinned.count) {
                do {
                    let chosen = try select(pinned: pinned, candidates: candidates, length: guess + delta, what: what)
                    if window.contains(chosen.reduce(0) { $0 + $1.durationSeconds }) { return chosen }
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
            throw PlaylistError(
                "no \(what) playlist fits the target duration \(PlaylistConstraints.clock(window.lowerBound))–\(PlaylistConstraints.clock(window.upperBound))"
                    + " (about \(guess) tracks of typical length)" + (firstError.map { ": \($0.description)" } ?? ""))
        }
        guard length >= pinned.count else {
            throw PlaylistError("--length \(length) is shorter than the \(pinned.count) seed tracks")
        }
        var counts = Counts(constraints: constraints, length: length)
        try checkCounts(pinned)
        for t in pinned { counts.add(t) }
        var chosen = pinned
        var chosenIDs = Set(pinned.map(\.id))
        var pool: [PlaylistTrack] = []
        for t in allowedCandidates where !chosenIDs.contains(t.id) {
            if chosen.count < length {
                if counts.allows(t) {
                    chosen.append(t)
                    chosenIDs.insert(t.id)
                    counts.add(t)
                }
            } else if pool.count < 6 * length + 100 {
                pool.append(t)
            } else {
                break
            }
        }
        if chosen.count < length { throw shortfall(length: length, got: chosen.count, candidates: candidates, pinned: pinned, what: what) }
        return try fitDuration(chosen, pinned: Set(0..<pinned.count), pool: pool, what: what)
    }

    /// Swaps unpinned tracks for pool tracks until the total duration is in its window; the swap
    /// that moves the total furthest towards the window (keeping every count rule) each time.
    func fitDuration(_ tracks: [PlaylistTrack], pinned: Set<Int>, pool: [PlaylistTrack], what: String) throws(PlaylistError) -> [PlaylistTrack] {
        guard let window = constraints.durationWindow else { return tracks }
        var chosen = tracks
        var free = pool
        func gap(_ total: Double) -> Double { total < window.lowerBound ? window.lowerBound - total : max(0, total - window.upperBound) }
        var total = chosen.reduce(0) { $0 + $1.durationSeconds }
        for _ in 0..<(2 * chosen.count + 10) where gap(total) > 0 {
            var best: (out: Int, in: Int, gap: Double)?
            for i in chosen.indices where !pinned.contains(i) {
                for (j, c) in free.enumerated() {
                    let g = gap(total - chosen[i].durationSeconds + c.durationSeconds)
                    if g < (best?.gap ?? gap(total)) - 1e-9 {
                        var trial = chosen
                        trial[i] = c
                        if countsAllowed(trial) { best = (i, j, g) }
                    }
                }
            }
            guard let (i, j, _) = best else { break }
            let out = chosen[i]
            chosen[i] = free[j]
            free[j] = out
            total = chosen.reduce(0) { $0 + $1.durationSeconds }
        }
        if gap(total) > 0 {
            throw PlaylistError(
                "no \(chosen.count)-track \(what) playlist found within the target duration \(PlaylistConstraints.clock(window.lowerBound))–"
                    + "\(PlaylistConstraints.clock(window.upperBound)); the closest lasts \(PlaylistConstraints.clock(total)) "
                    + "(try --length \(max(1, Int((Double(chosen.count) * (constraints.targetDurationSeconds! / max(total, 1))).rounded()))) or a wider --duration-tolerance)"
            )
        }
        return chosen
    }

    /// Why the selection came out short: the per-track rules, the counts, or both.
    func shortfall(length: Int, got: Int, candidates: [PlaylistTrack], pinned: [PlaylistTrack], what: String) -> PlaylistError {
        let all = candidates + pinned
        var reasons: [String: Int] = [:]
        for t in all {
            if let why = constraints.rejection(of: t) {
                let rule = why.contains("excluded") ? "exclusions" : why.contains("tempo") ? "tempo range" : "maximum track length"
                reasons[rule, default: 0] += 1
            }
        }
        let passing = all.filter { constraints.rejection(of: $0) == nil }
        var perArtist: [String: Int] = [:]
        for t in passing { perArtist[PlaylistConstraints.artistKey(t), default: 0] += 1 }
        let most = PlaylistConstraints.mostTracks(
            available: Array(perArtist.values), perArtist: constraints.maxPerArtist, spacing: constraints.artistSpacing)
        var rules: [String] = []
        if constraints.artistSpacing > 0 { rules.append("no artist repeated within \(constraints.artistSpacing)") }
        if let m = constraints.maxPerArtist { rules.append("at most \(m) per artist") }
        if let m = constraints.maxPerAlbum { rules.append("at most \(m) per album") }
        var text = "cannot make a \(length)-track \(what) playlist: "
        if !reasons.isEmpty {
            text +=
                "\(passing.count) of the library's \(all.count) analysed tracks pass the track rules ("
                + reasons.sorted { $0.key < $1.key }.map { "\($0.key) rules out \($0.value)" }.joined(separator: ", ") + "); "
        }
        text += "at most \(min(got, most, passing.count)) tracks possible"
        if !rules.isEmpty { text += " with " + rules.joined(separator: " and ") }
        text += " from this library"
        return PlaylistError(text)
    }

    /// Whether the artist and album counts of `tracks` keep the caps and the spacing is possible.
    func countsAllowed(_ tracks: [PlaylistTrack]) -> Bool {
        (try? checkCounts(tracks)) != nil
    }

    func checkCounts(_ tracks: [PlaylistTrack]) throws(PlaylistError) {
        var artists: [String: (name: String, count: Int)] = [:]
        var albums: [String: (name: String, count: Int)] = [:]
        for t in tracks {
            artists[PlaylistConstraints.artistKey(t), default: (t.artist, 0)].count += 1
            if let key = PlaylistConstraints.albumKey(t) { albums[key, default: (t.album, 0)].count += 1 }
        }
        if let m = constraints.maxPerArtist, let over = artists.values.filter({ $0.count > m }).max(by: { $0.count < $1.count }) {
            throw PlaylistError("\(over.count) tracks by \(over.name), over the limit of \(m) per artist")
        }
        if let m = constraints.maxPerAlbum, let over = albums.values.filter({ $0.count > m }).max(by: { $0.count < $1.count }) {
            throw PlaylistError("\(over.count) tracks from the album \(over.name), over the limit of \(m) per album")
        }
        let spacing = constraints.artistSpacing
        if !PlaylistConstraints.spacingFeasible(artists.values.map(\.count), spacing: spacing) {
            let over = artists.values.max { $0.count < $1.count }!
            throw PlaylistError(
                "\(over.count) of these \(tracks.count) tracks are by \(over.name): no order keeps \(spacing) other tracks between two "
                    + "by one artist (at most \(max(0, PlaylistConstraints.largestSpacing(artists.values.map(\.count)))) possible)")
        }
    }

    // MARK: Ordering

    func arrange(_ tracks: [PlaylistTrack], first: Int?, last: Int?, guide: [[Float]]?) throws(PlaylistError) -> [PlaylistTrack] {
        let n = tracks.count
        let energies = tracks.map(\.energy)
        let range = Double(max((energies.max() ?? 0) - (energies.min() ?? 0), 0.05))
        var cost = tracks.map { a in tracks.map { b in a.id == b.id ? 0 : TransitionCost(from: a, to: b, weights: weights).total } }
        if arc == .steady {
            for i in 0..<n { for j in 0..<n where i != j { cost[i][j] += arcWeight * Double(abs(energies[i] - energies[j])) / range } }
        }
        var positionCost: [[Double]]?
        if let targets = arc.targets(energies) {
            positionCost = targets.map { target in energies.map { arcWeight * Double(abs($0 - target)) / range } }
        }
        if let guide {
            let units = tracks.map { Self.unit($0.embedding) }
            let distances = guide.map { g in units.map { guideWeight * Double(Self.distance($0, Self.unit(g))) } }
            positionCost = positionCost.map { zip($0, distances).map { zip($0, $1).map(+) } } ?? distances
        }
        var keys: [String: Int] = [:]
        var groups: [Int] = []
        for t in tracks {
            let key = PlaylistConstraints.artistKey(t)
            if keys[key] == nil { keys[key] = keys.count }
            groups.append(keys[key]!)
        }
        let problem = OrderingProblem(
            cost: cost, positionCost: positionCost, first: first, last: last, groups: groups, spacing: constraints.artistSpacing)
        return try orderer.order(problem).map { tracks[$0] }
    }

    // MARK: Helpers

    func track(_ id: Int64) -> PlaylistTrack? { position[id].map { library[$0] } }

    /// Points on the line from `a` to `b` (both normalised), one per playlist position.
    public static func guideLine(from a: [Float], to b: [Float], count: Int) -> [[Float]] {
        let ua = unit(a)
        let ub = unit(b)
        return (0..<count).map { step in
            let f = count > 1 ? Float(step) / Float(count - 1) : 0
            return zip(ua, ub).map { $0 + ($1 - $0) * f }
        }
    }

    public static func unit(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    /// Running artist and album counts during a selection of `length` tracks.
    struct Counts {
        let constraints: PlaylistConstraints
        let length: Int
        var artists: [String: Int] = [:]
        var albums: [String: Int] = [:]
        /// How many artists have each count (for the spacing bound).
        var histogram: [Int: Int] = [:]

        init(constraints: PlaylistConstraints, length: Int) {
            self.constraints = constraints
            self.length = length
        }

        func allows(_ t: PlaylistTrack) -> Bool {
            let a = (artists[PlaylistConstraints.artistKey(t)] ?? 0) + 1
            if let m = constraints.maxPerArtist, a > m { return false }
            if let m = constraints.maxPerAlbum, let key = PlaylistConstraints.albumKey(t), (albums[key] ?? 0) + 1 > m { return false }
            let k = constraints.artistSpacing
            guard k > 0 else { return true }
            // The largest count after adding, and how many artists have it.
            let top = max(a, histogram.keys.max() ?? 0)
            let atTop = (histogram[top] ?? 0) + (a == top ? 1 : 0) - (a - 1 == top ? 1 : 0)
            return (top - 1) * (k + 1) + atTop <= length
        }

        mutating func add(_ t: PlaylistTrack) {
            let key = PlaylistConstraints.artistKey(t)
            let a = artists[key] ?? 0
            artists[key] = a + 1
            if a > 0 {
                histogram[a]! -= 1
                if histogram[a] == 0 { histogram[a] = nil }
            }
            histogram[a + 1, default: 0] += 1
            if let album = PlaylistConstraints.albumKey(t) { albums[album, default: 0] += 1 }
        }
    }
}
