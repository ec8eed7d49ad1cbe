import Foundation
import SegueModel

/// Listening from a made-up crowd: users pick tracks with Zipf-like popularity, at a steady rate
/// with slow swells. For the demo dashboard and for load tests; seeded, so runs repeat.
public struct LiveSimulator: Sendable {
    public var users: Int
    public var catalog: [(track: String, artist: String)]
    /// Mean events per second.
    public var rate: Double
    /// Now and then a rush or a lull (see `Mood`), so a demo dashboard shows its alerts.
    public var surprises: Bool
    private var random: SplitMix64

    /// What the crowd does in one minute of the clock.
    public enum Mood: Sendable, Equatable {
        case usual
        /// Two and a half times the usual rate, half of the extra on the track of this catalogue index.
        case rush(track: Int)
        /// A quarter of the usual rate.
        case lull
    }

    /// Minutes between one rush and the next (a lull comes half-way between them).
    public static let surpriseCycleMinutes: Int64 = 8

    /// The mood of the minute holding `milliseconds`: in every 8 minutes of the clock, the fourth is a rush
    /// (on one of the five most played tracks, a different one each time) and the eighth a lull.
    public func mood(at milliseconds: Int64) -> Mood {
        guard surprises else { return .usual }
        let minute = milliseconds / 60_000
        switch minute % Self.surpriseCycleMinutes {
        case 3: return .rush(track: Int(minute / Self.surpriseCycleMinutes % Int64(min(5, catalog.count))))
        case 7: return .lull
        default: return .usual
        }
    }

    public static let demoCatalog: [(track: String, artist: String)] = [
        ("Jóga", "Björk"), ("Hoppípolla", "Sigur Rós"), ("夜に駆ける", "YOASOBI"), ("Midnight City", "M83"),
        ("Teardrop", "Massive Attack"), ("Dynamite", "BTS"), ("Les Étoiles", "Café Ñandú"), ("Гори", "Ария Ветра"),
        ("Nightcall", "Kavinsky"), ("Paper Rain", "Sigrún & the Northern Lights"), ("블루 아워", "Blue Hour"),
        ("Breathe", "Télépopmusik"), ("Svefn-g-englar", "Sigur Rós"), ("Hyperballad", "Björk"), ("Ωμέγα", "Νύχτα"),
    ]

    public init(
        users: Int = 400, catalog: [(track: String, artist: String)] = LiveSimulator.demoCatalog, rate: Double = 40,
        seed: UInt64 = 1, surprises: Bool = false
    ) {
        self.users = max(1, users)
        self.catalog = catalog
        self.rate = rate
        self.surprises = surprises
        self.random = SplitMix64(seed: seed)
    }

    private mutating func next() -> UInt64 { random.next() }

    private mutating func unit() -> Double { random.unit() }

    /// The events of the `seconds` seconds ending at `endMilliseconds` (in the mood of that moment: call with
    /// short stretches, a second or less, for the rushes and lulls to fall in their minutes).
    public mutating func events(endingAt endMilliseconds: Int64, seconds: Double) -> [LiveEvent] {
        // A slow swell (period seven minutes, a fifth above and below) so the trend lines move. Not more:
        // real traffic does not swing by a third within minutes, and such a spread would hide the lulls.
        let phase = Double(endMilliseconds / 1000 % 420) / 420 * 2 * Double.pi
        let mood = mood(at: endMilliseconds)
        let factor: Double
        switch mood {
        case .usual: factor = 1
        case .rush: factor = 2.5
        case .lull: factor = 0.25
        }
        let expected = rate * seconds * (1 + 0.2 * sin(phase)) * factor
        let count = Int(expected) + (unit() < expected - expected.rounded(.down) ? 1 : 0)
        return (0..<count).map { _ in
            // Zipf-like: index ~ n^u, so the first tracks are played most.
            let n = Double(catalog.count)
            var index = min(catalog.count - 1, Int(pow(n + 1, unit())) - 1)
            // In a rush, 60 % of the plays (most of the extra) go to the rushing track.
            if case .rush(let track) = mood, unit() < 0.6 { index = track }
            let pick = catalog[max(0, index)]
            let user = Int(next() % UInt64(users))
            let offset = Int64(unit() * seconds * 1000)
            return LiveEvent(user: "listener\(user)", track: pick.track, artist: pick.artist, timeMilliseconds: endMilliseconds - offset)
        }
    }
}
