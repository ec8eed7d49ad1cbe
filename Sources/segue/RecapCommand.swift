import ArgumentParser
import Foundation
import SegueCharts
import SegueLibrary
import SegueMedia
import SegueModel
import SegueRecap
import SegueRender
import SegueServer
import SegueStore

struct RecapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recap",
        abstract: "Your year (or any range) in review: totals, top lists, discoveries, loyalty and the shape of your listening.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The calendar year (like 2024); or give --from and --to.")
    var year: String?

    @Option(help: "First day (YYYY-MM-DD), inclusive, instead of a year.")
    var from: String?

    @Option(help: "Last day (YYYY-MM-DD), inclusive, instead of a year.")
    var to: String?

    @Option(help: "Time zone for days, hours and weeks (IANA name, default UTC).")
    var tz: String?

    @Option(
        help: ArgumentHelp("Sources whose plays count, comma-separated (\(SourceSet.help)); default all.", valueName: "sources"),
        transform: RangeOptions.sources)
    var source: SourceSet = .all

    @Option(help: "What the top lists rank by: streams (plays of 30 s or more) or minutes.")
    var metric: Metric = .streams

    @Option(help: "text or json.")
    var format: ImportCommand.ReportFormat = .text

    @Option(help: "Write the cards into this folder: one PNG and one SVG per section, ready for a story carousel.")
    var out: String?

    @Option(help: "Write the recap as a 30-45 s video (MP4 H.264 for phones; .webm or .gif by the extension): the cards animated as one story.")
    var video: String?

    @Option(help: "Card size: story (1080x1920), square (1080x1080) or WIDTHxHEIGHT.")
    var size: String = "story"

    @Option(help: "dark, light or vivid.")
    var theme: String = "dark"

    /// The cards' size and theme, or a clear error.
    func look() throws -> (SocialFormat, Theme) {
        do {
            return (try SocialFormat(parsing: size), try Theme.named(theme))
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The period, checked by the rule the web API uses too.
    func period() throws -> RecapPeriod {
        do {
            return try RecapPeriod.parse(year: year, from: from, to: to, timeZone: tz)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The data folder's library (or the database's `home` one); none, without making a file, when there is none.
    func homeLibraryTracks() throws -> [LibraryTrack] {
        try database.homeLibraryTracks(dataDirectory: store.dataDirectory)
    }

    func validate() throws {
        _ = try period()
        _ = try look()
        if let video {
            do {
                _ = try VideoContainer(path: video)
            } catch {
                throw ValidationError("--video \(video): \(error.description)")
            }
        }
    }

    func run() throws {
        let period = try period()
        let db = try database.openStore(store)
        guard let profile = try db.existingProfile(named: store.profile) else {
            printError("error: no profile '\(store.profile)' in \(database.describe(store)): run `segue import` first")
            throw ExitCode(1)
        }
        var recap = try db.recap(period, metric: metric, sources: source, profile: profile)
        // The sound of the period, from the data folder's library when it has analysed files.
        let library = try homeLibraryTracks()
        if !library.isEmpty {
            let columns = try db.musicColumns(profile: profile).restricted(to: source)
            recap.sound = RecapSound.fromLibrary(library, columns: columns, period: period, periodPlays: recap.totals.plays)
        }
        if let out {
            let (size, theme) = try look()
            let paths = try RecapCardsRender(format: size, theme: theme).write(recap, to: out)
            printError("Wrote \(paths.count / 2) cards (PNG and SVG, \(size)) to \(out).")
        }
        if let video {
            let (size, theme) = try look()
            let render = RecapVideoRender(format: size, theme: theme, tools: try FFmpegTools.locate())
            let summary = try render.run(recap, output: video) { done, total in
                if done == total || done % 30 == 0 {
                    FileHandle.standardError.write(Data("\rFrames \(done)/\(total)".utf8))
                }
            }
            printError(
                String(
                    format: "\nWrote %@: %d frames (%.1f s of video) in %.2f s, %@, %@ bytes.", video, summary.frames,
                    Double(summary.frames) / render.fps, summary.seconds, summary.encoder, TextTable.grouped(summary.bytes)))
        }
        if format == .json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(recap), as: UTF8.self))
            return
        }
        print(RecapTerminalText.render(recap), terminator: "")
    }
}

/// The recap as lines for a terminal.
enum RecapTerminalText {
    static func render(_ r: Recap) -> String {
        let g = TextTable.grouped
        var out = "Recap \(r.from) to \(r.to) (\(r.timeZone))\n"
        guard !r.isEmpty else { return out + "No music plays in this period.\n" }
        func change(_ c: Double?) -> String {
            guard let c else { return "" }
            let percent = Int((c * 100).rounded())
            return " (\(percent >= 0 ? "+" : "")\(percent)% vs \(r.previous.from) to \(r.previous.to))"
        }
        out += "Minutes     \(g(Int(r.totals.minutes.rounded())))\(change(r.previous.minutesChange))\n"
        out += "Streams     \(g(r.totals.streams))\(change(r.previous.streamsChange))\n"
        out += "Distinct    \(g(r.totals.artists)) artists, \(g(r.totals.tracks)) tracks, \(g(r.totals.albums)) albums\n"
        func list(_ title: String, _ entries: [RecapEntry]) {
            guard !entries.isEmpty else { return }
            out += "\n\(title)\n"
            for e in entries {
                let by = e.artist.map { " – \($0)" } ?? ""
                out += String(
                    format: "  %d. %@%@  %@ streams, %@ min, %.1f%%\n", e.rank, e.name, by, g(e.streams), g(Int(e.minutes.rounded())), e.share * 100)
            }
        }
        list("Top artists", r.topArtists)
        list("Top tracks", r.topTracks)
        list("Top albums", r.topAlbums)
        out += "\nDiscoveries \(g(r.discoveries.count)) new artists"
        if let b = r.discoveries.biggest { out += "; the biggest: \(b.name) (\(g(b.streams)) streams)" }
        out += "\n"
        if let w = r.loyalty.mostWeeks { out += "Most loyal  \(w.artist), in \(w.weeks) of \(w.ofWeeks) weeks\n" }
        if let s = r.loyalty.longestStreak { out += "Streak      \(s.days) days in a row, \(s.from) to \(s.to)\n" }
        if let s = r.loyalty.longestSession {
            out += "Session     \(Int(s.durationMinutes.rounded())) minutes, \(s.plays) plays, on \(s.day)\n"
        }
        if let d = r.shape.busiestDay { out += "Busiest day \(d.day): \(g(Int(d.minutes.rounded()))) minutes, \(g(d.streams)) streams\n" }
        let hour = r.shape.millisecondsByHour.indices.max { r.shape.millisecondsByHour[$0] < r.shape.millisecondsByHour[$1] } ?? 0
        out += String(format: "Peak hour   %02d:00\n", hour)
        if let s = r.sound {
            out += String(
                format: "\nSound       %.0f BPM, energy %.0f%%, %.0f LUFS, from %@ plays of %@ library songs\n", s.averageBPM, s.averageEnergy * 100,
                s.averageLoudnessLUFS, g(s.matchedPlays), g(s.matchedTracks))
            if !s.risingTags.isEmpty {
                out += "Rising tags " + s.risingTags.map { "\($0.tag) (+\(Int(($0.rise * 100).rounded())) pts)" }.joined(separator: ", ") + "\n"
            }
            out += "Playlist\n"
            for (i, t) in s.playlist.enumerated() {
                out += "  \(i + 1). \(t.title) – \(t.artist), \(Int(t.bpm.rounded())) BPM, \(g(t.plays)) plays\n"
            }
        }
        return out
    }
}
