import Foundation
import SegueCharts
import SegueGraphics
import SegueRecap

/// Draws a recap's cards (`RecapCardLayout`) to PNG and SVG files: shared by `segue recap --out`
/// and the tests.
public struct RecapCardsRender {
    public var format: SocialFormat
    public var theme: Theme
    public var artwork: ArtworkLibrary

    public init(format: SocialFormat = .story, theme: Theme = .dark, artwork: ArtworkLibrary = ArtworkLibrary()) {
        self.format = format
        self.theme = theme
        self.artwork = artwork
    }

    /// The layout with Pango's measurements and the artwork library's colours.
    public var layout: RecapCardLayout {
        RecapCardLayout(format: format, theme: theme, appearances: artwork.appearances(), measurer: PangoTextMeasurer())
    }

    /// Every card of `recap` with its scene, in carousel order.
    public func scenes(_ recap: Recap) -> [(card: RecapCard, scene: Scene)] {
        let layout = layout
        return RecapCard.cards(for: recap).map { ($0, layout.scene($0, recap: recap)) }
    }

    /// `scene` as an SVG document whose ids all start with `idPrefix` (unique per document on a page).
    public func svgDocument(_ scene: Scene, idPrefix: String = "") -> String {
        SVGWriter(images: images(), idPrefix: idPrefix).document(scene)
    }

    /// Writes `NN-card.png` and `NN-card.svg` for every card into `folder` (created when missing);
    /// returns the paths written, PNG then SVG per card.
    public func write(_ recap: Recap, to folder: String) throws -> [String] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), !isFolder.boolValue {
            throw GraphicsError.writeFailed(path: folder, reason: "it is a file, not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw GraphicsError.writeFailed(path: folder, reason: "the folder cannot be made")
        }
        let renderer = try CairoRenderer(width: format.width, height: format.height, artwork: artwork)
        let svg = SVGWriter(images: images())
        var paths: [String] = []
        for (i, item) in scenes(recap).enumerated() {
            let base = (folder as NSString).appendingPathComponent(String(format: "%02d-%@", i + 1, item.card.rawValue))
            renderer.render(item.scene)
            try renderer.writePNG(to: base + ".png")
            try svg.write(item.scene, to: base + ".svg")
            paths += [base + ".png", base + ".svg"]
        }
        return paths
    }

    private func images() -> [String: [UInt8]] {
        var images: [String: [UInt8]] = [:]
        for id in artwork.identifiers { images[id] = artwork.pngData(for: id) }
        return images
    }
}
