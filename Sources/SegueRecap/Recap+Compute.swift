import Foundation
import SegueModel
import SegueStore

extension Recap {
    /// The recap of `period` from a profile's music columns.
    ///
    /// Totals, the clock and the weekdays are `columns.stats` (what `segue stats` prints), the top
    /// lists `columns.top` (what `segue top` prints); the rest comes from one pass over the
    /// period's plays plus one over the plays before it (for discoveries). Loyalty counts streams:
    /// a skip is not a week, a day of a streak or a discovery.
    ///
    /// - Parameters:
    ///   - columns: The plays that count (`MusicColumns.restricted(to:)` for a source filter).
    ///   - period: The days covered, and the zone they are counted in.
    ///   - metric: What the top lists, the biggest discovery and the busiest day rank by.
    public init(columns: MusicColumns, period: RecapPeriod, metric: Metric = .streams) {
        let range = period.range
        let zone = period.timeZone
        let stats = columns.stats(range: range, timeZone: zone)
        let totals = RecapTotals(stats)
        let earlier = period.previous
        let earlierTotals = RecapTotals(columns.stats(range: earlier.range, timeZone: zone))
        let total = metric == .streams ? Double(totals.streams) : Double(totals.milliseconds)
        func top(_ kind: EntityKind) -> [RecapEntry] {
            columns.top(ChartQuery(kind: kind, metric: metric, range: range, limit: Recap.topCount))
                .map { RecapEntry($0, metric: metric, total: total) }
        }
        var walk = RecapWalk(columns: columns, period: period, metric: metric)
        walk.run()
        var shape = RecapShape()
        shape.millisecondsByHour = stats.millisecondsByHour
        shape.streamsByHour = stats.streamsByHour
        shape.millisecondsByWeekday = stats.millisecondsByWeekday
        shape.streamsByWeekday = stats.streamsByWeekday
        shape.months = walk.months()
        shape.busiestDay = walk.busiestDay()
        var loyalty = RecapLoyalty()
        loyalty.mostWeeks = walk.mostWeeks()
        loyalty.longestStreak = walk.longestStreak()
        loyalty.longestSession = walk.longestSession
        self.init(
            from: period.from, to: period.to, timeZone: zone.identifier, metric: metric, totals: totals,
            previous: RecapComparison(from: earlier.from, to: earlier.to, earlier: earlierTotals, current: totals),
            topArtists: top(.artists), topTracks: top(.tracks), topAlbums: top(.albums),
            discoveries: walk.discoveries(total: total), loyalty: loyalty, shape: shape,
            race: columns.race(
                RaceQuery(kind: .artists, metric: metric, from: period.from, to: period.to, period: Recap.racePeriod(days: period.dayCount), top: 10),
                timeZone: zone))
    }
}

extension PlayStore {
    /// The recap of `period` for `profile`, counting the plays of `sources`.
    public func recap(_ period: RecapPeriod, metric: Metric = .streams, sources: SourceSet = .all, profile: Profile) throws -> Recap {
        Recap(columns: try musicColumns(profile: profile).restricted(to: sources), period: period, metric: metric)
    }
}

/// One pass over a period's plays: per day, per artist and per session.
struct RecapWalk {
    let columns: MusicColumns
    let period: RecapPeriod
    let metric: Metric
    let firstDay: Int64
    /// Days since 1970 of the Monday of the first week the period touches.
    let firstMonday: Int64
    let weekCount: Int

    var dayMilliseconds: [Int64]
    var dayStreams: [Int32]
    var artistMilliseconds: [Int64]
    var artistStreams: [Int32]
    var artistWeeks: [Int32]
    var lastWeek: [Int32]
    var seenBefore: [Bool]
    var touched: [Int32] = []
    var longestSession: RecapSession?

    init(columns: MusicColumns, period: RecapPeriod, metric: Metric) {
        self.columns = columns
        self.period = period
        self.metric = metric
        firstDay = period.from.daysSinceEpoch
        firstMonday = firstDay - Int64(period.from.weekdayFromMonday)
        weekCount = Int((period.to.daysSinceEpoch - firstMonday) / 7) + 1
        dayMilliseconds = [Int64](repeating: 0, count: period.dayCount)
        dayStreams = [Int32](repeating: 0, count: period.dayCount)
        let artists = columns.artistNames.count
        artistMilliseconds = [Int64](repeating: 0, count: artists)
        artistStreams = [Int32](repeating: 0, count: artists)
        artistWeeks = [Int32](repeating: 0, count: artists)
        lastWeek = [Int32](repeating: -1, count: artists)
        seenBefore = [Bool](repeating: false, count: artists)
    }

    /// The artist of play `i`, or nil for a play whose track is out of the columns' tables.
    @inline(__always)
    func artist(ofPlay i: Int) -> Int? {
        let t = Int(columns.trackOfPlay[i])
        guard t >= 0, t < columns.trackArtist.count else { return nil }
        let a = Int(columns.trackArtist[t])
        return a >= 0 && a < seenBefore.count ? a : nil
    }

    mutating func run() {
        let plays = columns.indices(in: period.range)
        for i in 0..<plays.lowerBound {
            if let a = artist(ofPlay: i) { seenBefore[a] = true }
        }
        var offsets = ZoneOffsets(period.timeZone)
        let lastDayIndex = dayMilliseconds.count - 1
        var isTouched = [Bool](repeating: false, count: seenBefore.count)
        // The session being followed.
        var start: Int64 = 0
        var end: Int64 = 0
        var count = 0
        var held: Int64 = 0
        func close() {
            guard count > 0 else { return }
            if let best = longestSession, best.end - best.start >= end - start { return }
            longestSession = RecapSession(
                start: start, end: end, day: CalendarDay(time: start, timeZone: period.timeZone), plays: count,
                milliseconds: held, durationMinutes: Double(end - start) / 60)
        }
        for i in plays {
            let t = columns.endTimes[i]
            let (ms, isStream) = columns.contribution(ofPlay: i)
            let playStart = t - ms / 1000
            if count > 0 && playStart - end < Recap.sessionGap {
                start = min(start, playStart)
                end = max(end, t)
                count += 1
                held += ms
            } else {
                close()
                (start, end, count, held) = (playStart, t, 1, ms)
            }
            let local = t + offsets.offset(at: t)
            let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
            let d = min(max(0, Int(day - firstDay)), lastDayIndex)
            dayMilliseconds[d] += ms
            guard let a = artist(ofPlay: i) else {
                if isStream { dayStreams[d] += 1 }
                continue
            }
            if !isTouched[a] {
                isTouched[a] = true
                touched.append(Int32(a))
            }
            artistMilliseconds[a] += ms
            guard isStream else { continue }
            dayStreams[d] += 1
            artistStreams[a] += 1
            let week = Int32(min(max(0, (day - firstMonday) / 7), Int64(weekCount - 1)))
            if week > lastWeek[a] {
                lastWeek[a] = week
                artistWeeks[a] += 1
            }
        }
        close()
    }

    func value(ofArtist a: Int) -> Double {
        metric == .streams ? Double(artistStreams[a]) : Double(artistMilliseconds[a])
    }

    /// Higher value first, then by name (as charts order ties).
    func artistPrecedes(_ a: Int, _ b: Int) -> Bool {
        let (va, vb) = (value(ofArtist: a), value(ofArtist: b))
        if va != vb { return va > vb }
        let (na, nb) = (columns.artistNames[a], columns.artistNames[b])
        return na != nb ? na < nb : a < b
    }

    func discoveries(total: Double) -> RecapDiscoveries {
        var result = RecapDiscoveries()
        var found = touched.map(Int.init).filter { !seenBefore[$0] && artistStreams[$0] > 0 }
        result.count = found.count
        guard !found.isEmpty else { return result }
        result.share = total > 0 ? found.reduce(0) { $0 + value(ofArtist: $1) } / total : 0
        found.sort(by: artistPrecedes)
        result.top = found.prefix(Recap.topCount).enumerated().map { offset, a in
            RecapEntry(
                ChartEntry(rank: offset + 1, name: columns.artistNames[a], streams: Int(artistStreams[a]), milliseconds: artistMilliseconds[a]),
                metric: metric, total: total)
        }
        result.biggest = result.top.first
        return result
    }

    func mostWeeks() -> RecapWeeks? {
        var best: Int?
        for a in touched.map(Int.init) where artistWeeks[a] > 0 {
            guard let b = best else {
                best = a
                continue
            }
            if artistWeeks[a] != artistWeeks[b] {
                if artistWeeks[a] > artistWeeks[b] { best = a }
            } else if artistPrecedes(a, b) {
                best = a
            }
        }
        return best.map {
            RecapWeeks(artist: columns.artistNames[$0], weeks: Int(artistWeeks[$0]), ofWeeks: weekCount, streams: Int(artistStreams[$0]))
        }
    }

    func longestStreak() -> RecapStreak? {
        var best: (start: Int, length: Int)?
        var runStart = 0
        var run = 0
        for d in dayStreams.indices {
            if dayStreams[d] > 0 {
                if run == 0 { runStart = d }
                run += 1
                if run > (best?.length ?? 0) { best = (runStart, run) }
            } else {
                run = 0
            }
        }
        return best.map {
            RecapStreak(
                days: $0.length, from: CalendarDay(daysSinceEpoch: firstDay + Int64($0.start)),
                to: CalendarDay(daysSinceEpoch: firstDay + Int64($0.start + $0.length - 1)))
        }
    }

    func busiestDay() -> RecapDay? {
        var best: Int?
        for d in dayMilliseconds.indices {
            let v = metric == .streams ? Int64(dayStreams[d]) : dayMilliseconds[d]
            guard v > 0 else { continue }
            if let b = best, v <= (metric == .streams ? Int64(dayStreams[b]) : dayMilliseconds[b]) { continue }
            best = d
        }
        return best.map {
            RecapDay(
                day: CalendarDay(daysSinceEpoch: firstDay + Int64($0)), milliseconds: dayMilliseconds[$0],
                minutes: Double(dayMilliseconds[$0]) / 60_000, streams: Int(dayStreams[$0]))
        }
    }

    func months() -> [RecapMonth] {
        var result: [RecapMonth] = []
        for d in dayMilliseconds.indices {
            let day = CalendarDay(daysSinceEpoch: firstDay + Int64(d))
            if result.last.map({ $0.year != day.year || $0.month != day.month }) ?? true {
                result.append(RecapMonth(year: day.year, month: day.month, milliseconds: 0, minutes: 0, streams: 0))
            }
            result[result.count - 1].milliseconds += dayMilliseconds[d]
            result[result.count - 1].streams += Int(dayStreams[d])
        }
        for m in result.indices { result[m].minutes = Double(result[m].milliseconds) / 60_000 }
        return result
    }
}
