import Foundation
import SegueImport
import SegueModel
import SegueRecap
import SegueStore
import SegueTestSupport
import Testing

/// The recap on both stores, over a generated history: its numbers are those of the stats and top
/// queries (what `segue stats` and `segue top` print) for the same range.
@Suite struct RecapStoreTests {
    func demoStore(_ backend: StoreBackend) throws -> (any PlayStore, Profile) {
        let store = try backend.make()
        let dir = try Fixtures.folder()
        let zip = dir.appendingPathComponent("demo.zip").path
        try DemoExport(
            seed: 20, records: 8_000, firstDay: CalendarDay(year: 2022, month: 6, day: 1), lastDay: CalendarDay(year: 2025, month: 3, day: 31),
            recordsPerFile: 4_000
        ).writeZip(to: zip)
        let profile = try store.profile(named: "default")
        _ = try HistoryImporter().run(paths: [zip], store: store, profile: profile)
        return (store, profile)
    }

    @Test(arguments: StoreBackend.allCases)
    func numbersEqualStatsAndTopForTheSameRange(backend: StoreBackend) throws {
        let (store, profile) = try demoStore(backend)
        for (period, metric) in [
            (try RecapPeriod.parse(year: "2024", from: nil, to: nil), Metric.streams),
            (try RecapPeriod.parse(year: nil, from: "2023-11-15", to: "2024-02-10", timeZone: "America/New_York"), .minutes),
        ] {
            let recap = try store.recap(period, metric: metric, profile: profile)
            let stats = try store.stats(range: period.range, timeZone: period.timeZone, profile: profile)
            #expect(stats.musicPlays > 100, "the generated history has plays in \(period.from)...\(period.to)")
            #expect(recap.totals == RecapTotals(stats))
            #expect(recap.shape.millisecondsByHour == stats.millisecondsByHour)
            #expect(recap.shape.streamsByWeekday == stats.streamsByWeekday)
            #expect(recap.shape.months.reduce(0) { $0 + $1.milliseconds } == stats.milliseconds)
            #expect(recap.shape.months.reduce(0) { $0 + $1.streams } == stats.streams)
            let earlier = try store.stats(range: period.previous.range, timeZone: period.timeZone, profile: profile)
            #expect(recap.previous.totals == RecapTotals(earlier))
            for (kind, list) in [(EntityKind.artists, recap.topArtists), (.tracks, recap.topTracks), (.albums, recap.topAlbums)] {
                let top = try store.top(ChartQuery(kind: kind, metric: metric, range: period.range, limit: 5), profile: profile)
                #expect(list.count == 5)
                #expect(list.map(\.name) == top.map(\.name))
                #expect(list.map(\.streams) == top.map(\.streams))
                #expect(list.map(\.milliseconds) == top.map(\.milliseconds))
            }
            // The race chapter is `segue race` fitted to the period.
            let race = try store.race(
                RaceQuery(kind: .artists, metric: metric, from: period.from, to: period.to, period: Recap.racePeriod(days: period.dayCount), top: 10),
                timeZone: period.timeZone, profile: profile)
            #expect(recap.race == race)
            #expect(recap.race.periods.count == (period.dayCount > 92 ? 12 : 13))
            #expect(recap.race.entities.count >= 10)
            // Discoveries: artists in the range's top 50 that no play before the range names.
            let before = try store.top(
                ChartQuery(kind: .artists, metric: .minutes, range: TimeRange(start: .min, end: period.range.start), limit: 100_000), profile: profile
            )
            let during = try store.top(ChartQuery(kind: .artists, metric: .streams, range: period.range, limit: 100_000), profile: profile)
            let new = during.filter { $0.streams > 0 && !before.map(\.name).contains($0.name) }
            #expect(recap.discoveries.count == new.count)
            #expect(recap.discoveries.top.map(\.name).first == new.sorted { ($0.value(metric), $1.name) > ($1.value(metric), $0.name) }.first?.name)
        }
    }
}
