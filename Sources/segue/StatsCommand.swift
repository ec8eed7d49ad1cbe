import ArgumentParser
import Foundation
import SegueModel
import SegueStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Totals, first and last play, distinct counts and listening patterns.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var range: RangeOptions

    @Option(help: "text or json.")
    var format: ImportCommand.ReportFormat = .text

    func run() throws {
        let db = try database.openStore(store)
        guard let profile = try db.existingProfile(named: store.profile) else {
            printError("error: no profile '\(store.profile)' in \(database.describe(store)): run `segue import` first")
            throw ExitCode(1)
        }
        let s = try db.stats(range: range.range, timeZone: range.tz, sources: range.source, profile: profile)
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(s), as: UTF8.self))
            return
        }
        func date(_ t: Int64?) -> String {
            guard let t else { return "–" }
            let f = DateFormatter()
            f.timeZone = range.tz
            f.dateFormat = "yyyy-MM-dd HH:mm"
            return f.string(from: Date(timeIntervalSince1970: TimeInterval(t)))
        }
        let g = TextTable.grouped
        print("Music plays      \(g(s.musicPlays))  (\(g(s.streams)) streams, \(g(Int(s.minutes.rounded()))) minutes)")
        print("Episodes         \(g(s.episodes))")
        print("Audiobook parts  \(g(s.audiobookChapters))")
        print("First / last     \(date(s.firstPlay)) / \(date(s.lastPlay))")
        print("Distinct         \(g(s.distinctTracks)) tracks, \(g(s.distinctArtists)) artists, \(g(s.distinctAlbums)) albums")
        let columns = try db.musicColumns(profile: profile).restricted(to: range.source)
        let bySource = columns.playsBySource(in: range.range)
        if bySource.count > 1 || bySource.keys.first != PlaySource.spotify.rawValue {
            let parts = PlaySource.allCases.compactMap { source in
                bySource[source.rawValue].map { "\(source.displayName) \(g($0))" }
            }
            print("Sources          \(parts.joined(separator: ", "))")
        }
        if s.playsWithoutLength > 0 {
            print("Without length   \(g(s.playsWithoutLength)) plays (each a stream; minutes from their track's known length)")
        }
        print("")
        let maxHour = Swift.max(1, s.millisecondsByHour.max() ?? 1)
        print("By hour of day (minutes):")
        for h in 0..<24 {
            let m = s.millisecondsByHour[h]
            let bar = String(repeating: "█", count: Int(40 * m / maxHour))
            print(String(format: "  %02d  %@ %@", h, bar, g(Int(m / 60_000))))
        }
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let maxDay = Swift.max(1, s.millisecondsByWeekday.max() ?? 1)
        print("By weekday (minutes):")
        for d in 0..<7 {
            let m = s.millisecondsByWeekday[d]
            print("  \(days[d])  \(String(repeating: "█", count: Int(40 * m / maxDay))) \(g(Int(m / 60_000)))")
        }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let maxMonth = Swift.max(1, s.millisecondsByMonth.max() ?? 1)
        print("By month (minutes):")
        for m in 0..<12 {
            let v = s.millisecondsByMonth[m]
            print("  \(months[m])  \(String(repeating: "█", count: Int(40 * v / maxMonth))) \(g(Int(v / 60_000)))")
        }
    }
}
