import CCairo
import CPango
import SegueCharts

/// Exact text widths from Pango with the fonts installed on this machine.
///
/// Each call sets up its own Cairo context, so the measurer is safe to share between threads; it is
/// meant for layout decisions, not for per-glyph work in a hot loop.
public struct PangoTextMeasurer: TextMeasuring {
    public init() {}

    public func width(of text: String, font: FontSpec) -> Double {
        measure(spans: [TextSpan(text, font: font, color: ChartColor(hex: 0))], maxWidth: nil).width
    }

    /// The width of a multi-span run, after ellipsizing to `maxWidth`, and whether it was ellipsized.
    public func measure(spans: [TextSpan], maxWidth: Double?) -> (width: Double, ellipsized: Bool) {
        withLayout { layout in
            CairoText.configure(layout, spans: spans, maxWidth: maxWidth, withColors: false)
            return (CairoText.metrics(layout).width, pango_layout_is_ellipsized(layout) != 0)
        }
    }

    /// The longest prefix of `spans` (then "…") that fits `maxWidth`, as the SVG writer needs it:
    /// SVG viewers do not ellipsize, so the text is cut here with Pango's own measurements.
    public func ellipsize(spans: [TextSpan], maxWidth: Double) -> [TextSpan] {
        guard measure(spans: spans, maxWidth: maxWidth).ellipsized else { return spans }
        let characters = spans.flatMap { span in span.text.map { (span, $0) } }
        func prefix(_ n: Int) -> [TextSpan] {
            var out: [TextSpan] = []
            for (span, ch) in characters.prefix(n) {
                if let last = out.last, last.font == span.font, last.color == span.color {
                    out[out.count - 1].text.append(ch)
                } else {
                    out.append(TextSpan(String(ch), font: span.font, color: span.color))
                }
            }
            // Drop trailing spaces before the ellipsis.
            while let last = out.last, last.text.last?.isWhitespace ?? false {
                out[out.count - 1].text.removeLast()
                if out[out.count - 1].text.isEmpty { out.removeLast() }
            }
            if out.isEmpty { out.append(TextSpan("", font: spans[0].font, color: spans[0].color)) }
            out[out.count - 1].text.append("…")
            return out
        }
        var lo = 0
        var hi = characters.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if measure(spans: prefix(mid), maxWidth: nil).width <= maxWidth { lo = mid } else { hi = mid - 1 }
        }
        return prefix(lo)
    }

    private func withLayout<R>(_ body: (OpaquePointer) -> R) -> R {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)!
        let cr = cairo_create(surface)!
        let layout = pango_cairo_create_layout(cr)!
        defer {
            g_object_unref(UnsafeMutableRawPointer(layout))
            cairo_destroy(cr)
            cairo_surface_destroy(surface)
        }
        return body(layout)
    }
}
