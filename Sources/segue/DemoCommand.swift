import ArgumentParser
import Foundation
import SegueImport

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Demo data.", subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a realistic Spotify extended streaming history export (ZIP, or a folder with --folder).")

        @Option(help: "Number of records.")
        var records: Int = 60_000

        @Option(help: "Random seed (the same seed writes the same export).")
        var seed: UInt64 = 42

        @Flag(help: "Write an unzipped folder instead of a ZIP.")
        var folder = false

        @Argument(help: "Output path (e.g. demo.zip).")
        var out: String

        func run() throws {
            let export = DemoExport(seed: seed, records: records)
            if folder { try export.writeFolder(to: out) } else { try export.writeZip(to: out) }
            print("Wrote \(out) (\(records) records).")
        }
    }
}
