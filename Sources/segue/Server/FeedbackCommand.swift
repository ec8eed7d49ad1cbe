import ArgumentParser
import Foundation
import SegueModel
import SegueStore

/// `segue feedback list`: what people sent through the web app's feedback form.
struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback", abstract: "Feedback sent through the web app.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Print feedback, newest first.")

        @Option(help: "Data folder (default: $SEGUE_DATA or ~/.local/share/segue).")
        var data: String?

        @OptionGroup var database: DatabaseOptions

        @Option(help: "How many messages.")
        var limit = 100

        @Option(help: "text or json.")
        var format = "text"

        func run() throws {
            let store = try database.openFeedback(dataDirectory: StoreOptions.defaultDataDirectory(data))
            let entries = try store.feedback(limit: limit)
            if format == "json" {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(entries), as: UTF8.self))
                return
            }
            if entries.isEmpty { print("No feedback yet.") }
            for e in entries {
                let date = Date(timeIntervalSince1970: Double(e.createdMillis) / 1000).formatted(.iso8601)
                let stars = e.rating.map { String(repeating: "★", count: $0) + String(repeating: "☆", count: 5 - $0) } ?? "no rating"
                // Visitors wrote these: control characters are shown escaped, never sent to the terminal, and
                // each line of a message is indented, so none can pass for another entry.
                print("#\(e.id)  \(date)  \(stars)\(e.contact.map { "  <\(TerminalText.escape($0))>" } ?? "")")
                for line in e.message.split(separator: "\n", omittingEmptySubsequences: false) {
                    print("  " + TerminalText.escape(String(line)))
                }
                print()
            }
        }
    }
}
