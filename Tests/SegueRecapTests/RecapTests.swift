import Foundation
import SegueModel
import SegueRecap
import SegueStore
import Testing

/// Small histories built play by play, whose recaps are worked out by hand in each test.
struct History {
    var columns = MusicColumns()
    private var tracks: [String: Int32] = [:]
    private var artists: [String: Int32] = [:]
    private var albums: [String: Int32] = [:]
    private var plays: [(end: Int64, ms: Int32, track: Int32)] = []

    /// Seconds since 1970 of `day` (`YYYY-MM-DD`) at `time` (`HH:MM`, UTC).
    static func time(_ day: String, _ time: String = "12:00") -> Int64 {
        let d = CalendarDay(day)!
        let parts = time.split(separator: ":").map { Int64($0)! }
        return d.daysSinceEpoch * 86_400 + parts[0] * 3600 + parts[1] * 60
    }

    /// A play of `title` by `artist` ending at `end`, `ms` long (-1: unknown, a scrobble).
    mutating func play(_ artist: String, _ title: String = "Song", album: String? = "Album", end: Int64, ms: Int32 = 180_000) {
        let a: Int32
        if let known = artists[artist] {
            a = known
        } else {
            a = Int32(columns.artistNames.count)
            artists[artist] = a
            columns.artistNames.append(artist)
        }
        var al: Int32 = -1
        if let album {
            if let known = albums[artist + "\u{1}" + album] {
                al = known
            } else {
                al = Int32(columns.albumNames.count)
                albums[artist + "\u{1}" + album] = al
                columns.albumNames.append(album)
                columns.albumArtistNames.append(artist)
            }
        }
        let key = artist + "\u{1}" + title
        let t: Int32
        if let known = tracks[key] {
            t = known
        } else {
            t = Int32(columns.trackNames.count)
            tracks[key] = t
            columns.trackNames.append(title)
            columns.trackURIs.append("spotify:track:\(columns.trackNames.count)")
            columns.trackArtist.append(a)
            columns.trackAlbum.append(al)
        }
        plays.append((end, ms, t))
    }

    /// The columns, plays sorted by end time as stores keep them.
    func built() -> MusicColumns {
        var c = columns
        let sorted = plays.sorted { $0.end < $1.end }
        c.endTimes = sorted.map(\.end)
        c.milliseconds = sorted.map(\.ms)
        c.trackOfPlay = sorted.map(\.track)
        c.sources = [UInt8](repeating: PlaySource.spotify.rawValue, count: sorted.count)
        c.trackLengths = MusicColumns.lengths(trackCount: c.trackNames.count, trackOfPlay: c.trackOfPlay, milliseconds: c.milliseconds)
        return c
    }
}

@Suite struct RecapPeriodTests {
    @Test func aYearIsComparedWithTheYearBefore() throws {
        let p = try RecapPeriod.parse(year: "2024", from: nil, to: nil)
        #expect(p.from.description == "2024-01-01" && p.to.description == "2024-12-31")
        #expect(p.dayCount == 366)
        #expect(p.previous.from.description == "2023-01-01" && p.previous.to.description == "2023-12-31")
        let r = try RecapPeriod.parse(year: nil, from: "2024-03-01", to: "2024-03-10")
        #expect(r.previous.from.description == "2024-02-20" && r.previous.to.description == "2024-02-29")
    }

    @Test func hostileAndCarelessInputIsOneSentenceNamingTheParameter() {
        func message(_ year: String?, _ from: String?, _ to: String?, tz: String? = nil) -> String? {
            do {
                _ = try RecapPeriod.parse(year: year, from: from, to: to, timeZone: tz)
                return nil
            } catch {
                return error.description
            }
        }
        // Sentences a person would write: the field in words, its parameter in brackets, a full stop.
        #expect(message("99999", nil, nil)?.hasPrefix("The year '99999'") == true)
        #expect(message("-1", nil, nil)?.hasPrefix("The year") == true)
        #expect(message("１２３４", nil, nil)?.hasPrefix("The year") == true)  // full-width digits
        #expect(message("2024", "2024-01-01", nil) == "Give either a year or a start and an end date (from and to), not both.")
        #expect(message(nil, nil, nil)?.hasPrefix("Give a year") == true)
        #expect(message(nil, "2024-01-01", nil)?.hasPrefix("Give a year") == true)
        #expect(message(nil, "2024-03-10", "2024-03-01") == "The end date (to) 2024-03-01 is before the start date (from) 2024-03-10.")
        #expect(message(nil, "2024-02-30", "2024-03-01")?.hasPrefix("The start date (from) '2024-02-30'") == true)
        #expect(message(nil, "2024-01-01", "garbage\n\u{0}")?.hasPrefix("The end date (to) 'garbage'") == true)
        #expect(message(nil, "1900-01-01", "2024-01-01")?.hasPrefix("The start and end dates (from, to) are") == true)
        #expect(message(nil, "0001-01-01", "0001-01-02")?.hasPrefix("The start date (from) '0001-01-01'") == true)
        #expect(message("2024", nil, nil, tz: "../../etc/passwd")?.hasPrefix("The time zone (tz) '../../etc/passwd'") == true)
        #expect(
            message("2024", nil, nil, tz: String(repeating: "A", count: 10_000))?.hasSuffix("is not a time zone name like Europe/Berlin.") == true)
        // Long input is clipped in the message.
        #expect((message(String(repeating: "9", count: 5_000), nil, nil)?.count ?? 0) < 120)
        #expect(message("2024", nil, nil, tz: "Europe/Berlin") == nil)
        #expect(message("9999", nil, nil) == nil)
    }
}

@Suite struct RecapTests {
    func t(_ day: String, _ time: String = "12:00") -> Int64 { History.time(day, time) }

    @Test func totalsTopListsAndSharesOfASmallYear() throws {
        var h = History()
        h.play("A", "a1", end: t("2023-06-01", "10:00"))  // the year before
        for d in 1...3 { h.play("A", "a1", end: t("2024-01-0\(d)", "10:00")) }
        h.play("A", "a2", end: t("2024-01-04", "10:00"))
        h.play("B", "b1", album: nil, end: t("2024-02-01", "10:00"), ms: 60_000)
        h.play("C", "c1", end: t("2024-02-02", "10:00"), ms: 10_000)  // a skip: minutes, no stream
        let recap = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil))
        #expect(recap.totals.plays == 6)
        #expect(recap.totals.streams == 5)
        #expect(recap.totals.milliseconds == 4 * 180_000 + 60_000 + 10_000)
        #expect(recap.totals.artists == 3 && recap.totals.tracks == 4 && recap.totals.albums == 2)
        #expect(recap.topArtists.map(\.name) == ["A", "B", "C"])
        #expect(recap.topArtists.map(\.streams) == [4, 1, 0])
        #expect(recap.topArtists[0].share == 0.8)
        #expect(recap.topTracks.map(\.name) == ["a1", "a2", "b1", "c1"])
        #expect(recap.topAlbums.map(\.name) == ["Album", "Album"])  // A's and C's; B's track has none
        #expect(recap.previous.totals.streams == 1)
        #expect(recap.previous.streamsChange == 4.0)
        // B and C are new this year; C was only skipped, so it is no discovery.
        #expect(recap.discoveries.count == 1)
        #expect(recap.discoveries.biggest?.name == "B")
        #expect(recap.discoveries.share == 0.2)
        #expect(recap.shape.months.count == 12)
        #expect(recap.shape.months[0].streams == 4 && recap.shape.months[1].streams == 1)
        #expect(recap.shape.months[1].milliseconds == 70_000)
        #expect(recap.shape.millisecondsByHour[10] == recap.totals.milliseconds)
        // By minutes the top artists keep their order; the busiest day is the first of equal days.
        let byMinutes = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil), metric: .minutes)
        #expect(byMinutes.topArtists.map(\.name) == ["A", "B", "C"])
        #expect(byMinutes.shape.busiestDay?.day.description == "2024-01-01")
        #expect(abs(byMinutes.topArtists[0].share - 720_000.0 / 790_000.0) < 1e-12)
    }

    @Test func streaksCountConsecutiveDaysWithStreams() throws {
        var h = History()
        for day in ["2024-03-01", "2024-03-02", "2024-03-04", "2024-03-05", "2024-03-06", "2024-03-08"] {
            h.play("A", end: t(day))
        }
        h.play("A", end: t("2024-03-07"), ms: 5_000)  // a skip does not join the two runs
        let recap = Recap(columns: h.built(), period: try .parse(year: nil, from: "2024-03-01", to: "2024-03-31"))
        #expect(recap.loyalty.longestStreak == RecapStreak(days: 3, from: CalendarDay("2024-03-04")!, to: CalendarDay("2024-03-06")!))
        #expect(recap.shape.busiestDay?.day.description == "2024-03-01")
    }

    @Test func sessionsEndAtAGapOfFiveMinutes() throws {
        var h = History()
        // Session 1: three 3-minute plays back to back from 10:00 to 10:09.
        h.play("A", end: t("2024-05-01", "10:03"))
        h.play("A", end: t("2024-05-01", "10:06"))
        h.play("A", end: t("2024-05-01", "10:09"))
        // 4 min 59 s of silence keeps session 1 going (10:13:59 end of 10:09 + gap, start 10:13:59 ends 10:16:59).
        h.play("B", end: t("2024-05-01", "10:16") + 59)
        // Exactly five minutes later starts session 2.
        h.play("B", end: t("2024-05-01", "10:24") + 59)
        h.play("B", end: t("2024-05-01", "10:27") + 59)
        let recap = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil))
        let s = try #require(recap.loyalty.longestSession)
        #expect(s.plays == 4)
        #expect(s.start == t("2024-05-01", "10:00"))
        #expect(s.end == t("2024-05-01", "10:16") + 59)
        #expect(s.milliseconds == 4 * 180_000)
        #expect(abs(s.durationMinutes - (16 + 59.0 / 60)) < 1e-9)
        #expect(s.day.description == "2024-05-01")
    }

    @Test func discoveriesAreArtistsNeverPlayedBefore() throws {
        var h = History()
        h.play("Old", end: t("2019-01-01"), ms: 1_000)  // even a skip years ago makes Old known
        for d in 1...5 { h.play("Old", end: t("2024-01-0\(d)")) }
        for d in 1...3 { h.play("New 1", end: t("2024-02-0\(d)")) }
        h.play("New 2", end: t("2024-12-31", "23:59"))
        h.play("Later", end: t("2025-01-01", "00:01"))  // after the range: not this year's
        let recap = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil))
        #expect(recap.discoveries.count == 2)
        #expect(recap.discoveries.top.map(\.name) == ["New 1", "New 2"])
        #expect(recap.discoveries.top.map(\.streams) == [3, 1])
        #expect(recap.discoveries.biggest?.rank == 1)
        #expect(abs(recap.discoveries.share - 4.0 / 9.0) < 1e-12)
    }

    @Test func mostWeeksCountsDistinctMondayToSundayWeeks() throws {
        var h = History()
        // 2024-01-01 is a Monday. A: 10 plays in one week; B: one play in each of three weeks.
        for i in 0..<10 { h.play("A", end: t("2024-01-02") + Int64(i) * 600) }
        h.play("B", end: t("2024-01-07"))  // Sunday of week 1
        h.play("B", end: t("2024-01-08"))  // Monday of week 2
        h.play("B", end: t("2024-01-22"))  // week 4
        let recap = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil))
        #expect(recap.loyalty.mostWeeks == RecapWeeks(artist: "B", weeks: 3, ofWeeks: 53, streams: 3))
        #expect(recap.topArtists.first?.name == "A")
    }

    @Test func hoursAndDaysAreCountedInThePersonsTimeZone() throws {
        var h = History()
        // 23:30 UTC on 31 December is 08:30 on 1 January in Tokyo: next year's there.
        h.play("A", end: t("2023-12-31", "23:30"))
        let utc = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil))
        #expect(utc.isEmpty)
        let tokyo = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil, timeZone: "Asia/Tokyo"))
        #expect(tokyo.totals.streams == 1)
        #expect(tokyo.shape.streamsByHour[8] == 1)
        #expect(tokyo.shape.busiestDay?.day.description == "2024-01-01")
        #expect(tokyo.loyalty.longestStreak?.days == 1)
        #expect(tokyo.timeZone == "Asia/Tokyo")
    }

    @Test func anEmptyRangeIsAnEmptyRecapNotACrash() throws {
        let empty = Recap(columns: MusicColumns(), period: try .parse(year: "2024", from: nil, to: nil))
        #expect(empty.isEmpty)
        #expect(empty.topArtists.isEmpty && empty.topTracks.isEmpty && empty.topAlbums.isEmpty)
        #expect(empty.discoveries == RecapDiscoveries())
        #expect(empty.loyalty == RecapLoyalty())
        #expect(empty.shape.busiestDay == nil)
        #expect(empty.shape.months.count == 12 && empty.shape.months.allSatisfy { $0.streams == 0 })
        #expect(empty.previous.streamsChange == nil)
        var h = History()
        h.play("A", end: t("2020-01-01"))
        let quiet = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil))
        #expect(quiet.isEmpty && quiet.previous.totals.plays == 0)
        // It still encodes.
        let json = try JSONEncoder().encode(quiet)
        #expect(try JSONDecoder().decode(Recap.self, from: json) == quiet)
    }

    @Test func aRangeOverTwoYearsKeepsItsMonthsApart() throws {
        var h = History()
        h.play("A", end: t("2023-12-15"))
        h.play("A", end: t("2024-01-15"))
        h.play("B", end: t("2024-12-15"))
        let recap = Recap(columns: h.built(), period: try .parse(year: nil, from: "2023-12-01", to: "2025-01-31"))
        #expect(recap.shape.months.count == 14)
        #expect(recap.shape.months.first.map { ($0.year, $0.month, $0.streams) } ?? (0, 0, 0) == (2023, 12, 1))
        #expect(recap.shape.months[12].year == 2024 && recap.shape.months[12].month == 12 && recap.shape.months[12].streams == 1)
        #expect(recap.shape.months.last.map { ($0.year, $0.month) } ?? (0, 0) == (2025, 1))
        // One month of the year (December) must not add both Decembers together.
        #expect(recap.shape.months.filter { $0.month == 12 }.map(\.streams) == [1, 1])
        #expect(recap.loyalty.mostWeeks?.ofWeeks == 62)
        #expect(recap.previous.from.description == "2022-09-29" && recap.previous.to.description == "2023-11-30")
    }

    @Test func scrobblesOfUnknownLengthCountTheirTracksLength() throws {
        var h = History()
        h.play("A", "x", end: t("2024-01-01", "10:00"), ms: 200_000)
        h.play("A", "x", end: t("2024-01-01", "10:04"), ms: -1)  // starts 200 s before: one session
        let recap = Recap(columns: h.built(), period: try .parse(year: "2024", from: nil, to: nil))
        #expect(recap.totals.streams == 2 && recap.totals.milliseconds == 400_000)
        #expect(recap.loyalty.longestSession?.plays == 2)
    }
}
