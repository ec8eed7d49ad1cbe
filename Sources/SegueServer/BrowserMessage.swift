import Foundation

/// What a browser may be told about a failure: the first line of the message, with every server path cut to its
/// file name and every session-like id left out. The whole message stays in the job record and the server log.
enum BrowserMessage {
    /// Longest message sent to a browser, in characters.
    static let maxLength = 300

    static func clean(_ text: String) -> String {
        // ffmpeg's log and other tool output come after the first line.
        var line = String(text.prefix { $0 != "\n" && $0 != "\r" })
        line = line.replacing(/(^|[\s'"`(\[<=])(\/[^\s'"`)\]>]*)/) { match in
            var path = String(match.output.2)
            let trailing = path.last.map { ":,;.".contains($0) } == true ? String(path.removeLast()) : ""
            let name = (path as NSString).lastPathComponent
            return match.output.1 + (name.isEmpty || name == "/" ? "a file" : name) + trailing
        }
        // Session ids, upload ids and tokens are 32 hex digits.
        line = line.replacing(/\b[0-9a-f]{32}\b/, with: "…")
        if line.count > maxLength { line = String(line.prefix(maxLength - 1)) + "…" }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// `clean(text)` as a sentence: capitalised, with its full stop (job errors, failed files).
    static func sentence(_ text: String) -> String {
        SegueServer.sentence(clean(text))
    }

    /// A playlist rule's message as the Playlists page words it: the form's fields instead of the command line's
    /// flags, and tracks by their names instead of their internal ids.
    static func playlist(_ text: String) -> String {
        var line = text
        line = line.replacing(/a wider --duration-tolerance/, with: "a wider duration tolerance")
        line = line.replacing(/--length (\d+)/) { "a length of \($0.output.1)" }
        line = line.replacing(/--([a-z]+(?:-[a-z]+)*)/) { "the " + $0.output.1.replacing("-", with: " ") + " setting" }
        // "track 17 (Artist – Title)", "seed 17 (…)", "the path's start 17 (…)": the names say it.
        line = line.replacing(/\b(track|seed|start|end) \d+ \(([^)]*)\)/) { "\($0.output.1) “\($0.output.2)”" }
        line = line.replacing(/\ \(\d+\)/, with: "")
        return clean(line)
    }
}
