import ArgumentParser
import Foundation
import SegueImport
import SegueModel
import SegueStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a listening history (Spotify, Last.fm, ListenBrainz, Apple Music, YouTube Music), all or nothing.",
        discussion: """
            Each file is recognised by its content: a Spotify data export (extended streaming history or \
            account data), a Last.fm CSV (lastfm-to-csv without a header, or ghan.nl's with one), a \
            ListenBrainz export (JSON or JSON lines), Apple Music's "Apple Music Play Activity.csv" or a \
            Google Takeout YouTube watch-history.json. Plays from different sources that are one listen \
            (same artist and title, starts within two minutes) count once; re-importing changes nothing.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Report format: text or json.")
    var format: ReportFormat = .text

    @Argument(help: "ZIP archives, folders, JSON, JSON lines or CSV files.")
    var paths: [String]

    enum ReportFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let started = Date()
        let showProgress = format == .text && isatty(2) != 0
        let report: ImportReport
        do {
            // The files are parsed from here on, while the store opens (and is created or migrated).
            let parsing = try HistoryImporter().start(paths: paths)
            let db = try database.openStore(store)
            let profile = try db.profile(named: store.profile)
            report = try parsing.run(store: db, profile: profile) { done, total in
                if showProgress { FileHandle.standardError.write(Data("\rimporting: file \(done)/\(total)".utf8)) }
            }
        } catch let error as ImportError {
            if showProgress { printError("") }
            printError("error: \(error)\nNothing was imported.")
            throw ExitCode(2)
        }
        if showProgress { printError("") }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        case .text:
            print(ImportReportText.render(report, seconds: Date().timeIntervalSince(started), profile: store.profile))
        }
    }
}

/// The human form of an import report.
enum ImportReportText {
    static func render(_ report: ImportReport, seconds: Double, profile: String) -> String {
        var rows: [[String]] = []
        func row(_ name: String, _ c: ImportCounts) -> [String] {
            [
                name, TextTable.grouped(c.records), TextTable.grouped(c.musicPlays), TextTable.grouped(c.shortPlays),
                TextTable.grouped(c.episodes), TextTable.grouped(c.audiobookChapters), TextTable.grouped(c.duplicates),
                TextTable.grouped(c.rejected),
            ]
        }
        for f in report.files {
            let label = [
                "account": " (account)", "lastfm": " (Last.fm)", "listenbrainz": " (ListenBrainz)", "apple": " (Apple Music)",
                "youtube": " (YouTube Music)",
            ]
            let name = (f.file as NSString).lastPathComponent + (label[f.format] ?? "")
            rows.append(row(name, f.counts))
        }
        rows.append(row("total", report.total))
        var out = TextTable.render(
            header: ["File", "Records", "Music", "Short", "Episodes", "Chapters", "Duplicates", "Rejected"],
            rows: rows, rightAligned: Set(1...7), maxWidth: 56)
        if !report.total.rejections.isEmpty {
            out += "\nRejected records:\n"
            for (reason, n) in report.total.rejections.sorted(by: { $0.value > $1.value }) {
                out += "  \(TextTable.grouped(n))  \(reason)\n"
            }
        }
        if report.total.droppedIdentifiers > 0 {
            out +=
                "\n\(TextTable.grouped(report.total.droppedIdentifiers)) ISRCs or MusicBrainz recording ids were not valid and were left out (their plays were kept).\n"
        }
        if report.total.withoutLength > 0 {
            out +=
                "\n\(TextTable.grouped(report.total.withoutLength)) plays came without a length: each counts as a stream, and as its track's length in minutes when Segue knows it.\n"
        }
        if !report.mergedAcrossSources.isEmpty {
            out += "\nSame listen as a play from another source (counted once):\n"
            for (source, n) in report.mergedAcrossSources.sorted(by: { $0.value > $1.value }) {
                out += "  \(TextTable.grouped(n))  \(PlaySource(name: source)?.displayName ?? source) plays\n"
            }
        }
        if !report.skipped.isEmpty {
            out += "\nSkipped files:\n"
            for s in report.skipped { out += "  \((s.file as NSString).lastPathComponent): \(s.reason)\n" }
        }
        out += String(format: "\nImported into profile '%@' in %.2f s.", profile, seconds)
        return out
    }
}
