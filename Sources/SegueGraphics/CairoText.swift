import CCairo
import CPango
import SegueCharts

/// Pango helpers: font descriptions, attributed layouts and the vertical placement every renderer shares.
enum CairoText {
    /// Pango units per pixel.
    static let scale = Double(PANGO_SCALE)

    /// Where the cap-height centre sits below the baseline's top, as a fraction of the font size
    /// (Inter's cap height is 0.727 em): placing `baseline = centerY + capCenter * size` centres
    /// capitals and digits optically on `centerY`.
    static let capCenter = 0.364

    static func fontDescription(_ font: FontSpec) -> OpaquePointer {
        let desc = pango_font_description_new()!
        pango_font_description_set_family(desc, font.family)
        pango_font_description_set_weight(desc, PangoWeight(rawValue: UInt32(font.weight.rawValue)))
        pango_font_description_set_absolute_size(desc, font.size * scale)
        return desc
    }

    /// Fills `layout` with the run's text and styles; colours are set when `withColors` (multi-span runs).
    static func configure(_ layout: OpaquePointer, spans: [TextSpan], maxWidth: Double?, withColors: Bool) {
        let text = spans.map(\.text).joined()
        pango_layout_set_text(layout, text, -1)
        let attrs = pango_attr_list_new()!
        var start: UInt32 = 0
        for span in spans {
            let end = start + UInt32(span.text.utf8.count)
            let desc = fontDescription(span.font)
            if let a = pango_attr_font_desc_new(desc) {
                a.pointee.start_index = start
                a.pointee.end_index = end
                pango_attr_list_insert(attrs, a)
            }
            pango_font_description_free(desc)
            if span.font.tabularDigits, let a = pango_attr_font_features_new("tnum") {
                a.pointee.start_index = start
                a.pointee.end_index = end
                pango_attr_list_insert(attrs, a)
            }
            if withColors {
                let c = span.color
                if let a = pango_attr_foreground_new(channel16(c.red), channel16(c.green), channel16(c.blue)) {
                    a.pointee.start_index = start
                    a.pointee.end_index = end
                    pango_attr_list_insert(attrs, a)
                }
                if let a = pango_attr_foreground_alpha_new(channel16(c.alpha)) {
                    a.pointee.start_index = start
                    a.pointee.end_index = end
                    pango_attr_list_insert(attrs, a)
                }
            }
            start = end
        }
        pango_layout_set_attributes(layout, attrs)
        pango_attr_list_unref(attrs)
        if let maxWidth {
            pango_layout_set_width(layout, Int32(max(1, maxWidth) * scale))
            pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END)
        } else {
            pango_layout_set_width(layout, -1)
            pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_NONE)
        }
        pango_layout_set_single_paragraph_mode(layout, 1)
        // The run's own alignment places it: a right-to-left name (Arabic, Hebrew) is still set right
        // to left inside, but its box starts at the run's x like any other, instead of Pango pushing
        // it to the right end of `maxWidth` (and out of an artwork square) as its base direction would.
        pango_layout_set_auto_dir(layout, 0)
    }

    /// The logical width in pixels and the first baseline in pixels from the layout's top.
    static func metrics(_ layout: OpaquePointer) -> (width: Double, baseline: Double) {
        let m = fullMetrics(layout)
        return (m.width, m.baseline)
    }

    /// Width and baseline as `metrics`, and the rows any pixel of the layout can touch, relative to
    /// its origin: the union of the ink and logical rectangles (accents and descenders can leave the
    /// logical box).
    static func fullMetrics(_ layout: OpaquePointer) -> (width: Double, baseline: Double, top: Double, bottom: Double) {
        var ink = PangoRectangle()
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let top = Double(min(ink.y, logical.y)) / scale
        let bottom = Double(max(ink.y + ink.height, logical.y + logical.height)) / scale
        return (Double(logical.width) / scale, Double(pango_layout_get_baseline(layout)) / scale, top, bottom)
    }

    /// The left x of a run of `width` pixels aligned at `x`.
    static func left(x: Double, width: Double, alignment: TextRun.Alignment) -> Double {
        switch alignment {
        case .left: return x
        case .center: return x - width / 2
        case .right: return x - width
        }
    }

    static func channel16(_ v: Double) -> UInt16 { UInt16((min(1, max(0, v)) * 65535).rounded()) }
}
