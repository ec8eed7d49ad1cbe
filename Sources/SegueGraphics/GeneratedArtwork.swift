import CCairo
import SegueCharts

/// Artwork for entities without cover art: the entity's initials on a diagonal gradient of its colour.
public enum GeneratedArtwork {
    /// The monogram's font size as a fraction of the artwork side.
    public static let monogramScale = 0.42
    /// The largest the monogram grows to reach `ArtworkRef.monogramMinimumSize`, as a fraction of the side
    /// (two heavy capitals of half the side still fit inside the square).
    public static let monogramMaximumScale = 0.5

    /// The run that draws the monogram centred in `rect` (shared by the Cairo and SVG renderers).
    /// - Parameter measurer: when given, a monogram grown to `monogramMinimumSize` that would be wider than
    ///   the square (two wide capitals, "WM") shrinks to fit, never below its usual proportion.
    public static func monogramRun(
        _ art: ArtworkRef, in rect: SceneRect, family: String = "Inter", measurer: (any TextMeasuring)? = nil
    ) -> TextRun {
        let mid = art.gradientStart.mixed(with: art.gradientEnd, 0.5)
        let scaled = rect.height * (art.monogram.count > 1 ? monogramScale * 0.86 : monogramScale)
        var size = max(scaled, min(art.monogramMinimumSize, rect.height * monogramMaximumScale))
        if size > scaled, let measurer {
            let width = measurer.width(of: art.monogram, font: FontSpec(family: family, weight: .heavy, size: size))
            // A pixel and a half of room: Pango measures in whole pixels, and the run's `maxWidth` must not cut it.
            let room = rect.width * 0.9 - 1.5
            if width > room { size = max(scaled, size * room / width) }
        }
        return TextRun(
            art.monogram, font: FontSpec(family: family, weight: .heavy, size: size),
            color: mid.readableTextColor.withAlpha(0.92), x: rect.x + rect.width / 2, centerY: rect.midY,
            maxWidth: rect.width * 0.9, alignment: .center, opacity: art.opacity)
    }

    static func draw(
        _ art: ArtworkRef, in rect: SceneRect, radius: Double, on cr: OpaquePointer, text: (TextRun) -> Void
    ) {
        CairoRenderer.roundedRectPath(cr, rect, radius: radius)
        let pattern = cairo_pattern_create_linear(rect.x, rect.y, rect.maxX, rect.maxY)!
        let a = art.gradientStart
        let b = art.gradientEnd
        cairo_pattern_add_color_stop_rgba(pattern, 0, a.red, a.green, a.blue, a.alpha * art.opacity)
        cairo_pattern_add_color_stop_rgba(pattern, 1, b.red, b.green, b.blue, b.alpha * art.opacity)
        cairo_set_source(cr, pattern)
        cairo_fill(cr)
        cairo_pattern_destroy(pattern)
        text(monogramRun(art, in: rect, measurer: PangoTextMeasurer()))
    }
}
