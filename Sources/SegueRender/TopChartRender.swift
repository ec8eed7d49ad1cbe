import Foundation
import SegueCharts
import SegueGraphics
import SegueMedia
import SegueModel

/// Draws a top-N chart scene to an image file or an SVG document: shared by `segue chart` and the web app.
public struct TopChartRender {
    /// Output kinds of a still chart.
    public enum ImageFormat: String, Sendable, CaseIterable, Codable {
        case png, jpg, svg

        /// The format of a file name's extension (`.jpeg` counts as JPEG), or nil.
        public init?(pathExtension: String) {
            switch pathExtension.lowercased() {
            case "png": self = .png
            case "jpg", "jpeg": self = .jpg
            case "svg": self = .svg
            default: return nil
            }
        }
    }

    public var format: SocialFormat
    public var theme: Theme
    public var artwork: ArtworkLibrary
    /// No text smaller than this many pixels (see `TopChartLayout.minimumTextSize`).
    public var minimumTextSize: Double

    public init(
        format: SocialFormat, theme: Theme, artwork: ArtworkLibrary = ArtworkLibrary(), minimumTextSize: Double = 0
    ) {
        self.format = format
        self.theme = theme
        self.artwork = artwork
        self.minimumTextSize = minimumTextSize
    }

    /// The scene of `entries` under `caption`.
    public func scene(entries: [ChartEntry], metric: Metric, caption: ChartCaption) throws -> Scene {
        try TopChartLayout(
            format: format, theme: theme, appearances: artwork.appearances(), measurer: PangoTextMeasurer(),
            minimumTextSize: minimumTextSize
        ).scene(entries: entries, metric: metric, caption: caption)
    }

    /// The scene as an SVG document (text escaped by `SVGWriter`) whose ids all start with `idPrefix`
    /// (unique per document when a page holds several).
    public func svgDocument(_ scene: Scene, idPrefix: String = "") -> String {
        SVGWriter(images: images(), idPrefix: idPrefix).document(scene)
    }

    /// Writes `scene` to `path` as `imageFormat`; JPEG needs `tools` (ffmpeg).
    public func write(_ scene: Scene, as imageFormat: ImageFormat, to path: String, tools: FFmpegTools?) throws {
        switch imageFormat {
        case .svg:
            try SVGWriter(images: images()).write(scene, to: path)
        case .png, .jpg:
            let renderer = try CairoRenderer(width: format.width, height: format.height, artwork: artwork)
            renderer.render(scene)
            if imageFormat == .png {
                try renderer.writePNG(to: path)
            } else {
                guard let tools else { throw MediaError.toolNotFound("ffmpeg") }
                try renderer.withPixels { pixels in
                    try StillImageCodec(tools: tools).writeJPEG(
                        bgra: pixels, width: format.width, height: format.height, to: path)
                }
            }
        }
    }

    private func images() -> [String: [UInt8]] {
        var images: [String: [UInt8]] = [:]
        for id in artwork.identifiers { images[id] = artwork.pngData(for: id) }
        return images
    }
}
