import ArgumentParser
import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel
import SegueRender
import SegueStore

/// `segue chart`: a shareable top-N image (PNG, JPEG or SVG).
struct ChartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart", abstract: "A shareable top-N image: PNG, JPEG or SVG.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var visual: VisualOptions

    @Option(help: "Output file: .png, .jpg or .svg.")
    var out: String

    @Option(help: "Title (default: 'Top N kind').")
    var title: String?

    func run() throws {
        try VisualsFailure.run {
            let clock = Stopwatch()
            let (format, theme) = try visual.look()
            let ext = (out as NSString).pathExtension.lowercased()
            guard ["png", "jpg", "jpeg", "svg"].contains(ext) else { throw GraphicsError.unsupportedImageFormat(ext) }
            let tools = ext == "jpg" || ext == "jpeg" || visual.artworkDir != nil ? try FFmpegTools.locate() : nil

            let db = try database.openStore(store)
            guard let profile = try db.existingProfile(named: store.profile) else {
                throw VisualsError(message: "no profile '\(store.profile)' in \(store.dataDirectory): run `segue import` first")
            }
            let entries = try db.top(
                ChartQuery(kind: visual.kind, metric: visual.metric, range: range.range, limit: visual.top, sources: range.source),
                profile: profile)
            guard !entries.isEmpty else {
                throw ChartsError.noData("no \(visual.kind.rawValue) with plays \(rangePhrase(from: range.from, to: range.to))")
            }
            let artwork = visual.artwork(
                for: entries.map { (AppearanceBook.identifier(of: $0), $0.name) }, tools: tools,
                spotify: VisualOptions.spotifyWanted(visual.kind, entries.map { ($0.name, $0.artist, $0.uri) }),
                dataDirectory: store.dataDirectory,
                libraryTracks: try? database.homeLibraryTracks(dataDirectory: store.dataDirectory))
            var caption = ChartCaption.topChart(
                kind: visual.kind, metric: visual.metric, top: visual.top, from: range.from, to: range.to,
                entries: entries)
            if let title { caption.title = title }
            let render = TopChartRender(format: format, theme: theme, artwork: artwork)
            let scene = try render.scene(entries: entries, metric: visual.metric, caption: caption)
            try render.write(scene, as: TopChartRender.ImageFormat(pathExtension: ext) ?? .png, to: out, tools: tools)
            RenderSummary(
                output: out, width: format.width, height: format.height, frames: 1, seconds: clock.seconds,
                fpsAchieved: nil, bytes: fileSize(out), encoder: nil
            ).print(as: visual.format)
        }
    }
}
