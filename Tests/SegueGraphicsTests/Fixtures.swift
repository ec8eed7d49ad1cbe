import SegueCharts
import SegueModel

/// Small, realistic inputs shared by the graphics tests.
enum Fixtures {
    static let artistNames = [
        "Taylor Swift", "宇多田ヒカル", "Beyoncé", "Daft Punk", "Rock & Roll <Heroes> \"Live\"",
        "The Extraordinarily Long-Named Orchestra of Saint Petersburg and Friends", "Sigur Rós", "BTS (방탄소년단)",
        "Radiohead", "Kendrick Lamar", "Björk", "Fleetwood Mac",
    ]

    static func topEntries(_ n: Int = 10) -> [ChartEntry] {
        (0..<n).map { i in
            ChartEntry(
                rank: i + 1, name: artistNames[i % artistNames.count], streams: 4_812 - i * i * 41 - i * 97,
                milliseconds: Int64(200_000_000 - i * 9_000_000))
        }
    }

    /// Twelve months of cumulative streams for twelve artists with a few overtakes.
    static func race(periods: Int = 12) -> RaceData {
        let months = (0..<periods).map { CalendarDay(year: 2023 + $0 / 12, month: $0 % 12 + 1, day: 1) }
        var values: [[Double]] = []
        for (e, _) in artistNames.enumerated() {
            var total = 0.0
            var row: [Double] = []
            for p in 0..<periods {
                // Each artist peaks at a different month so ranks change.
                let peak = Double((e * 5) % periods)
                let d = Double(p) - peak
                total += 40 + Double(e % 4) * 12 + 260 * (1 / (1 + d * d / 3))
                row.append(total.rounded())
            }
            values.append(row)
        }
        return RaceData(
            kind: .artists, metric: .streams, period: .month, periods: months,
            entities: artistNames.map { RaceEntity(name: $0) }, values: values)
    }
}
