import Foundation
import SegueModel

/// Listening traffic of a streaming platform, for `segue simulate`: tracks with Zipf popularity,
/// listeners who come back within a session, Poisson arrivals at a set rate, and optional spikes
/// or drops injected at set times. Seeded, so the same options give the same traffic.
public struct TrafficModel: Sendable {
    /// A change in the rate of one track (or of everything) for a stretch of the run.
    public struct Spike: Sendable, Equatable, CustomStringConvertible {
        public enum Target: Sendable, Equatable {
            /// Every track.
            case total
            /// The track of this popularity rank (1 is the most played).
            case rank(Int)
            /// The track with this title.
            case named(String)
        }
        public var target: Target
        /// Seconds from the start of the run.
        public var start: Double
        public var end: Double
        /// The rate multiplier: above 1 a spike, below 1 a drop.
        public var factor: Double

        public init(target: Target, start: Double, end: Double, factor: Double) {
            self.target = target
            self.start = start
            self.end = end
            self.factor = factor
        }

        /// Parses `TRACK@T×F`: TRACK is a rank (`1`), a title or `total`; T is when it starts
        /// (`90`, `90s`, `2m`), optionally with a length (`2m+30s`, default 60 s); F the factor
        /// (`×5`, `x5` or `*5`; `x0.2` is a drop).
        public init(parsing text: String) throws(TrafficModel.Invalid) {
            let bad = TrafficModel.Invalid(
                message: "--spike '\(text)' is not TRACK@T×F (for example 1@60s×5, total@2m+30s×0.2 or 'Jóga@90×3')")
            guard let at = text.lastIndex(of: "@") else { throw bad }
            let name = String(text[..<at]).trimmingCharacters(in: .whitespaces)
            let rest = text[text.index(after: at)...]
            guard let times = rest.firstIndex(where: { $0 == "×" || $0 == "x" || $0 == "X" || $0 == "*" }) else { throw bad }
            guard let factor = Double(rest[rest.index(after: times)...].trimmingCharacters(in: .whitespaces)), factor >= 0, factor.isFinite
            else { throw bad }
            let when = rest[..<times].split(separator: "+", maxSplits: 1).map { String($0) }
            guard let startText = when.first, let start = Self.seconds(startText) else { throw bad }
            var length = 60.0
            if when.count == 2 {
                guard let l = Self.seconds(when[1]), l > 0 else { throw bad }
                length = l
            }
            guard !name.isEmpty else { throw bad }
            if name.lowercased() == "total" {
                target = .total
            } else if let rank = Int(name) {
                guard rank >= 1 else { throw bad }
                target = .rank(rank)
            } else {
                target = .named(name)
            }
            self.start = start
            self.end = start + length
            self.factor = factor
        }

        /// `90`, `90s`, `2m`, `1h` as seconds; nil for anything else.
        public static func seconds(_ text: String) -> Double? {
            let t = text.trimmingCharacters(in: .whitespaces).lowercased()
            let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
            for (suffix, scale) in units where t.hasSuffix(suffix) {
                if let v = Double(t.dropLast(suffix.count)), v >= 0, v.isFinite { return v * scale }
            }
            if let v = Double(t), v >= 0, v.isFinite { return v }
            return nil
        }

        public var description: String {
            let what: String
            switch target {
            case .total: what = "total"
            case .rank(let r): what = "#\(r)"
            case .named(let n): what = n
            }
            return "\(what) ×\(factor) from \(start) s to \(end) s"
        }
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let users: Int
    /// Tracks by popularity rank (index 0 is rank 1).
    public let catalog: [(track: String, artist: String)]
    /// Mean events per second before spikes.
    public let rate: Double
    public let zipf: Double
    public let spikes: [Spike]

    private let weights: [Double]
    private var random: SplitMix64
    /// Listeners in a session: most events come from them, so a listener plays several tracks in a row.
    private var sessions: [Int]
    private var sessionNext = 0

    /// - Parameters:
    ///   - users: distinct listeners.
    ///   - tracks: catalog size; the first tracks take the demo catalog's names.
    ///   - rate: mean events per second.
    ///   - zipf: the popularity exponent (track of rank k is played in proportion to 1/k^s).
    public init(users: Int, tracks: Int, rate: Double, zipf: Double = 1, spikes: [Spike] = [], seed: UInt64 = 1) throws(Invalid) {
        guard users >= 1 else { throw Invalid(message: "--users must be at least 1") }
        guard tracks >= 1 else { throw Invalid(message: "--tracks must be at least 1") }
        guard rate > 0, rate.isFinite else { throw Invalid(message: "--rate must be a positive number of events per second") }
        guard zipf >= 0, zipf.isFinite else { throw Invalid(message: "--zipf must be 0 or more") }
        var catalog: [(track: String, artist: String)] = Array(LiveSimulator.demoCatalog.prefix(tracks))
        while catalog.count < tracks {
            let n = catalog.count + 1
            catalog.append(("Song \(n)", "Artist \((n - 1) / 8 + 1)"))
        }
        for spike in spikes {
            switch spike.target {
            case .rank(let r) where r > tracks:
                throw Invalid(message: "--spike \(spike): there are only \(tracks) tracks")
            case .named(let name) where !catalog.contains(where: { $0.track == name }):
                throw Invalid(message: "--spike \(spike): no track is called '\(name)' (use a rank: 1 is the most played)")
            default: break
            }
        }
        self.users = users
        self.catalog = catalog
        self.rate = rate
        self.zipf = zipf
        self.spikes = spikes
        weights = (1...tracks).map { 1 / pow(Double($0), zipf) }
        var random = SplitMix64(seed: seed)
        sessions = (0..<max(1, min(users, users / 10 + 1))).map { _ in Int(random.next() % UInt64(users)) }
        self.random = random
    }

    private func rank(of target: Spike.Target) -> Int? {
        switch target {
        case .total: nil
        case .rank(let r): r - 1
        case .named(let name): catalog.firstIndex { $0.track == name }
        }
    }

    /// The events of `seconds` seconds starting at `startMilliseconds`, `elapsed` seconds into the run.
    public mutating func events(startingAt startMilliseconds: Int64, seconds: Double, elapsed: Double) -> [LiveEvent] {
        var w = weights
        var overall = 1.0
        let middle = elapsed + seconds / 2
        for spike in spikes where spike.start <= middle && middle < spike.end {
            if let r = rank(of: spike.target) { w[r] *= spike.factor } else { overall *= spike.factor }
        }
        // A track spike adds (or removes) that track's streams; the others keep their rate.
        let baseTotal = weights.reduce(0, +)
        let total = w.reduce(0, +)
        let expected = rate * seconds * overall * total / baseTotal
        let count = poisson(expected)
        guard count > 0, total > 0 else { return [] }
        var cumulative = w
        for i in 1..<cumulative.count { cumulative[i] += cumulative[i - 1] }
        var events: [LiveEvent] = []
        events.reserveCapacity(count)
        for _ in 0..<count {
            let u = random.unit() * total
            var lo = 0
            var hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            let pick = catalog[lo]
            let offset = Int64(random.unit() * seconds * 1000)
            events.append(LiveEvent(user: "user\(nextUser())", track: pick.track, artist: pick.artist, timeMilliseconds: startMilliseconds + offset))
        }
        return events
    }

    /// Seven events in ten come from a listener in a session (a tenth of all listeners are in one at
    /// a time); the rest come from anyone, who then takes over the oldest session.
    private mutating func nextUser() -> Int {
        let slot = Int(random.next() % UInt64(sessions.count))
        if random.unit() < 0.7 { return sessions[slot] }
        let user = Int(random.next() % UInt64(users))
        sessions[sessionNext] = user
        sessionNext = (sessionNext + 1) % sessions.count
        return user
    }

    /// A Poisson count: Knuth's method for small means, a normal approximation for large ones.
    private mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean < 30 {
            let limit = exp(-mean)
            var k = 0
            var p = random.unit()
            while p > limit {
                k += 1
                p *= random.unit()
            }
            return k
        }
        // Box–Muller.
        let u1 = max(random.unit(), 1e-12)
        let u2 = random.unit()
        let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return max(0, Int((mean + z * mean.squareRoot()).rounded()))
    }
}
