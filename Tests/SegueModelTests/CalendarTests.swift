import Foundation
import SegueModel
import Testing

@Suite struct CalendarTests {
    @Test func parsesOnlyRealDates() {
        #expect(CalendarDay("2024-02-29") == CalendarDay(year: 2024, month: 2, day: 29))
        #expect(CalendarDay("2023-02-29") == nil)
        #expect(CalendarDay("2024-13-01") == nil)
        #expect(CalendarDay("2024-1-01") == nil)
        #expect(CalendarDay("yesterday") == nil)
    }

    @Test func daysSinceEpochRoundTrips() {
        for days: Int64 in [-800_000, -1, 0, 1, 59, 365, 10_957, 19_000, 20_000, 2_000_000] {
            #expect(CalendarDay(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CalendarDay(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CalendarDay(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
        #expect(CalendarDay(year: 2024, month: 5, day: 6).description == "2024-05-06")
    }

    @Test func weekdayStartsOnMonday() {
        #expect(CalendarDay(year: 2024, month: 5, day: 6).weekdayFromMonday == 0)  // a Monday
        #expect(CalendarDay(year: 2024, month: 5, day: 12).weekdayFromMonday == 6)
        #expect(CalendarDay(year: 1970, month: 1, day: 1).weekdayFromMonday == 3)  // a Thursday
    }

    @Test func rangesAreInclusiveCalendarDaysInUTC() {
        let range = TimeRange(from: CalendarDay("2024-05-06"), to: CalendarDay("2024-05-06"))
        let midnight = CalendarDay(year: 2024, month: 5, day: 6).daysSinceEpoch * 86_400
        #expect(range.contains(midnight))
        #expect(range.contains(midnight + 86_399))
        #expect(!range.contains(midnight + 86_400))
        #expect(!range.contains(midnight - 1))
        #expect(TimeRange.all.contains(0) && TimeRange.all.contains(4_000_000_000))
    }

    @Test func rangesFollowATimeZone() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        let day = try #require(CalendarDay("2024-07-01"))
        let range = TimeRange(from: day, to: day, timeZone: berlin)
        // Summer time: local midnight is 22:00 UTC the day before.
        #expect(range.start == day.daysSinceEpoch * 86_400 - 7200)
        #expect(range.end == range.start + 86_400)
        // The day summer time starts has 23 hours.
        let spring = try #require(CalendarDay("2024-03-31"))
        let short = TimeRange(from: spring, to: spring, timeZone: berlin)
        #expect(short.end - short.start == 23 * 3600)
        #expect(CalendarDay(time: range.start, timeZone: berlin) == day)
        #expect(CalendarDay(time: range.start - 1, timeZone: berlin) == CalendarDay("2024-06-30"))
    }

    @Test func racePeriodsStartOnMondaysAndFirsts() throws {
        let d = try #require(CalendarDay("2024-05-09"))  // Thursday
        #expect(RacePeriod.week.start(of: d) == CalendarDay("2024-05-06"))
        #expect(RacePeriod.month.start(of: d) == CalendarDay("2024-05-01"))
        #expect(RacePeriod.month.next(after: CalendarDay(year: 2024, month: 12, day: 1)) == CalendarDay("2025-01-01"))
        #expect(RacePeriod.week.next(after: CalendarDay(year: 2024, month: 12, day: 30)) == CalendarDay("2025-01-06"))
        #expect(RacePeriod.day.next(after: CalendarDay(year: 2024, month: 2, day: 28)) == CalendarDay("2024-02-29"))
    }

    @Test func streamThresholdIsInclusive() {
        let short = Play(kind: .music, endTime: 0, msPlayed: 29_999, title: "a", creator: "b", uri: "spotify:track:1")
        var exact = short
        exact.msPlayed = 30_000
        #expect(!short.isStream)
        #expect(exact.isStream)
        var episode = exact
        episode.kind = .episode
        #expect(!episode.isStream)
    }
}

@Suite struct TextOutputTests {
    @Test func groupsThousands() {
        #expect(TextTable.grouped(0) == "0")
        #expect(TextTable.grouped(999) == "999")
        #expect(TextTable.grouped(1000) == "1,000")
        #expect(TextTable.grouped(1_234_567) == "1,234,567")
        #expect(TextTable.grouped(-45_000) == "-45,000")
    }

    @Test func wideCharactersTakeTwoCells() {
        #expect(TextTable.width("abc") == 3)
        #expect(TextTable.width("夜の図書館") == 10)
        #expect(TextTable.width("블루") == 4)
        #expect(TextTable.width("Café") == 4)
    }

    @Test func csvQuotesWhatNeedsIt() {
        let entries = [ChartEntry(rank: 1, name: "Hello, \"World\"", artist: "A", streams: 2, milliseconds: 90_000)]
        #expect(entries.csvText() == "rank,name,artist,album,uri,streams,minutes\n1,\"Hello, \"\"World\"\"\",A,,,2,1.50\n")
    }

    @Test func jsonHasTheDocumentedFields() throws {
        let entries = [
            ChartEntry(rank: 1, name: "T", artist: "A", album: "B", uri: "spotify:track:x", streams: 3, milliseconds: 120_000)
        ]
        let json = try #require(try JSONSerialization.jsonObject(with: Data(entries.jsonText().utf8)) as? [[String: Any]])
        #expect(Set(json[0].keys) == ["rank", "name", "artist", "album", "uri", "streams", "minutes"])
        #expect(json[0]["minutes"] as? Double == 2)
        let back = try JSONDecoder().decode([ChartEntry].self, from: Data(entries.jsonText().utf8))
        #expect(back == entries)
    }
}

@Suite struct MarkupEscapingTests {
    @Test func escapesTheFiveAndDropsForbiddenControls() {
        #expect(
            MarkupEscaping.escape(#"<script>alert("x")</script> & 'y'"#)
                == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;y&apos;")
        #expect(MarkupEscaping.escape("it's", apostrophe: "&#39;") == "it&#39;s")
        #expect(MarkupEscaping.escape("a\u{07}b\tc\nd\u{0}") == "ab\tc\nd")
        #expect(MarkupEscaping.escape("夜の図書館 Zoë") == "夜の図書館 Zoë")
    }
}
