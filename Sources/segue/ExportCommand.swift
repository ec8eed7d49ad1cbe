import ArgumentParser
import Foundation
import SegueImport
import SegueModel
import SegueStore

/// `segue export`: a profile's merged listening history, as ListenBrainz JSON lines or CSV.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write your listening history (every source, merged) to a file.",
        discussion: """
            listenbrainz: ListenBrainz JSON lines (one listen per line, with duration_ms, spotify_id and \\
            segue_source in additional_info); `segue import` reads it back into the same charts. csv: a \\
            flat table for spreadsheets. OUT - writes to standard output.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var range: RangeOptions

    @Option(help: "listenbrainz or csv.")
    var format: HistoryExport.Format = .listenbrainz

    @Argument(help: "The file to write (replaced if it exists), or - for standard output.")
    var out: String

    func run() throws {
        let db = try database.openStore(store)
        guard let profile = try db.existingProfile(named: store.profile) else {
            printError("error: no profile '\(store.profile)' in \(database.describe(store)): run `segue import` first")
            throw ExitCode(1)
        }
        let columns = try db.musicColumns(profile: profile).restricted(to: range.source)
        if out == "-" {
            HistoryExport.write(columns, range: range.range, format: format) { FileHandle.standardOutput.write(Data($0.utf8)) }
            return
        }
        // Written beside the target and renamed over it: a reader never sees half a file.
        let temporary = out + ".partial-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary)
        else {
            printError("error: cannot write \(out)")
            throw ExitCode(1)
        }
        let count: Int
        do {
            defer { try? handle.close() }
            count = try HistoryExport.write(columns, range: range.range, format: format) { try handle.write(contentsOf: Data($0.utf8)) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            printError("error: writing \(out): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        guard rename(temporary, out) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            printError("error: cannot write \(out): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        printError("Wrote \(TextTable.grouped(count)) plays of profile '\(store.profile)' to \(out).")
    }
}

extension HistoryExport.Format: ExpressibleByArgument {}
