import ArgumentParser
import Foundation
import SegueLibrary
import SeguePlaylists
import SegueStore

/// `segue similar TRACK`: the tracks that sound most like one track.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar", abstract: "Tracks nearest to one track (an id, or \"artist - title\").")

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "How many.") var limit: Int = 10
    @Option(help: "text or json.") var format: ImportCommand.ReportFormat = .text
    @Argument(help: "Track id or \"artist - title\".") var track: String

    func run() throws {
        let library = try LibraryCommand.open(store, database)
        let tracks = PlaylistTrack.fromLibrary(try library.tracks().filter { $0.status == .done })
        let seed = try Self.find(track, in: tracks)
        let byID = Dictionary(uniqueKeysWithValues: tracks.map { ($0.id, $0) })
        // Only tracks this command can show (an analysis that no longer decodes is left out).
        let near = try library.similarityIndex(for: tracks).nearest(to: seed.embedding, k: limit, excluding: [seed.id])
            .filter { byID[$0.id] != nil }
        if format == .json {
            try LibraryCommand.printJSON(
                near.map { n -> [String: Any] in
                    let t = byID[n.id]!
                    return ["id": t.id, "artist": t.artist, "title": t.title, "path": t.path, "distance": n.distance]
                })
        } else {
            print("Like \(seed.artist) – \(seed.title):")
            for (i, n) in near.enumerated() {
                let t = byID[n.id]!
                print(String(format: "%2d. %@ – %@  (%.3f)", i + 1, t.artist, t.title, n.distance))
            }
        }
    }

    /// By id, else by "artist - title" (case-insensitive, exact first, then contains); ambiguous
    /// matches are an error listing the candidates.
    static func find(_ text: String, in tracks: [PlaylistTrack]) throws -> PlaylistTrack {
        if let id = Int64(text) {
            guard let t = tracks.first(where: { $0.id == id }) else {
                throw ValidationError("no analysed track with id \(id) (see `segue library list`)")
            }
            return t
        }
        let wanted = text.lowercased()
        let label = { (t: PlaylistTrack) in "\(t.artist) - \(t.title)".lowercased() }
        let exact = tracks.filter { label($0) == wanted }
        let candidates = exact.isEmpty ? tracks.filter { label($0).contains(wanted) } : exact
        guard let first = candidates.first else { throw ValidationError("no analysed track matches '\(text)'") }
        guard candidates.count == 1 else {
            let list = candidates.prefix(5).map { "\($0.id): \($0.artist) - \($0.title)" }.joined(separator: "; ")
            throw ValidationError("'\(text)' matches \(candidates.count) tracks (\(list)); give an id")
        }
        return first
    }
}
