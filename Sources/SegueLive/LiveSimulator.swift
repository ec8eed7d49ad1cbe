import Foundation
import SegueModel

/// Listening from a made-up crowd: users pick tracks with Zipf-like popularity, at a steady rate
/// with slow swells. For the demo dashboard and for load tests; seeded, so runs repeat.
public struct LiveSimulator: Sendable {
    public var users: Int
    public var catalog: [(track: String, artist: String)]
    /// Mean events per second.
    public var rate: Double
    private var random: SplitMix64

    public static let demoCatalog: [(track: String, artist: String)] = [
        ("Jóga", "Björk"), ("Hoppípolla", "Sigur Rós"), ("夜に駆ける", "YOASOBI"), ("Midnight City", "M83"),
        ("Teardrop", "Massive Attack"), ("Dynamite", "BTS"), ("Les Étoiles", "Café Ñandú"), ("Гори", "Ария Ветра"),
        ("Nightcall", "Kavinsky"), ("Paper Rain", "Sigrún & the Northern Lights"), ("블루 아워", "Blue Hour"),
        ("Breathe", "Télépopmusik"), ("Svefn-g-englar", "Sigur Rós"), ("Hyperballad", "Björk"), ("Ωμέγα", "Νύχτα"),
    ]

    public init(users: Int = 400, catalog: [(track: String, artist: String)] = LiveSimulator.demoCatalog, rate: Double = 40, seed: UInt64 = 1) {
        self.users = max(1, users)
        self.catalog = catalog
        self.rate = rate
        self.random = SplitMix64(seed: seed)
    }

    private mutating func next() -> UInt64 { random.next() }

    private mutating func unit() -> Double { random.unit() }

    /// The events of the `seconds` seconds ending at `endMilliseconds`.
    public mutating func events(endingAt endMilliseconds: Int64, seconds: Double) -> [LiveEvent] {
        // A slow swell (period about seven minutes) so the trend lines move.
        let phase = Double(endMilliseconds / 1000 % 420) / 420 * 2 * Double.pi
        let expected = rate * seconds * (1 + 0.35 * sin(phase))
        let count = Int(expected) + (unit() < expected - expected.rounded(.down) ? 1 : 0)
        return (0..<count).map { _ in
            // Zipf-like: index ~ n^u, so the first tracks are played most.
            let n = Double(catalog.count)
            let index = min(catalog.count - 1, Int(pow(n + 1, unit())) - 1)
            let pick = catalog[max(0, index)]
            let user = Int(next() % UInt64(users))
            let offset = Int64(unit() * seconds * 1000)
            return LiveEvent(user: "listener\(user)", track: pick.track, artist: pick.artist, timeMilliseconds: endMilliseconds - offset)
        }
    }
}
