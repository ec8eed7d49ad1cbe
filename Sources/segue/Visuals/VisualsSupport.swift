import ArgumentParser
import Foundation
import SegueArtwork
import SegueAudio
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel
import SegueStore
import Synchronization

/// Options shared by `segue chart` and `segue race`.
struct VisualOptions: ParsableArguments {
    @Option(help: "artists, tracks or albums.")
    var kind: EntityKind = .artists

    @Option(help: "streams (plays of 30 s or more) or minutes (all music plays).")
    var metric: Metric = .streams

    @Option(help: "Number of bars (3 to 20).")
    var top: Int = 10

    @Option(help: "story (1080x1920), square (1080x1080), landscape (1920x1080) or WIDTHxHEIGHT.")
    var size: String = "story"

    @Option(help: "dark, light or vivid.")
    var theme: String = "dark"

    @Option(help: "Folder of cover images named after entities (e.g. 'Daft Punk.jpg').")
    var artworkDir: String?

    @Option(help: "Summary on standard output: text or json.")
    var format: SummaryFormat = .text

    enum SummaryFormat: String, ExpressibleByArgument { case text, json }

    /// Parsed size and theme, or a clear error.
    func look() throws -> (SocialFormat, Theme) {
        try ChartLimits.validateTop(top)
        return (try SocialFormat(parsing: size), try Theme.named(theme))
    }

    /// Cover images for `entities` (identifier and display name) from `--artwork-dir`, then from the
    /// Spotify Web API when `SPOTIFY_CLIENT_ID` and `SPOTIFY_CLIENT_SECRET` are set (cached in the data
    /// folder; a failure to reach it is reported and rendering goes on with generated artwork).
    func artwork(
        for entities: [(id: String, name: String)], tools: FFmpegTools?, spotify: [SpotifyArtworkFetcher.Wanted] = [],
        dataDirectory: String? = nil, libraryTracks: [LibraryTrack]? = nil
    ) -> ArtworkLibrary {
        let library = ArtworkLibrary()
        var wanted: [String: [String]] = [:]
        for entity in entities { wanted[entity.id] = [entity.id, entity.name] }
        var spotifyCache: String?
        if let credentials = SpotifyArtworkFetcher.Credentials.fromEnvironment(), let dataDirectory, !spotify.isEmpty {
            let cache = URL(fileURLWithPath: dataDirectory).appendingPathComponent("artwork-cache")
            let fetcher = SpotifyArtworkFetcher(credentials: credentials, cache: cache)
            let done = DispatchSemaphore(value: 0)
            let failure = Mutex<String?>(nil)
            Task {
                do { try await fetcher.fetch(spotify) } catch { failure.withLock { $0 = "\(error)" } }
                done.signal()
            }
            done.wait()
            if let message = failure.withLock({ $0 }) { printError("warning: artwork from Spotify: \(message)") }
            spotifyCache = cache.path
        }
        let codec = tools.map(StillImageCodec.init(tools:))
        func load(_ folder: String) {
            library.load(directory: URL(fileURLWithPath: folder), wanted: wanted) { url in
                codec?.decodeSquare(url, side: 512).map { ArtworkLibrary.DecodedImage(width: 512, height: 512, bgra: $0) }
            }
        }
        // First the images given by hand, then covers embedded in the library's audio files, then Spotify's.
        if let artworkDir { load(artworkDir) }
        if let dataDirectory {
            loadLibraryCovers(into: library, wanted: wanted, dataDirectory: dataDirectory, tracks: libraryTracks)
        }
        if let spotifyCache { load(spotifyCache) }
        return library
    }

    /// Adds the library's embedded covers (see `segue library add`) for wanted entities that have no
    /// image yet: an artist's from any of their tracks, an album's, a track's by title. `tracks`: the
    /// data folder's library's tracks (`DatabaseOptions.homeLibraryTracks`), nil when unreadable.
    func loadLibraryCovers(into library: ArtworkLibrary, wanted: [String: [String]], dataDirectory: String, tracks given: [LibraryTrack]?) {
        guard let tracks = given else { return }
        let directory = LibraryIngest.artworkDirectory(inDataDirectory: dataDirectory)
        var byKey: [String: String] = [:]
        for track in tracks {
            let name: String? =
                switch kind {
                case .artists: track.artist
                case .albums: track.album
                case .tracks: track.title
                }
            guard let name else { continue }
            let key = ArtworkLibrary.matchKey(name)
            guard byKey[key] == nil else { continue }
            let cover = LibraryIngest.coverPath(track, in: directory)
            if FileManager.default.fileExists(atPath: cover) { byKey[key] = cover }
        }
        let have = Set(library.identifiers)
        for (id, names) in wanted where !have.contains(id) {
            guard let cover = names.lazy.compactMap({ byKey[ArtworkLibrary.matchKey($0)] }).first,
                let png = try? Data(contentsOf: URL(fileURLWithPath: cover))
            else { continue }
            library.add(id: id, png: [UInt8](png))
        }
    }

    /// What to ask Spotify for, for these chart entities.
    static func spotifyWanted(_ kind: EntityKind, _ entities: [(name: String, artist: String?, uri: String?)]) -> [SpotifyArtworkFetcher.Wanted] {
        entities.compactMap { e in
            switch kind {
            case .artists: return .artist(name: e.name)
            case .albums: return .album(name: e.name, artist: e.artist ?? "")
            case .tracks: return e.uri.map { .track(name: e.name, uri: $0) }
            }
        }
    }
}

/// "since 1 Jan 2030", "between … and …", "until …" or "in the whole history", for messages.
func rangePhrase(from: CalendarDay?, to: CalendarDay?) -> String {
    switch (from, to) {
    case (nil, nil): return "in the whole history"
    case (let f?, nil): return "since \(DateLabels.day(f))"
    case (nil, let t?): return "until \(DateLabels.day(t))"
    case (let f?, let t?): return "between \(DateLabels.day(f)) and \(DateLabels.day(t))"
    }
}

/// Turns library errors into a one-line message and exit code 1.
enum VisualsFailure {
    static func run<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch let error as ChartsError {
            printError("error: \(error)")
        } catch let error as GraphicsError {
            printError("error: \(error)")
        } catch let error as MediaError {
            printError("error: \(error)")
        } catch let error as VisualsError {
            printError("error: \(error.message)")
        }
        throw ExitCode(1)
    }
}

/// A problem found by the commands themselves.
struct VisualsError: Error {
    var message: String
}

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private var lastPercent = -1

    init(total: Int, label: String) {
        self.total = max(1, total)
        self.label = label
        enabled = isatty(STDERR_FILENO) != 0
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let percent = done * 100 / total
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)% (\(done)/\(total))".utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Elapsed seconds on a monotonic clock.
struct Stopwatch {
    private let start = ContinuousClock.now
    var seconds: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// The JSON or text summary printed when a render finishes.
struct RenderSummary: Codable {
    var output: String
    var width: Int
    var height: Int
    var frames: Int
    var seconds: Double
    var fpsAchieved: Double?
    var bytes: Int
    var encoder: String?

    func print(as format: VisualOptions.SummaryFormat) {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if let data = try? encoder.encode(self) { Swift.print(String(decoding: data, as: UTF8.self)) }
        case .text:
            var line = "Wrote \(output) (\(width)x\(height), \(NumberFormatting.grouped(Int64(bytes))) bytes"
            if frames > 1 {
                line += String(format: ", %d frames in %.2f s, %.1f frames/s", frames, seconds, fpsAchieved ?? 0)
            }
            if let encoder { line += ", \(encoder)" }
            Swift.print(line + ")")
        }
    }
}

/// File size in bytes, 0 when missing.
func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}
